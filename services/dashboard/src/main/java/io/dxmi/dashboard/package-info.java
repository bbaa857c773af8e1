/**
 * The live browser dashboard of one run ({@link io.dxmi.dashboard.DashboardVerticle}): it reads the run's
 * plan and evaluation reports from Kafka, scrapes every service's Prometheus endpoint and watches the
 * evaluator's figure files, and pushes all of it to the page over Server-Sent Events. The page (HTML, JS and
 * CSS under {@code io/dxmi/dashboard/web}) is self-contained: no CDN, curves drawn on canvas.
 */
package io.dxmi.dashboard;
