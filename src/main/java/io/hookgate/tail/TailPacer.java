package io.hookgate.tail;

import io.hookgate.kafka.ConsumerLoop;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the shared reader's records to the hub within the tail's {@link TailBudget}, so that viewers never take
 * the webhooks' CPU: past the budget, records wait here in order and the streams fall behind the topic's end.
 * A record's future, which the reader's {@link ConsumerLoop} counts as in flight, completes once the hub has
 * handled it: past the reader's in-flight bound the loop stops fetching, and the topic holds the rest until the
 * load eases. While it waits for its budget, handled records are given back to the loop only once fewer than
 * {@code releaseBelow} wait here, so that a throttled reader fetches in large gulps rather than a trickle of
 * pause, resume and small fetches. What is charged: the reader's thread (fetching and decoding), handling
 * records on the hub's context, and writing the streams ({@link #charge}), each as the CPU time of the thread
 * doing it.
 *
 * <p>Everything but {@link #readBy} runs on the hub's context.
 */
final class TailPacer {
  private static final Logger LOG = LoggerFactory.getLogger(TailPacer.class);
  /**
   * CPU time the pacer hands records on for before it gives the core back (at least one record a turn). Short,
   * because the webhooks wait while the tail holds their core: with the same budget (1%) and the same events
   * sent, turns of 64 records cost the ingress a third of its requests and turns of 8 an eighth (bench/README.md,
   * live tail), far more than the CPU time the turns took.
   */
  private static final long TURN_NANOS = 200_000;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private record Held(ConsumerRecord<String, byte[]> record, Promise<Void> handled) {
  }

  private final TailReading reading;
  private final TailBudget budget;
  private final Consumer<ConsumerRecord<String, byte[]>> hub;
  private final int releaseBelow;
  private final ArrayDeque<Held> held = new ArrayDeque<>();
  /** Handled, their futures not completed yet: the loop still counts them in flight. */
  private final List<Promise<Void>> handled = new ArrayList<>();
  private volatile ConsumerLoop reader;
  /** The reader's thread, charged from the first look (its set-up is not the viewers'). */
  private final LoopCharge readerCharge = new LoopCharge(false);
  private boolean scheduled;
  private boolean stopped;

  /**
   * @param releaseBelow handled records are given back to the loop once fewer than this wait (a fraction of the
   *     loop's in-flight bound)
   */
  TailPacer(TailReading reading, Consumer<ConsumerRecord<String, byte[]>> hub, int releaseBelow) {
    this.reading = reading;
    this.budget = reading.budget();
    this.hub = hub;
    this.releaseBelow = releaseBelow;
  }

  /** The CPU time of this loop's thread counts against the budget; any thread. */
  void readBy(ConsumerLoop loop) {
    this.reader = loop;
  }

  /** A record of the reader: handled by the hub when the budget allows; the future says when. */
  Future<Void> offer(ConsumerRecord<String, byte[]> record) {
    if (stopped) {
      return Future.succeededFuture();
    }
    Promise<Void> handled = Promise.promise();
    held.add(new Held(record, handled));
    schedule(0);
    return handled.future();
  }

  /** The tail used this much CPU elsewhere (writing the streams). */
  void charge(long cpuNanos) {
    budget.spend(cpuNanos, System.nanoTime());
  }

  /** Records not handled yet are dropped (their reader is stopping): the loop is not kept waiting for them. */
  void stop() {
    stopped = true;
    release();
    Held h;
    while ((h = held.poll()) != null) {
      h.handled.tryComplete();
    }
  }

  /** The CPU time of the calling thread, in nanoseconds (its wall time where the JVM cannot tell). */
  static long threadCpu() {
    return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
  }

  private void schedule(long waitNanos) {
    if (scheduled) {
      return;
    }
    scheduled = true;
    if (waitNanos <= 0) {
      reading.context().runOnContext(v -> drain());
    } else {
      reading.wakeAfter(waitNanos, TailMetrics.SHARED, this::drain);
    }
  }

  private void drain() {
    scheduled = false;
    if (stopped || held.isEmpty()) {
      return;
    }
    readerCharge.charge(reader, budget);
    long wait = budget.waitNanos(System.nanoTime());
    if (wait > 0) {
      schedule(wait);
      return;
    }
    long start = threadCpu();
    long now = start;
    while (!held.isEmpty() && now - start < TURN_NANOS) {
      Held h = held.poll();
      try {
        hub.accept(h.record);
      } catch (RuntimeException e) {
        // One record the hub could not handle must not stall the ones after it.
        LOG.warn("Live tail: record {}-{}@{} not handled: {}", h.record.topic(), h.record.partition(),
            h.record.offset(), e.toString());
      } finally {
        handled.add(h.handled);
      }
      now = threadCpu();
    }
    if (held.size() < releaseBelow) {
      release();
    }
    budget.spend(threadCpu() - start, System.nanoTime());
    if (!held.isEmpty()) {
      schedule(0);
    }
  }

  private void release() {
    handled.forEach(Promise::tryComplete);
    handled.clear();
  }
}
