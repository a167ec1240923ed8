package io.hookgate.tail;

import io.hookgate.kafka.ConsumerLoop;
import io.hookgate.kafka.ConsumerSettings;
import io.hookgate.kafka.ConsumerSettings.OnFailure;
import io.hookgate.kafka.ConsumerSettings.StartAt;
import io.hookgate.kafka.ConsumerSettings.WholeTopic;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A stream's own reader of the partitions where it is behind the shared reader, from its position on. It goes at
 * its client's pace and within the tail's CPU budget: a record that comes while the client's output has no room,
 * or while the budget is spent, is held, and its future (the {@link ConsumerLoop}'s back-pressure) completes once
 * it is handed on, so that the reader pauses at its in-flight bound ({@value #IN_FLIGHT} records) rather than
 * filling memory. Its thread's CPU time and the handing on of records are charged to the budget, as the shared
 * reader's are ({@link TailPacer}): a viewer coming back after hours reads them back without slowing the webhooks.
 *
 * <p>Touched only on the hub's context.
 */
final class CatchUpReader {
  static final int IN_FLIGHT = 32;

  private record Held(ConsumerRecord<String, byte[]> record, Promise<Void> done) {
  }

  private final TailReading reading;
  private final ConsumerLoop loop;
  private final BooleanSupplier roomy;
  private final Consumer<ConsumerRecord<String, byte[]>> apply;
  private final Runnable wake;
  private final ArrayDeque<Held> held = new ArrayDeque<>();
  /** Heartbeats in a row at which it held records its client had no room for, none moving in between. */
  private int stalledBeats;
  /** The reader's thread: all of its CPU time is the tail's, from its start (the consumer's set-up). */
  private final LoopCharge loopCharge = new LoopCharge(true);
  private boolean waking;

  /**
   * @param from the next offset of each partition it reads
   * @param roomy whether the client's output has room for more
   * @param apply what the hub does with a record, on the hub's context
   * @param wake called on the hub's context once the budget allows held records to go on: the hub then
   *     {@link #release}s them
   */
  CatchUpReader(String name, TailReading reading, Map<Integer, Long> from, BooleanSupplier roomy,
      Consumer<ConsumerRecord<String, byte[]>> apply, Runnable wake) {
    this.reading = reading;
    this.roomy = roomy;
    this.apply = apply;
    this.wake = wake;
    Map<String, Object> properties = new HashMap<>(reading.kafka().topicReader(name));
    properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, IN_FLIGHT);
    properties.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 1024 * 1024);
    properties.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 256 * 1024);
    // Records retention deletes while it reads: on from the oldest kept, as a stream that asks for them does.
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    ConsumerSettings settings = new ConsumerSettings(name, properties, new WholeTopic(reading.topic(),
        StartAt.offsets(from), from.keySet()), IN_FLIGHT, Duration.ZERO, Duration.ZERO, Duration.ZERO,
        OnFailure.LEAVE_FOR_NEXT_OWNER);
    this.loop = new ConsumerLoop(settings, record -> {
      if (!held.isEmpty() || !mayGo()) {
        Promise<Void> done = Promise.promise();
        held.add(new Held(record, done));
        return done.future();
      }
      handOn(record);
      return Future.succeededFuture();
    }, reading.context(), null, null);
  }

  ConsumerLoop loop() {
    return loop;
  }

  Future<Void> start() {
    return loop.start();
  }

  /**
   * Hands held records on while the client has room and the budget lasts; the reader goes on as they go.
   *
   * @return whether any went on
   */
  boolean release() {
    boolean moved = false;
    while (!held.isEmpty() && mayGo()) {
      Held h = held.poll();
      handOn(h.record());
      h.done().complete();
      moved = true;
    }
    if (moved) {
      stalledBeats = 0;
    }
    return moved;
  }

  boolean holding() {
    return !held.isEmpty();
  }

  /**
   * A heartbeat went by: whether, at two heartbeats in a row, its client had no room for its held records and
   * none moved in between (the client reads nothing). Records held only for the budget do not count.
   */
  boolean stalled() {
    if (held.isEmpty() || roomy.getAsBoolean()) {
      stalledBeats = 0;
      return false;
    }
    return ++stalledBeats >= 2;
  }

  /** Stops reading; what it held is dropped (the stream joined the shared reader, or closed). */
  Future<Void> stop() {
    Held h;
    while ((h = held.poll()) != null) {
      h.done().complete();
    }
    return loop.stop();
  }

  /** Whether a record may go on now; when only the budget stops it, a wake-up is set for when it allows. */
  private boolean mayGo() {
    if (!roomy.getAsBoolean()) {
      return false;
    }
    loopCharge.charge(loop, reading.budget());
    long wait = reading.budget().waitNanos(System.nanoTime());
    if (wait <= 0) {
      return true;
    }
    if (!waking) {
      waking = true;
      reading.wakeAfter(wait, TailMetrics.CATCH_UP, () -> {
        waking = false;
        wake.run();
      });
    }
    return false;
  }

  private void handOn(ConsumerRecord<String, byte[]> record) {
    long start = TailPacer.threadCpu();
    apply.accept(record);
    reading.budget().spend(TailPacer.threadCpu() - start, System.nanoTime());
  }
}
