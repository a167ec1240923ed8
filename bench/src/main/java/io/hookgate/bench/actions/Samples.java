package io.hookgate.bench.actions;

import java.util.Arrays;

/**
 * Latencies in nanoseconds, every one kept (a 20 s phase holds at most a few hundred thousand), so the
 * percentiles are exact: sorted array, nearest rank. Confined to one thread.
 */
public final class Samples {
  private long[] values = new long[1 << 14];
  private int size;
  private boolean sorted = true;

  public void add(long nanos) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = nanos;
    sorted = false;
  }

  public int size() {
    return size;
  }

  /** The p-th percentile (0 < p <= 100) in microseconds, nearest rank; NaN without samples. */
  public double percentileMicros(double p) {
    if (size == 0) {
      return Double.NaN;
    }
    sort();
    int rank = (int) Math.ceil(p / 100.0 * size);
    return values[Math.max(0, Math.min(size - 1, rank - 1))] / 1000.0;
  }

  public double maxMicros() {
    return percentileMicros(100);
  }

  public double meanMicros() {
    if (size == 0) {
      return Double.NaN;
    }
    double sum = 0;
    for (int i = 0; i < size; i++) {
      sum += values[i];
    }
    return sum / size / 1000.0;
  }

  /** Samples below zero (for 202 -> sink: calls that reached the sink before the sender read the 202). */
  int negative() {
    sort();
    int n = 0;
    while (n < size && values[n] < 0) {
      n++;
    }
    return n;
  }

  private void sort() {
    if (!sorted) {
      Arrays.sort(values, 0, size);
      sorted = true;
    }
  }
}
