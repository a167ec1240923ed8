package io.hookgate.jobs;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * At most {@code rate} tokens a second, taken one at a time (a second take before the first completes fails),
 * without blocking: a job's own budget, so that a replay does
 * not crowd out live deliveries. Confined to one context.
 */
final class RateBudget {
  private final Vertx vertx;
  private final double rate;
  private double tokens;
  private long refilledAt = System.nanoTime();
  private long timer = -1;
  private Promise<Void> waiting;

  RateBudget(Vertx vertx, double rate) {
    this.vertx = vertx;
    this.rate = rate;
    this.tokens = Math.max(1, rate);
  }

  /** Completes when a token is taken. */
  Future<Void> take() {
    long now = System.nanoTime();
    tokens = Math.min(Math.max(1, rate), tokens + (now - refilledAt) / 1e9 * rate);
    refilledAt = now;
    if (tokens >= 1) {
      tokens -= 1;
      return Future.succeededFuture();
    }
    if (waiting != null) {
      return Future.failedFuture(new IllegalStateException("one token at a time"));
    }
    Promise<Void> p = Promise.promise();
    waiting = p;
    long wait = Math.max(1, (long) Math.ceil((1 - tokens) / rate * 1000));
    timer = vertx.setTimer(wait, t -> {
      timer = -1;
      waiting = null;
      take().onComplete(p);
    });
    return p.future();
  }

  /** Stops the wait for a token, if any: its future fails. */
  void close() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    if (waiting != null) {
      Promise<Void> p = waiting;
      waiting = null;
      p.tryFail("stopped");
    }
  }
}
