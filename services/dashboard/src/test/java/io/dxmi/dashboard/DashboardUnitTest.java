package io.dxmi.dashboard;

import io.dxmi.platform.config.KafkaSettings;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dashboard's pure parts: Prometheus text parsing, the figure whitelist, settings, the curve series. */
class DashboardUnitTest {

    /** What the Prometheus Java client writes (text format 0.0.4), with the series the dashboard reads. */
    private static final String EXPOSITION = String.join("\n",
            "# HELP dxmi_iterations_total Learner iterations",
            "# TYPE dxmi_iterations_total counter",
            "dxmi_iterations_total{run=\"r1\",service=\"value-learner\"} 1234.0",
            "# HELP dxmi_loss Latest loss of each kind",
            "# TYPE dxmi_loss gauge",
            "dxmi_loss{kind=\"policy\",service=\"value-learner\"} -0.5",
            "dxmi_loss{kind=\"value\",service=\"value-learner\"} 1.25e-3",
            "dxmi_sigma{service=\"value-learner\",step=\"0\"} 0.9",
            "dxmi_sigma{service=\"value-learner\",step=\"4\"} 0.29",
            "dxmi_policy_version{service=\"value-learner\"} 1234",
            "dxmi_ebm_version{service=\"value-learner\"} 1233",
            "dxmi_staleness_versions_bucket{service=\"value-learner\",le=\"+Inf\"} 10",
            "dxmi_staleness_versions_count{service=\"value-learner\"} 10",
            "dxmi_staleness_versions_sum{service=\"value-learner\"} 15.0",
            "odd_label{path=\"a\\\"b\\\\c\\nd\",x=\"{},=\"} 7 1700000000000",
            "not_a_number{service=\"x\"} abc",
            "unterminated{service=\"x} 3",
            "nan_gauge NaN",
            "inf_gauge +Inf",
            "");

    @Test
    void parsesSamplesLabelsAndSpecialValues() {
        PrometheusText t = PrometheusText.parse(EXPOSITION);
        assertEquals(1234.0, t.sum("dxmi_iterations_total").getAsDouble());
        List<PrometheusText.Sample> losses = t.all("dxmi_loss");
        assertEquals(2, losses.size());
        assertEquals("policy", losses.get(0).label("kind"));
        assertEquals(-0.5, losses.get(0).value());
        assertEquals(1.25e-3, losses.get(1).value());
        PrometheusText.Sample odd = t.all("odd_label").get(0);
        assertEquals("a\"b\\c\nd", odd.label("path"), "escapes in label values");
        assertEquals("{},=", odd.label("x"), "separators inside quotes");
        assertEquals(7.0, odd.value(), "the timestamp is not the value");
        assertTrue(Double.isNaN(t.first("nan_gauge").getAsDouble()));
        assertEquals(Double.POSITIVE_INFINITY, t.first("inf_gauge").getAsDouble());
        assertTrue(t.all("not_a_number").isEmpty(), "a malformed value is skipped");
        assertTrue(t.all("unterminated").isEmpty(), "an unterminated label is skipped");
        assertFalse(t.first("absent").isPresent());
    }

