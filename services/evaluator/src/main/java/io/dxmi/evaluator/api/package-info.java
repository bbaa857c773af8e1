/**
 * The evaluator's plug-in interface: add a metric without touching the rest of DxMI.
 *
 * <h2>Writing a plug-in</h2>
 *
 * <ol>
 *   <li>Depend on {@code io.dxmi:dxmi-evaluator} and implement
 *       {@link io.dxmi.evaluator.api.EvaluationMetric}: an {@code id()} (lower-case, digits, '_')
 *       and {@code evaluate(EvaluationContext)}, which returns metric name → value. Names are the
 *       id itself or {@code id + "." + something} ({@code name("share_off_mode")} builds them);
 *       the evaluator refuses other names.</li>
 *   <li>Measure through the {@link io.dxmi.evaluator.api.EvaluationContext}: {@code sample(n, rng)}
 *       draws n rows from the current policy in data coordinates (the model undoes the run's
 *       normalisation), {@code energy(rows)} scores rows, {@code data()} gives fresh data rows,
 *       {@code rng()} is a stream seeded per run and plug-in (the same at every evaluation),
 *       {@code samples()} is the protocol's sample count, {@code plan()} the run plan, and
 *       {@code options()} the user's {@code --metric-option KEY=VALUE} pairs (read the keys that
 *       start with your id).</li>
 *   <li>Return an empty map when the plug-in does not apply (another data set); throw when
 *       something is wrong. A throwing plug-in never stops the evaluator: it is logged, counted in
 *       {@code dxmi_eval_plugin_errors_total{plugin}}, and the report goes out without its
 *       metrics.</li>
 *   <li>Register it: a file {@code META-INF/services/io.dxmi.evaluator.api.EvaluationMetric}
 *       naming the class (it needs a public no-argument constructor).</li>
 * </ol>
 *
 * <h2>Running it</h2>
 *
 * <ul>
 *   <li><b>Inside an evaluator.</b> Put the jar on the class path of {@code dxmi service evaluator}
 *       or {@code dxmi run}: every plug-in found is run (default), or only those chosen with
 *       {@code --metric ID} (repeatable). Its values join the evaluator's report, and each is
 *       exported as the gauge {@code dxmi_eval_metric{plugin, name}}.</li>
 *   <li><b>As its own process.</b> Give {@link io.dxmi.evaluator.ExternalEvaluatorCommand} the
 *       plug-ins from a {@code main}: the process joins the run, follows the newest policy and
 *       energy snapshots, evaluates every N policy versions, and publishes reports under its own
 *       evaluator name to {@code dxmi.<run>.evaluations}, beside the run's own evaluator. It can
 *       start and stop at any time: it begins with the newest snapshots.</li>
 * </ul>
 *
 * <p>The built-in SW and energy AUC ({@link io.dxmi.evaluator.builtin}) are plug-ins of this
 * interface; {@code examples/mode-coverage} is a complete example of both routes.
 */
package io.dxmi.evaluator.api;
