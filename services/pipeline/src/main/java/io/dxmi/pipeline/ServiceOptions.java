package io.dxmi.pipeline;

import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.metrics.Metrics;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What every DxMI service is started with.
 *
 * @param settings the Kafka cluster and client properties
 * @param run the run's name
 * @param instanceId this instance's id (actors: distinct per actor)
 * @param stateDir where a learner keeps its checkpoints (unused by stateless services)
 * @param metrics the process's metrics registry
 * @param planTimeout how long to wait for the run plan at start
 */
public record ServiceOptions(KafkaSettings settings, String run, String instanceId, Path stateDir, Metrics metrics,
        Duration planTimeout) {}