    @Test
    void serviceStatusReadsTheDashboardsSeries() {
        ServiceStatus s = new ServiceStatus("value-learner", URI.create("http://localhost:1/metrics"));
        s.update(PrometheusText.parse(EXPOSITION), 1000);
        assertTrue(s.up);
        assertEquals(1234.0, s.iteration);
        assertEquals(1234.0, s.policyVersion);
        assertEquals(1233.0, s.ebmVersion);
        assertEquals(1.5, s.stalenessMean);
        assertEquals(Map.of("policy", -0.5, "value", 1.25e-3), s.losses);
        assertEquals(List.of(0, 4), List.copyOf(s.sigma.keySet()));
        assertNull(s.process(), "no process_start_time_seconds: the process is unknown");
        // A restarted learner's counter starts again at 0; its run iteration (the gauge) does not.
        ServiceStatus restarted = new ServiceStatus("value-learner", URI.create("http://localhost:3/metrics"));
        restarted.update(PrometheusText.parse("dxmi_iterations_total 12.0\ndxmi_learner_iteration 712.0\n"), 1000);
        assertEquals(712.0, restarted.iteration);
        restarted.update(PrometheusText.parse("dxmi_iterations_total 12.0\ndxmi_learner_iteration NaN\n"), 1000);
        assertEquals(12.0, restarted.iteration, "no run iteration yet: the counter");
        ServiceStatus same = new ServiceStatus("evaluator", URI.create("http://localhost:2/metrics"));
        ServiceStatus other = new ServiceStatus("ebm-learner", URI.create("http://otherhost:1/metrics"));
        String started = "process_start_time_seconds 1.7000000001E9\n";
        s.update(PrometheusText.parse(EXPOSITION + started), 1000);
        same.update(PrometheusText.parse(started), 1000);
        other.update(PrometheusText.parse(started), 1000);
        assertEquals(s.process(), same.process(), "same host, same start: one process");
        assertFalse(s.process().equals(other.process()), "another host: another process");
        s.failed("Connection refused", 2000);
        assertFalse(s.up);
        assertEquals(1000, s.lastOkMillis, "the last good scrape's time stays");
        assertEquals("Connection refused", s.toJson().getString("error"));
    }

    @Test
    void figureWhitelistRefusesEverythingElse() {
        Path run = Path.of("/runs/r1");
        assertEquals(Path.of("/runs/r1/figures/samples-energy.png"),
                FigureFiles.resolve(run, "samples-energy.png").orElseThrow());
        for (String name : FigureFiles.NAMES) {
            assertTrue(FigureFiles.allowed(name), name);
        }
        for (String bad : new String[] {"../result.json", "..", "figures/metric-curves.png", "/etc/passwd",
            "metric-curves.png/..", "METRIC-CURVES.PNG", "metric-curves.png\u0000", "", "x.png", "%2e%2e"}) {
            assertFalse(FigureFiles.allowed(bad), bad);
            assertTrue(FigureFiles.resolve(run, bad).isEmpty(), bad);
        }
        assertFalse(FigureFiles.allowed(null));
        assertTrue(FigureFiles.resolve(null, "samples-energy.png").isEmpty(), "no run directory, no figures");
    }

    @Test
    void settingsAreValidated() {
        KafkaSettings kafka = KafkaSettings.builder().setBootstrapServers("localhost:9092").build();
        DashboardSettings s = DashboardSettings.builder().setRun("r1").setKafka(kafka)
                .optEndpoint("ebm-learner", URI.create("http://localhost:9400/metrics")).build();
        assertEquals(0, s.port());
        assertEquals(List.of("ebm-learner"), List.copyOf(s.endpoints().keySet()));
        assertThrows(IllegalArgumentException.class, () -> DashboardSettings.builder().setKafka(kafka).build());
        assertThrows(IllegalArgumentException.class,
                () -> DashboardSettings.builder().setRun("bad run").setKafka(kafka).build());
        assertThrows(IllegalArgumentException.class, () -> DashboardSettings.builder().optPort(70000));
        assertThrows(IllegalArgumentException.class,
                () -> DashboardSettings.builder().optEndpoint("x", URI.create("ftp://host/metrics")));
        assertThrows(IllegalArgumentException.class,
                () -> DashboardSettings.builder().optEndpoint(" ", URI.create("http://host:1/metrics")));
    }

    @Test
    void seriesAddsOnlyWhenTheIterationMovesAndStaysBounded() {
        Series s = new Series();
        assertTrue(s.add(0, 1.0, 0.5) != null);
        assertNull(s.add(1, 1.0, 0.4), "same iteration: no new point");
        assertNull(s.add(2, 2.0, Double.NaN), "non-finite values are not points");
        for (int i = 2; i < 3 * Series.MAX_POINTS; i++) {
            s.add(i, (double) i, i);
        }
        assertTrue(s.size() <= Series.MAX_POINTS, "thinned: " + s.size());
        assertTrue(s.size() > Series.MAX_POINTS / 4);
        var last = s.toJson().getJsonArray(s.size() - 1);
        assertEquals(3.0 * Series.MAX_POINTS - 1, last.getDouble(2), "the newest point survives thinning");
    }
}
