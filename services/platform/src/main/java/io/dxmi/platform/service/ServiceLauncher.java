package io.dxmi.platform.service;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import io.vertx.core.Context;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Deploys verticles with typed configuration and keeps blocking work off the event loop.
 *
 * <p>Typed configuration: a service describes its settings as a Java record or bean; {@link #deploy} turns it into
 * the verticle's {@link JsonObject} config (Jackson), and the verticle reads it back with {@link #config}. So the
 * configuration is checked by the compiler on both sides and still travels as plain JSON (which is what Vert.x
 * and deployment descriptors speak).
 */
public final class ServiceLauncher {

  private ServiceLauncher() {
  }

  /**
   * Deploys {@code instances} copies of a verticle on event loops.
   *
   * @param config a record/bean turned into JSON, or a {@link JsonObject}, or null (empty)
   * @return the deployment id (undeploy with it, for example through GracefulShutdown)
   */
  public static Future<String> deploy(Vertx vertx, Supplier<? extends Deployable> verticle, Object config,
      int instances) {
    return vertx.deployVerticle(verticle, options(config, instances).setThreadingModel(ThreadingModel.EVENT_LOOP));
  }

  /**
   * Deploys a verticle on worker threads: its start and handlers may block (model training, file I/O).
   *
   * @return the deployment id
   */
  public static Future<String> deployWorker(Vertx vertx, Supplier<? extends Deployable> verticle, Object config) {
    return vertx.deployVerticle(verticle, options(config, 1).setThreadingModel(ThreadingModel.WORKER));
  }

  /** Reads a verticle's config back as {@code type}. */
  public static <C> C config(Context context, Class<C> type) {
    return context.config().mapTo(type);
  }

  /** Turns a record/bean (or JsonObject) into a JsonObject. */
  public static JsonObject toJson(Object config) {
    if (config == null) {
      return new JsonObject();
    }
    if (config instanceof JsonObject j) {
      return j.copy();
    }
    return JsonObject.mapFrom(config);
  }

  /**
   * Runs blocking work on a worker thread, unordered (independent tasks may run in parallel); the future
   * completes on the caller's context.
   */
  public static <T> Future<T> blocking(Vertx vertx, Callable<T> work) {
    Objects.requireNonNull(work, "work");
    return vertx.executeBlocking(work, false);
  }

  private static DeploymentOptions options(Object config, int instances) {
    if (instances < 1) {
      throw new IllegalArgumentException("instances must be at least 1, got " + instances);
    }
    return new DeploymentOptions().setConfig(toJson(config)).setInstances(instances);
  }
}
