/**
 * Prometheus metrics per process: a registry, an HTTP exporter, JVM and native-memory gauges, and helpers that label every metric with the service name.
 */
package io.dxmi.platform.metrics;
