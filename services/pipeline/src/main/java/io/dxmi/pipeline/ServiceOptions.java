package io.dxmi.pipeline;

import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.metrics.Metrics;

import java.nio.file.Path;
import java.time.Duration;
import java.io.IOException;
import java.net.InetAddress;

/**
 * What every DxMI service is started with.
 *
 * @param settings the Kafka cluster and client properties
 * @param run the run's name
 * @param instanceId this instance's id (actors: distinct per actor)
 * @param stateDir where a learner keeps its checkpoints (unused by stateless services)
 * @param metrics the process's metrics registry
 * @param planTimeout how long to wait for the run plan at start
 * @param figuresDir where an evaluator redraws the run's figures at each evaluation; null = none
 */
public record ServiceOptions(KafkaSettings settings, String run, String instanceId, Path stateDir, Metrics metrics,
        Duration planTimeout, Path figuresDir) {

    /** Options without a figures directory. */
    public ServiceOptions(KafkaSettings settings, String run, String instanceId, Path stateDir, Metrics metrics,
            Duration planTimeout) {
        this(settings, run, instanceId, stateDir, metrics, planTimeout, null);
    }

    /** These options with a figures directory. */
    public ServiceOptions withFiguresDir(Path dir) {
        return new ServiceOptions(settings, run, instanceId, stateDir, metrics, planTimeout, dir);
    }

    /** Host name and process id: instances on different machines tell their messages and reports apart. */
    public static String defaultInstanceId() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                host = "host";
            }
        }
        return host + "-" + ProcessHandle.current().pid();
    }
}
