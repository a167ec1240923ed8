package io.hookgate.tail;

import io.hookgate.metrics.GatewayMetrics;
import io.micrometer.core.instrument.Counter;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live tail's meters: streams open, catch-up readers, bytes waiting for clients that read slower than events
 * come, and why streams closed. Updated on the hub's context, read by the metrics scrape.
 */
final class TailMetrics implements SseOutput.BufferedBytes {
  /** The {@code reader} tag of the throttled time: the shared reader's, or the catch-up readers' summed. */
  static final String SHARED = "shared";
  static final String CATCH_UP = "catch_up";

  private final GatewayMetrics metrics;
  private final AtomicInteger streams = new AtomicInteger();
  private final AtomicInteger catchUps = new AtomicInteger();
  private final AtomicLong buffered = new AtomicLong();
  private final AtomicLong peak = new AtomicLong();
  private final Counter sent;
  private final Counter throttledShared;
  private final Counter throttledCatchUps;

  TailMetrics(GatewayMetrics metrics) {
    this.metrics = metrics;
    this.sent = metrics.counter("hookgate.tail.events.sent", "Events written to live tail streams");
    this.throttledShared = throttled(SHARED);
    this.throttledCatchUps = throttled(CATCH_UP);
    metrics.gauge("hookgate.tail.streams", "Live tail streams open on this replica", streams::get);
    metrics.gauge("hookgate.tail.catchups", "Live tail streams reading the topic on their own to reach the live "
        + "position", catchUps::get);
    metrics.gauge("hookgate.tail.buffered.bytes", "Bytes the live tail holds for clients that read slower than "
        + "events come (besides the connections' buffers)", buffered::get);
    metrics.gauge("hookgate.tail.buffered.peak.bytes", "The most bytes the live tail has held for one client since "
        + "start (it closes a stream past management.streams.bufferSize)", peak::get);
  }

  void streams(int open) {
    streams.set(open);
  }

  void catchUps(int running) {
    catchUps.set(running);
  }

  @Override
  public void add(long bytes, long nowForClient) {
    buffered.addAndGet(bytes);
    if (nowForClient > peak.get()) {
      peak.accumulateAndGet(nowForClient, Math::max);
    }
  }

  void closed(String reason) {
    metrics.counter("hookgate.tail.streams.closed", "Live tail streams closed, by reason (client, too_slow, "
        + "shutdown)", "reason", reason).increment();
  }

  void refused() {
    metrics.counter("hookgate.tail.streams.refused", "Live tail streams refused with 429: "
        + "management.streams.maxClients were open").increment();
  }

  /** A reader of the tail waits this long for its CPU budget. */
  void throttled(String reader, long nanos) {
    (CATCH_UP.equals(reader) ? throttledCatchUps : throttledShared).increment(nanos / 1e9);
  }

  private Counter throttled(String reader) {
    return metrics.counter("hookgate.tail.throttled.seconds", "Time the live tail's readers waited for its CPU "
        + "budget (management.streams.cpuShare), by reader (shared: the following streams'; catch_up: those "
        + "reading back from a Last-Event-ID, summed), their streams behind the events topic meanwhile", "reader",
        reader);
  }

  void sent(int events) {
    if (events > 0) {
      sent.increment(events);
    }
  }
}
