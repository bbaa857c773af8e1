package io.dxmi.dashboard;

import io.dxmi.pipeline.RunTopics;
import io.dxmi.platform.config.KafkaSettings;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What one dashboard watches and where it listens: a run, the anomaly scorer's cameras, or both. Built with
 * {@link #builder()}: {@code setX} for required values, {@code optX} for optional ones; {@link Builder#setRun} may
 * be left out when {@link Builder#optCameras} is given. Immutable.
 *
 * @param run the run's name (its topics are {@code dxmi.<run>.*}); null for a dashboard of cameras only
 * @param kafka where the run's topics are
 * @param host the interface the HTTP server binds
 * @param port the HTTP port (0 = any free port)
 * @param runDir the run directory whose {@code figures/} holds the evaluator's figures (null: no figures)
 * @param endpoints service name to its Prometheus endpoint URL ({@code http://host:port/metrics}), in display order
 * @param scrapeInterval how often the endpoints are scraped and the figures checked, and the cameras view sent
 * @param cameras the cameras view, or null for none
 */
public record DashboardSettings(String run, KafkaSettings kafka, String host, int port, Path runDir,
        Map<String, URI> endpoints, Duration scrapeInterval, CameraViewSettings cameras) {

    public DashboardSettings {
        if (run == null && cameras == null) {
            throw new IllegalArgumentException("the dashboard needs a run, a cameras view, or both");
        }
        if (run != null) {
            new RunTopics(run); // validates the name
        } else if (runDir != null) {
            throw new IllegalArgumentException("a run directory is a run's: give the run too");
        }
        Objects.requireNonNull(kafka, "kafka settings");
        endpoints = Collections.unmodifiableMap(new LinkedHashMap<>(endpoints));
    }

    /** Returns a new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The default interface: loopback, so that the page is not served to the network unless asked. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    /** Builder: {@code setX} for required values, {@code optX} for optional ones. */
    public static final class Builder {
        private String run;
        private KafkaSettings kafka;
        private String host = DEFAULT_HOST;
        private int port;
        private Path runDir;
        private final Map<String, URI> endpoints = new LinkedHashMap<>();
        private Duration scrapeInterval = Duration.ofMillis(1500);
        private CameraViewSettings cameras;

        private Builder() {}

        /** Required unless {@link #optCameras} is given: the run's name. */
        public Builder setRun(String run) {
            this.run = run;
            return this;
        }

        /** Required: the Kafka cluster holding the run's topics. */
        public Builder setKafka(KafkaSettings kafka) {
            this.kafka = kafka;
            return this;
        }

        /** Optional: HTTP port, 0 = any free port (default 0). */
        public Builder optPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("dashboard port must be 0-65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** Optional: the interface to bind (default loopback, {@value DashboardSettings#DEFAULT_HOST}; 0.0.0.0 for all). */
        public Builder optHost(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Optional: the run directory, whose {@code figures/} the page shows (default none). */
        public Builder optRunDir(Path runDir) {
            this.runDir = runDir;
            return this;
        }

        /** Optional: one service's Prometheus endpoint to scrape (repeatable; more can be added while running). */
        public Builder optEndpoint(String service, URI url) {
            endpoints.put(checkName(service), checkUrl(url));
            return this;
        }

        /** Optional: several endpoints, service name to URL. */
        public Builder optEndpoints(Map<String, URI> urls) {
            urls.forEach(this::optEndpoint);
            return this;
        }

        /** Optional: how often endpoints are scraped and figures checked (default 1.5 s). */
        public Builder optScrapeInterval(Duration interval) {
            if (interval.toMillis() < 100) {
                throw new IllegalArgumentException("scrape interval must be at least 100 ms, got " + interval);
            }
            this.scrapeInterval = interval;
            return this;
        }

        /** Optional: the cameras view of the anomaly scorer's scores and frames (default none). */
        public Builder optCameras(CameraViewSettings cameras) {
            this.cameras = cameras;
            return this;
        }

        /** Validates and builds. */
        public DashboardSettings build() {
            if (run == null && cameras == null) {
                throw new IllegalArgumentException("the dashboard needs a run name, a cameras view, or both");
            }
            if (kafka == null) {
                throw new IllegalArgumentException("the dashboard needs Kafka settings");
            }
            return new DashboardSettings(run, kafka, host, port, runDir, endpoints, scrapeInterval, cameras);
        }
    }

    static String checkName(String service) {
        if (service == null || service.isBlank()) {
            throw new IllegalArgumentException("a metrics endpoint needs a service name");
        }
        return service.strip();
    }

    static URI checkUrl(URI url) {
        if (url == null || url.getHost() == null || !"http".equalsIgnoreCase(url.getScheme())) {
            throw new IllegalArgumentException("a metrics endpoint must be an http://host:port/path URL, got '"
                    + url + "'");
        }
        return url;
    }
}
