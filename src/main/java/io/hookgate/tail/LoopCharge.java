package io.hookgate.tail;

import io.hookgate.kafka.ConsumerLoop;

/**
 * Charges a reader's consumer thread to the tail's {@link TailBudget}: each call adds the CPU time the thread used
 * since the last one (fetching and decoding records happen there, out of the hub's sight). One per reader.
 */
final class LoopCharge {
  private final boolean fromStart;
  private ConsumerLoop loop;
  private long seen;

  /**
   * @param fromStart whether a loop's CPU time before its first charge is the tail's too (a catch-up reader's
   *     set-up is); otherwise charging starts at the first look
   */
  LoopCharge(boolean fromStart) {
    this.fromStart = fromStart;
  }

  /** Charges what {@code current}'s thread used since it was last charged; nothing while it has no thread. */
  void charge(ConsumerLoop current, TailBudget budget) {
    long now = current == null ? -1 : current.cpuNanos();
    if (now < 0) {
      return;
    }
    if (current != loop) {
      loop = current;
      seen = fromStart ? 0 : now;
    }
    if (now > seen) {
      budget.spend(now - seen, System.nanoTime());
      seen = now;
    }
  }
}
