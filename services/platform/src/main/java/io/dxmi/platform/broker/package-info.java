/**
 * An in-process single-node KRaft Kafka broker built from the Maven Central artifacts, and topic
 * helpers (blocking, on the caller's thread).
 */
package io.dxmi.platform.broker;
