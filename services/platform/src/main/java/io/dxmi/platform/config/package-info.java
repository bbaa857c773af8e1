/**
 * Typed, validated Kafka client settings shared by every service (bootstrap servers, client ids, pass-through client properties such as security.protocol, sasl.* and ssl.*).
 */
package io.dxmi.platform.config;
