package io.hookgate.actions;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A target's concurrency limit and rate limit (token bucket, burst of one second's worth), without
 * blocking: a call that cannot start waits in a bounded queue and is started by {@link #release()} or by a
 * timer when the next token is due. Confined to one verticle's event loop.
 */
final class CallLimiter {
  private final Vertx vertx;
  private final int concurrency;
  private final double ratePerSecond;
  private final int maxQueued;
  private final Deque<Promise<Void>> waiting = new ArrayDeque<>();
  private int active;
  private double tokens;
  private long refilledAtNanos;
  private long timer = -1;

  /** @param ratePerSecond 0 for no rate limit */
  CallLimiter(Vertx vertx, int concurrency, double ratePerSecond, int maxQueued) {
    this.vertx = vertx;
    this.concurrency = concurrency;
    this.ratePerSecond = ratePerSecond;
    this.maxQueued = maxQueued;
    this.tokens = burst();
    this.refilledAtNanos = System.nanoTime();
  }

  /**
   * A slot for one call, completed when the call may start; null when the queue is full (the caller should
   * schedule the action for later rather than hold it in memory).
   */
  Future<Void> acquire() {
    if (waiting.size() >= maxQueued) {
      return null;
    }
    Promise<Void> slot = Promise.promise();
    waiting.add(slot);
    drain();
    return slot.future();
  }

  /** The call that held a slot has finished. */
  void release() {
    active--;
    drain();
  }

  int queued() {
    return waiting.size();
  }

  /** Roughly how long a new call would wait behind the queue. */
  long estimatedWaitMillis() {
    return ratePerSecond > 0 ? (long) Math.ceil(waiting.size() * 1000.0 / ratePerSecond) : 0;
  }

  private double burst() {
    return Math.max(1.0, ratePerSecond);
  }

  private void drain() {
    refill();
    while (!waiting.isEmpty() && active < concurrency) {
      if (ratePerSecond > 0) {
        if (tokens < 1.0) {
          scheduleRefill();
          return;
        }
        tokens -= 1.0;
      }
      active++;
      waiting.poll().complete();
    }
  }

  private void refill() {
    if (ratePerSecond <= 0) {
      return;
    }
    long now = System.nanoTime();
    tokens = Math.min(burst(), tokens + (now - refilledAtNanos) / 1e9 * ratePerSecond);
    refilledAtNanos = now;
  }

  private void scheduleRefill() {
    if (timer >= 0) {
      return;
    }
    long delay = Math.max(1, (long) Math.ceil((1.0 - tokens) / ratePerSecond * 1000));
    timer = vertx.setTimer(delay, id -> {
      timer = -1;
      drain();
    });
  }
}
