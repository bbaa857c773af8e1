/**
 * The live browser dashboard of one run ({@link io.dxmi.dashboard.DashboardVerticle}): it reads the run's
 * plan and evaluation reports from Kafka, scrapes every service's Prometheus endpoint, watches the evaluator's
 * figure files and pretraining's progress in the run directory, and pushes all of it to the page over
 * Server-Sent Events; one class per job, wired by the verticle. The page (HTML, JS and CSS under
 * {@code io/dxmi/dashboard/web}) needs nothing from the internet: its charts are uPlot, served from its WebJar.
 * Concurrency: everything runs on the verticle's event-loop context; file reads and Kafka admin calls run on
 * worker threads and hand their results back to it.
 */
package io.dxmi.dashboard;
