package io.hookgate.actions;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repeats a Kafka write until it is acknowledged: an action's offset is committed only once its outcome
 * is written, so giving up on the write would stall the partition anyway. Waits grow from 100ms to 5s on
 * timers (never blocking). Gives up only when the verticle is stopping; the action is then done again by
 * whoever consumes the partition next.
 */
final class Durably {
  private static final Logger LOG = LoggerFactory.getLogger(Durably.class);

  private Durably() {
  }

  static <T> Future<T> write(Vertx vertx, String what, BooleanSupplier stopping, Supplier<Future<T>> op) {
    Promise<T> promise = Promise.promise();
    attempt(vertx, what, stopping, op, promise, 100);
    return promise.future();
  }

  private static <T> void attempt(Vertx vertx, String what, BooleanSupplier stopping, Supplier<Future<T>> op,
      Promise<T> promise, long waitMillis) {
    Future<T> f;
    try {
      f = op.get();
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(ar -> {
      if (ar.succeeded()) {
        promise.complete(ar.result());
      } else if (stopping.getAsBoolean()) {
        promise.fail(ar.cause());
      } else {
        LOG.warn("Writing {} to Kafka failed, trying again in {}ms: {}", what, waitMillis, ar.cause().toString());
        vertx.setTimer(waitMillis, t -> attempt(vertx, what, stopping, op, promise, Math.min(5000, waitMillis * 2)));
      }
    });
  }
}
