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
  private static final long MAX_WAIT_MILLIS = 5000;

  private Durably() {
  }

  static <T> Future<T> write(Vertx vertx, String what, BooleanSupplier stopping, Supplier<Future<T>> op) {
    Promise<T> promise = Promise.promise();
    attempt(vertx, what, stopping, op, promise, 1, 100);
    return promise.future();
  }

  /**
   * The first failure of a write is a WARN, the attempts after it DEBUG and the success that ends them INFO:
   * during a broker outage every action in flight waits here, each with its own writes, and a line per
   * attempt was hundreds of lines a minute that said nothing new.
   */
  private static <T> void attempt(Vertx vertx, String what, BooleanSupplier stopping, Supplier<Future<T>> op,
      Promise<T> promise, int attempt, long waitMillis) {
    Future<T> f;
    try {
      f = op.get();
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(ar -> {
      if (ar.succeeded()) {
        if (attempt > 1) {
          LOG.info("Wrote {} to Kafka at attempt {}", what, attempt);
        }
        promise.complete(ar.result());
      } else if (stopping.getAsBoolean()) {
        promise.fail(ar.cause());
      } else {
        if (attempt == 1) {
          LOG.warn("Writing {} to Kafka failed, trying again (every {}s at most) until it is written: {}", what,
              MAX_WAIT_MILLIS / 1000, ar.cause().toString());
        } else {
          LOG.debug("Writing {} to Kafka failed at attempt {}, trying again in {}ms: {}", what, attempt, waitMillis,
              ar.cause().toString());
        }
        vertx.setTimer(waitMillis, t -> attempt(vertx, what, stopping, op, promise, attempt + 1,
            Math.min(MAX_WAIT_MILLIS, waitMillis * 2)));
      }
    });
  }
}
