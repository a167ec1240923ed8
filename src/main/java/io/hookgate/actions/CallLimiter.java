package io.hookgate.actions;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;

/**
 * A target's concurrency limit and rate limit (token bucket, burst of one second's worth), without
 * blocking: a call that cannot start waits in a bounded queue and is started by {@link #release()} or by a
 * timer when the next token is due. When the queue is full, it says when a postponed action should come back
 * ({@link #postponement()}). Confined to one verticle's event loop.
 */
final class CallLimiter {
  /**
   * Actions postponed further ahead than this are no longer paced one by one (see {@link #postponement()}): they
   * come back after it and are paced again, on what the target does then. Short, because a return time is
   * written and not revised: a pace measured on a cold gateway held hundreds of actions back for minutes after it
   * had warmed (the management benchmark's replay, 20:03 UTC on 2026-12-07, with ten minutes here).
   */
  static final Duration MAX_PACED = Duration.ofSeconds(30);
  private static final long MIN_POSTPONEMENT_NANOS = Duration.ofSeconds(1).toNanos();
  /** The finished calls the pace is measured on: the last 64, those of the last 30 seconds, at least 4. */
  private static final int PACE_SAMPLES = 64;
  private static final long PACE_WINDOW_NANOS = Duration.ofSeconds(30).toNanos();
  private static final int PACE_MIN_SAMPLES = 4;
  private static final double OPTIMISM = 2;

  /** When a postponed action should come back; {@code paced} false when no pace is known (spread it). */
  record Postponement(Duration delay, boolean paced) {
  }

  private final Vertx vertx;
  private final LongSupplier nanoTime;
  private final int concurrency;
  private final double ratePerSecond;
  private final int maxQueued;
  private final Deque<Promise<Void>> waiting = new ArrayDeque<>();
  private int active;
  private double tokens;
  private long refilledAtNanos;
  private long timer = -1;
  /** When the last calls finished (a ring), to measure how many a second the target takes. */
  private final long[] finishedAt = new long[PACE_SAMPLES];
  /** How many of {@link #finishedAt} are set, and where the next goes. */
  private int finished;
  private int nextFinished;
  /** When the last action postponed with a pace comes back. */
  private long pacedUntilNanos = Long.MIN_VALUE;

  /** @param ratePerSecond 0 for no rate limit */
  CallLimiter(Vertx vertx, int concurrency, double ratePerSecond, int maxQueued) {
    this(vertx, concurrency, ratePerSecond, maxQueued, System::nanoTime);
  }

  CallLimiter(Vertx vertx, int concurrency, double ratePerSecond, int maxQueued, LongSupplier nanoTime) {
    this.vertx = vertx;
    this.nanoTime = nanoTime;
    this.concurrency = concurrency;
    this.ratePerSecond = ratePerSecond;
    this.maxQueued = maxQueued;
    this.tokens = burst();
    this.refilledAtNanos = nanoTime.getAsLong();
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
    finishedAt[nextFinished] = nanoTime.getAsLong();
    nextFinished = (nextFinished + 1) % PACE_SAMPLES;
    finished = Math.min(finished + 1, PACE_SAMPLES);
    drain();
  }

  int queued() {
    return waiting.size();
  }

  /**
   * When an action that finds the queue full should come back. Those postponed together must not come back
   * together: they would find the queue full again and go round once more, each time a write and a read of the
   * retry and actions topics, which under a long overload is what the gateway's core ends up spending its time
   * on. So they are paced ({@link #pace}): each comes back one step after the one postponed before it, the
   * first once the queue has drained at that pace, at least a second ahead. Without a known pace (no calls
   * finished lately), or past {@link #MAX_PACED}, the caller spreads them.
   */
  Postponement postponement() {
    long now = nanoTime.getAsLong();
    double pace = pace(now);
    if (pace <= 0) {
      return new Postponement(Duration.ofNanos(MIN_POSTPONEMENT_NANOS), false);
    }
    long drained = now + Math.max(MIN_POSTPONEMENT_NANOS, (long) (waiting.size() * 1e9 / pace));
    long at = Math.max(drained, pacedUntilNanos);
    if (at - now > MAX_PACED.toNanos()) {
      return new Postponement(MAX_PACED, false);
    }
    pacedUntilNanos = at + (long) (1e9 / pace);
    return new Postponement(Duration.ofNanos(at - now), true);
  }

  /**
   * Calls a second to pace postponed actions at: twice what the target finished lately, at most its rate limit;
   * 0 when not known. Twice: a pace measured on a cold JVM or in a target's slow moment would hold postponed
   * actions back long after the target sped up (their return times are written, not revised); coming back
   * early costs some of them one more trip.
   */
  private double pace(long now) {
    int samples = finished;
    long newest = Long.MIN_VALUE;
    long oldest = Long.MAX_VALUE;
    int recent = 0;
    for (int i = 0; i < samples; i++) {
      long t = finishedAt[i];
      if (now - t <= PACE_WINDOW_NANOS) {
        recent++;
        newest = Math.max(newest, t);
        oldest = Math.min(oldest, t);
      }
    }
    double measured = recent >= PACE_MIN_SAMPLES && newest > oldest
        ? OPTIMISM * (recent - 1) * 1e9 / (newest - oldest)
        : 0;
    if (ratePerSecond > 0) {
      return measured > 0 ? Math.min(measured, ratePerSecond) : ratePerSecond;
    }
    return measured;
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
