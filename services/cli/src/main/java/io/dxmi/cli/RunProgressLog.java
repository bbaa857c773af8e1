package io.dxmi.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dxmi.core.job.MetricsLog;
import io.dxmi.ebmlearner.EbmLearnerVerticle;
import io.dxmi.evaluator.EvaluatorVerticle;
import io.dxmi.schemas.EvaluationReport;
import io.dxmi.valuelearner.ValueLearnerVerticle;

import java.util.List;

/**
 * Writes an embedded run's progress to metrics.jsonl as {@code dxmi train} does: a {@code train} record per new
 * value-learner iteration seen (the energy's figures from the ebm-learner), and an {@code eval} record per new
 * evaluator report.
 */
final class RunProgressLog {

    private final MetricsLog log;
    private final long startNanos;
    private final long startIteration;
    private long loggedIteration;
    private int loggedReports;

    /** @param startIteration the iteration the run starts (or resumes) at */
    RunProgressLog(MetricsLog log, long startNanos, long startIteration) {
        this.log = log;
        this.startNanos = startNanos;
        this.startIteration = startIteration;
        this.loggedIteration = startIteration;
    }

    void update(EbmLearnerVerticle ebm, ValueLearnerVerticle value, EvaluatorVerticle evaluator) {
        long it = value.iteration();
        if (it > loggedIteration && value.lastStats() != null) {
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            ObjectNode rec = MetricsLog.trainRecord(it, (it - startIteration) / Math.max(seconds, 1e-9),
                    ebm.lastStats(), value.lastStats());
            rec.put("ebm_iteration", ebm.iteration());
            log.append(rec);
            loggedIteration = it;
        }
        List<EvaluationReport> reports = evaluator.reports();
        for (; loggedReports < reports.size(); loggedReports++) {
            EvaluationReport r = reports.get(loggedReports);
            ObjectNode ev = MetricsLog.evalRecord(r.getIteration(), r.getMetrics()); // every plug-in's values
            ev.put("policy_version", r.getPolicyVersion());
            ev.put("ebm_version", r.getEbmVersion());
            log.append(ev);
        }
    }
}
