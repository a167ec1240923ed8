package io.hookgate.tail;

/**
 * The live tail's CPU budget ({@code management.streams.cpuShare}): a bucket of CPU time filled at the share of
 * the gateway's processors (nanoseconds of CPU per nanosecond of wall time) and holding at most one second's
 * worth, so that a quiet tail shows a burst at once and a busy one is held to its share on average. Plain
 * arithmetic on the times it is given, so that its tests drive the clock.
 */
final class TailBudget {
  private static final double SECOND_NANOS = 1e9;

  /** CPU nanoseconds earned per wall nanosecond. */
  private final double rate;
  private final double capacity;
  private double available;
  private long last;

  /**
   * @param share of the processors, more than 0 and at most 1
   * @param processors the processors the gateway has (the JVM's view: a container's CPU limit)
   * @param now {@link System#nanoTime()} or a test's clock: the bucket starts full
   */
  TailBudget(double share, int processors, long now) {
    if (!(share > 0 && share <= 1) || processors < 1) {
      throw new IllegalArgumentException("share must be in (0, 1] and processors at least 1");
    }
    this.rate = share * processors;
    this.capacity = rate * SECOND_NANOS;
    this.available = capacity;
    this.last = now;
  }

  /** The tail used this much CPU. */
  void spend(long cpuNanos, long now) {
    refill(now);
    if (cpuNanos > 0) {
      available -= cpuNanos;
    }
  }

  /** How long the tail must wait before it works again: 0 while the bucket is not empty. */
  long waitNanos(long now) {
    refill(now);
    return available >= 0 ? 0 : (long) Math.ceil(-available / rate);
  }

  private void refill(long now) {
    if (now > last) {
      available = Math.min(capacity, available + (now - last) * rate);
      last = now;
    }
  }
}
