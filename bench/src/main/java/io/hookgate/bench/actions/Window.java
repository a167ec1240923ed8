package io.hookgate.bench.actions;

/**
 * The measured phase, in {@link System#nanoTime()} time. Set once by the controlling thread, read by the
 * event loop: both ends are known in advance, so no arrival after the end can slip in while the end is
 * being set.
 */
final class Window {
  private volatile long start = Long.MAX_VALUE;
  private volatile long end = Long.MAX_VALUE;

  void open(long startNanos, long durationNanos) {
    end = startNanos + durationNanos;
    start = startNanos;
  }

  boolean contains(long nanos) {
    return nanos >= start && nanos < end;
  }

  long start() {
    return start;
  }

  long end() {
    return end;
  }
}
