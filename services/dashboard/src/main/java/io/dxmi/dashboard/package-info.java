/**
 * The live browser dashboard ({@link io.dxmi.dashboard.DashboardVerticle}) of a run, of the anomaly scorer's
 * cameras, or of both. For a run it reads the plan and evaluation reports from Kafka, scrapes every service's
 * Prometheus endpoint, and watches the evaluator's figure files and pretraining's progress in the run directory;
 * for cameras it reads the committed scores and the frames from Kafka and keeps, per camera, the newest score and
 * frames and the windowed alarm rate, frames/s and latency ({@link io.dxmi.dashboard.CameraView}). All of it is
 * pushed to the page over Server-Sent Events; one class per job, wired by the verticle. The page (HTML, JS and CSS
 * under {@code io/dxmi/dashboard/web}) needs nothing from the internet: its charts are uPlot, served from its
 * WebJar. Concurrency: everything runs on the verticle's event-loop context; file reads, Kafka admin calls, the
 * cameras' JSON and frame encoding run on worker threads, and the cameras' consumer on its own thread.
 */
package io.dxmi.dashboard;
