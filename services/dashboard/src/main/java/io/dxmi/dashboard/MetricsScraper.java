package io.dxmi.dashboard;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Scrapes services' Prometheus endpoints: one GET per service per round, never two at once for one service, each
 * bounded by the scrape interval. A success updates the {@link ServiceStatus} with what the page shows; a failure
 * marks the service down with the reason. Confined to the dashboard's context.
 */
final class MetricsScraper {

    private final HttpClientAgent http;
    private final long timeoutMillis;

    MetricsScraper(Vertx vertx, Duration interval) {
        this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
        this.timeoutMillis = Math.max(500, interval.toMillis());
    }

    /** Scrapes every service not still being scraped; completes when all of this round have answered or failed. */
    Future<Void> round(List<ServiceStatus> services) {
        List<Future<Void>> round = new ArrayList<>();
        for (ServiceStatus s : services) {
            if (!s.scraping) {
                round.add(scrape(s));
            }
        }
        return Future.join(round).mapEmpty();
    }

    Future<Void> close() {
        return http.close();
    }

    private Future<Void> scrape(ServiceStatus s) {
        s.scraping = true;
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(s.url.toString())
                .setConnectTimeout(timeoutMillis).setIdleTimeout(timeoutMillis);
        return http.request(options)
                .compose(req -> req.send())
                .compose(resp -> resp.statusCode() == 200 ? resp.body()
                        : Future.failedFuture("HTTP " + resp.statusCode()))
                .andThen(ar -> {
                    s.scraping = false;
                    long now = System.currentTimeMillis();
                    if (ar.succeeded()) {
                        s.update(PrometheusText.parse(ar.result().toString()), now);
                    } else {
                        String why = ar.cause().getMessage();
                        s.failed(why == null ? ar.cause().getClass().getSimpleName() : why, now);
                    }
                })
                .<Void>mapEmpty().recover(e -> Future.succeededFuture());
    }
}
