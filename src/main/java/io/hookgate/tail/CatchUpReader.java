package io.hookgate.tail;

import io.hookgate.kafka.ConsumerLoop;
import io.hookgate.kafka.ConsumerSettings;
import io.hookgate.kafka.ConsumerSettings.OnFailure;
import io.hookgate.kafka.ConsumerSettings.StartAt;
import io.hookgate.kafka.ConsumerSettings.WholeTopic;
import io.hookgate.kafka.KafkaClientFactory;
import io.vertx.core.Context;
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
 * its client's pace: a record that comes while the client's output has no room is held, and its future (the
 * {@link ConsumerLoop}'s back-pressure) completes once it is handed on, so that the reader pauses at its
 * in-flight bound ({@value #IN_FLIGHT} records) rather than filling memory.
 *
 * <p>Touched only on the hub's context.
 */
final class CatchUpReader {
  static final int IN_FLIGHT = 32;

  private record Held(ConsumerRecord<String, byte[]> record, Promise<Void> done) {
  }

  private final ConsumerLoop loop;
  private final ArrayDeque<Held> held = new ArrayDeque<>();
  /** Heartbeats since its held records last moved. */
  private int stalledBeats;

  /**
   * @param from the next offset of each partition it reads
   * @param roomy whether the client's output has room for more
   * @param apply what the hub does with a record, on {@code context}
   */
  CatchUpReader(String name, KafkaClientFactory kafka, String topic, Map<Integer, Long> from, Context context,
      BooleanSupplier roomy, Consumer<ConsumerRecord<String, byte[]>> apply) {
    Map<String, Object> properties = new HashMap<>(kafka.topicReader(name));
    properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, IN_FLIGHT);
    properties.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 1024 * 1024);
    properties.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 256 * 1024);
    // Records retention deletes while it reads: on from the oldest kept, as a stream that asks for them does.
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    ConsumerSettings settings = new ConsumerSettings(name, properties, new WholeTopic(topic, StartAt.offsets(from),
        from.keySet()), IN_FLIGHT, Duration.ZERO, Duration.ZERO, Duration.ZERO, OnFailure.LEAVE_FOR_NEXT_OWNER);
    this.loop = new ConsumerLoop(settings, record -> {
      if (!held.isEmpty() || !roomy.getAsBoolean()) {
        Promise<Void> done = Promise.promise();
        held.add(new Held(record, done));
        return done.future();
      }
      apply.accept(record);
      return Future.succeededFuture();
    }, context, null, null);
  }

  ConsumerLoop loop() {
    return loop;
  }

  Future<Void> start() {
    return loop.start();
  }

  /** Hands held records on while the client has room; the reader goes on as their futures complete. */
  void release(BooleanSupplier roomy, Consumer<ConsumerRecord<String, byte[]>> apply) {
    boolean moved = false;
    while (!held.isEmpty() && roomy.getAsBoolean()) {
      Held h = held.poll();
      apply.accept(h.record());
      h.done().complete();
      moved = true;
    }
    if (moved) {
      stalledBeats = 0;
    }
  }

  boolean holding() {
    return !held.isEmpty();
  }

  /** A heartbeat went by: whether its held records have not moved for two of them (the client reads nothing). */
  boolean stalled() {
    return !held.isEmpty() && ++stalledBeats >= 2;
  }

  /** Stops reading; what it held is dropped (the stream joined the shared reader, or closed). */
  Future<Void> stop() {
    Held h;
    while ((h = held.poll()) != null) {
      h.done().complete();
    }
    return loop.stop();
  }
}
