package io.hookgate.actions;

import io.hookgate.kafka.ConsumerLoop;
import io.hookgate.kafka.ConsumerProgress;
import io.hookgate.kafka.ConsumerSettings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.nio.charset.StandardCharsets;
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
 * {@code maxInFlight} records wait in memory; past that the partitions are paused until some are sent.
 *
 * <p>A record is finished only once its copy on the actions topic is acknowledged, so a restart or a
 * rebalance loses no retry: the next owner reads the waiting records again and waits for their due time;
 * those already sent are skipped thanks to the commit metadata (see {@link io.hookgate.kafka.OffsetTracker}).
 */
public final class RetryVerticle extends VerticleBase implements ConsumerLoop.RecordHandler {
  private static final Logger LOG = LoggerFactory.getLogger(RetryVerticle.class);

  private final ConsumerSettings settings;
  private final ActingContext acting;
  private final ConsumerProgress progress;
  /** The timers of the waiting records, by partition and offset; a partition not here is not ours. */
  private final Map<TopicPartition, Map<Long, Long>> timers = new HashMap<>();
  private ConsumerLoop loop;
  private volatile boolean stopping;

  RetryVerticle(ConsumerSettings settings, ActingContext acting, ConsumerProgress progress) {
    this.settings = settings;
    this.acting = acting;
    this.progress = progress;
  }

  @Override
  public Future<?> start() {
    loop = new ConsumerLoop(settings, this, context, acting.metrics().registry(), progress);
    return loop.start();
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    timers.values().forEach(this::cancel);
    timers.clear();
    return loop == null ? Future.succeededFuture() : loop.stop();
  }

  @Override
  public void assigned(Collection<TopicPartition> partitions) {
    partitions.forEach(tp -> timers.putIfAbsent(tp, new HashMap<>()));
  }

  @Override
  public void revoked(Collection<TopicPartition> partitions) {
    partitions.forEach(tp -> cancel(timers.remove(tp)));
  }

  @Override
  public Future<Void> handle(ConsumerRecord<String, byte[]> record) {
    ActionRecord action;
    try {
      action = acting.codec().read(record.value());
    } catch (IllegalArgumentException e) {
      return deadLetter(record, e.getMessage());
    }
    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
    Instant now = acting.clock().instant();
    Instant due = action.notBefore() == null ? now : action.notBefore();
    long delay = Duration.between(now, due).toMillis();
    if (delay <= 0) {
      return send(tp, record, action);
    }
    Map<Long, Long> waiting = timers.get(tp);
    if (waiting == null) {
      return Future.failedFuture("partition " + tp + " was given up");
    }
    Promise<Void> sent = Promise.promise();
    long id = vertx.setTimer(delay, t -> {
      Map<Long, Long> still = timers.get(tp);
      if (still == null || still.remove(record.offset()) == null) {
        sent.tryFail("partition " + tp + " was given up");
        return;
      }
      send(tp, record, action).onComplete(sent);
    });
    waiting.put(record.offset(), id);
    return sent.future();
  }

  private Future<Void> send(TopicPartition tp, ConsumerRecord<String, byte[]> record, ActionRecord action) {
    LOG.debug("Action {} (attempt {}) is due: back to {}", action.id(), action.attempt(), acting.topics().actions());
    return Durably.write(vertx, "the due action " + action.id(), () -> stopping || !timers.containsKey(tp),
        () -> acting.publisher().publish(context, new ProducerRecord<>(acting.topics().actions(), action.target(),
            record.value())))
        .mapEmpty();
  }

  private Future<Void> deadLetter(ConsumerRecord<String, byte[]> record, String why) {
    LOG.warn("Record {}-{}@{} is not an action, dead-lettered: {}", record.topic(), record.partition(), record.offset(),
        why);
    RecordHeaders headers = new RecordHeaders();
    headers.add(ActionConsumerVerticle.HEADER_DLQ_REASON, "invalid".getBytes(StandardCharsets.UTF_8));
    headers.add(ActionConsumerVerticle.HEADER_DLQ_ERROR, why.getBytes(StandardCharsets.UTF_8));
    return Durably.write(vertx, "an unreadable retry record", () -> stopping,
        () -> acting.publisher().publish(context, new ProducerRecord<>(acting.topics().deadLetter(), null,
            record.key(), record.value(), headers)))
        .mapEmpty();
  }

  private void cancel(Map<Long, Long> waiting) {
    if (waiting != null) {
      waiting.values().forEach(vertx::cancelTimer);
    }
  }
}
