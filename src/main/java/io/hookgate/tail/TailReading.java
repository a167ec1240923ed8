package io.hookgate.tail;

import io.hookgate.kafka.KafkaClientFactory;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * What every reader of the live tail shares: where it reads, the hub's context it hands records to, and the CPU
 * budget they all spend.
 */
record TailReading(Vertx vertx, KafkaClientFactory kafka, String topic, Context context, TailBudget budget,
    TailMetrics metrics) {
  /**
   * Runs {@code then} on the hub's context once {@code waitNanos} (what the budget said) have passed, rounded up to
   * the timer's milliseconds, and counts the wait as the {@code reader}'s throttled time.
   */
  void wakeAfter(long waitNanos, String reader, Runnable then) {
    metrics.throttled(reader, waitNanos);
    vertx.setTimer(Math.max(1, (waitNanos + 999_999) / 1_000_000), id -> context.runOnContext(v -> then.run()));
  }
}
