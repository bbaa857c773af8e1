/**
 * An in-process single-node KRaft Kafka broker built from the Maven Central artifacts, its command-line entry and topic helpers.
 */
package io.dxmi.platform.broker;
