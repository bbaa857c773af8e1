package io.dxmi.platform.messaging;

import java.time.Duration;
import java.util.function.Supplier;

import io.dxmi.platform.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries an asynchronous action (a publication) until it succeeds or a time limit passes, so
 * that a broker outage longer than the producer's own delivery timeout loses nothing: the
 * caller either gets its result or a loud failure. Backoff from 200 ms, doubling to 5 s. One
 * log line when an outage starts and one when it ends; {@code dxmi_publish_retries_total{what}}
 * counts the retries and {@code dxmi_publish_failing{what}} is 1 while one is failing. Refusals that
 * waiting cannot fix (authorization, authentication, a record too large, an invalid topic) fail at once.
 */
public final class Retry {

    private static final Logger LOG = LoggerFactory.getLogger(Retry.class);
    private static final long FIRST_BACKOFF_MS = 200;
    private static final long MAX_BACKOFF_MS = 5_000;

    private final Vertx vertx;
    private final Duration giveUpAfter;
    private final Metrics metrics;

    /**
     * @param giveUpAfter how long one action may keep failing before the caller gets the failure
     * @param metrics where retries are counted; null counts nothing
     */
    public Retry(Vertx vertx, Duration giveUpAfter, Metrics metrics) {
        this.vertx = vertx;
        this.giveUpAfter = giveUpAfter;
        this.metrics = metrics;
    }

    /**
     * Runs {@code action} until one attempt succeeds. {@code what} is the kind of publication
     * (a metric label: keep it to a few values), {@code detail} says which one in the logs.
     */
    public <T> Future<T> until(String what, String detail, Supplier<Future<T>> action) {
        Promise<T> result = Promise.promise();
        attempt(what, detail, action, result, System.nanoTime(), 0, FIRST_BACKOFF_MS);
        return result.future();
    }

    private <T> void attempt(String what, String detail, Supplier<Future<T>> action, Promise<T> result,
            long startNanos, int failures, long backoffMs) {
        Future<T> f;
        try {
            f = action.get();
        } catch (RuntimeException e) {
            f = Future.failedFuture(e);
        }
        f.onComplete(ar -> {
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            if (ar.succeeded()) {
                if (failures > 0) {
                    LOG.info("{} {} succeeded after {} failed attempts ({} s)", what, detail, failures,
                            String.format("%.1f", seconds));
                    failing(what, 0);
                }
                result.complete(ar.result());
                return;
            }
            if (permanent(ar.cause())) {
                // Waiting cannot fix a refusal (ACLs, credentials, a record too large): fail now, loudly.
                LOG.error("{} {} refused ({}); not retried", what, detail, ar.cause().toString());
                result.fail(ar.cause());
                return;
            }
            if (seconds > giveUpAfter.toSeconds()) {
                LOG.error("{} {} still failing after {} s ({}); giving up", what, detail, (long) seconds,
                        ar.cause().toString());
                failing(what, 0);
                result.fail(new IllegalStateException(what + " " + detail + " failed for " + (long) seconds + " s: "
                        + ar.cause(),
                        ar.cause()));
                return;
            }
            if (failures == 0) {
                LOG.warn("{} {} failed ({}); retrying for up to {} s", what, detail, ar.cause().toString(),
                        giveUpAfter.toSeconds());
                failing(what, 1);
            }
            if (metrics != null) {
                metrics.counterFamily("dxmi_publish_retries_total", "Publications retried after a failure", "what")
                        .labels(what).inc();
            }
            vertx.setTimer(backoffMs, id -> attempt(what, detail, action, result, startNanos, failures + 1,
                    Math.min(MAX_BACKOFF_MS, backoffMs * 2)));
        });
    }

    /** Whether {@code e} (or a cause) is a refusal that no retry can fix. */
    static boolean permanent(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AuthorizationException || t instanceof AuthenticationException
                    || t instanceof RecordTooLargeException || t instanceof InvalidTopicException
                    || t instanceof UnsupportedVersionException) {
                return true;
            }
        }
        return false;
    }

    private void failing(String what, double value) {
        if (metrics != null) {
            metrics.gaugeFamily("dxmi_publish_failing", "1 while a publication keeps failing (retried)", "what")
                    .labels(what).set(value);
        }
    }
}
