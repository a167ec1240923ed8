package io.hookgate.actions;

import io.hookgate.event.EventPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts waiting actions back on the actions topic when they are due. It reads the retry topic in a consumer
 * group and keeps each record on a Vert.x timer until its {@code notBefore}, so an action due in an hour
 * does not hold up one due in a second behind it in the same partition, and nothing blocks or spins. At most
 * {@code maxPending} records wait in memory; past that the partitions are paused until some are sent.
 *
 * <p>A record's offset is released for commit only once its copy on the actions topic is acknowledged, so a
 * restart or a rebalance loses no retry: the next owner reads the waiting records again and waits for their
 * due time; those already sent are skipped thanks to the commit metadata (see {@link OffsetTracker}).
 */
public final class RetryVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RetryVerticle.class);

  private final Map<String, Object> consumerProperties;
  private final ActionConsumerVerticle.Topics topics;
  private final EventPublisher publisher;
  private final ActionCodec codec;
  private final Clock clock;
  private final int maxPending;
  private final MeterRegistry meters;
  private final Duration commitInterval;
  private final Map<TopicPartition, Map<Long, Long>> timers = new HashMap<>();
  private ConsumerLoop loop;
  private volatile boolean stopping;

  RetryVerticle(Map<String, Object> consumerProperties, Duration commitInterval, ActionConsumerVerticle.Topics topics,
      EventPublisher publisher, ActionCodec codec, Clock clock, int maxPending, MeterRegistry meters) {
    this.meters = meters;
    this.consumerProperties = consumerProperties;
    this.commitInterval = commitInterval;
    this.topics = topics;
    this.publisher = publisher;
    this.codec = codec;
    this.clock = clock;
    this.maxPending = maxPending;
  }

  @Override
  public Future<?> start() {
    loop = new ConsumerLoop("hookgate-retry-consumer", consumerProperties, topics.retry(), context, maxPending,
        commitInterval, new ConsumerLoop.Listener() {
          @Override
          public void records(OffsetTracker tracker, java.util.List<ConsumerRecord<String, byte[]>> records) {
            records.forEach(r -> schedule(tracker, r));
          }

          @Override
          public void revoked(Collection<TopicPartition> partitions) {
            partitions.forEach(tp -> cancel(timers.remove(tp)));
          }
        }, meters);
    loop.start();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    timers.values().forEach(this::cancel);
    timers.clear();
    return loop == null ? Future.succeededFuture() : loop.stop();
  }

  private void schedule(OffsetTracker tracker, ConsumerRecord<String, byte[]> record) {
    ActionRecord action;
    try {
      action = codec.read(record.value());
    } catch (IllegalArgumentException e) {
      deadLetter(tracker, record, e.getMessage());
      return;
    }
    Instant due = action.notBefore() == null ? clock.instant() : action.notBefore();
    long delay = Duration.between(clock.instant(), due).toMillis();
    if (delay <= 0) {
      send(tracker, record, action);
      return;
    }
    TopicPartition tp = tracker.partition();
    long id = vertx.setTimer(delay, t -> {
      Map<Long, Long> waiting = timers.get(tp);
      if (waiting != null) {
        waiting.remove(record.offset());
      }
      send(tracker, record, action);
    });
    timers.computeIfAbsent(tp, k -> new HashMap<>()).put(record.offset(), id);
  }

  private void send(OffsetTracker tracker, ConsumerRecord<String, byte[]> record, ActionRecord action) {
    if (tracker.isRevoked()) {
      return;
    }
    LOG.debug("Action {} (attempt {}) is due: back to {}", action.id(), action.attempt(), topics.actions());
    Durably.write(vertx, "the due action " + action.id(), () -> stopping || tracker.isRevoked(),
            () -> publisher.publish(context, new ProducerRecord<>(topics.actions(), action.target(), record.value())))
        .onSuccess(v -> tracker.done(record.offset()));
  }

  private void deadLetter(OffsetTracker tracker, ConsumerRecord<String, byte[]> record, String why) {
    LOG.warn("Record {}-{}@{} is not an action, dead-lettered: {}", record.topic(), record.partition(), record.offset(), why);
    RecordHeaders headers = new RecordHeaders();
    headers.add(ActionConsumerVerticle.HEADER_DLQ_REASON, "invalid".getBytes(StandardCharsets.UTF_8));
    headers.add(ActionConsumerVerticle.HEADER_DLQ_ERROR, why.getBytes(StandardCharsets.UTF_8));
    Durably.write(vertx, "an unreadable retry record", () -> stopping,
            () -> publisher.publish(context, new ProducerRecord<>(topics.deadLetter(), null, record.key(),
                record.value(), headers)))
        .onSuccess(v -> tracker.done(record.offset()));
  }

  private void cancel(Map<Long, Long> waiting) {
    if (waiting != null) {
      waiting.values().forEach(vertx::cancelTimer);
    }
  }
}
