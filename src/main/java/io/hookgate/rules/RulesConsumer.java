package io.hookgate.rules;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.hookgate.actions.ActionCodec;
import io.hookgate.actions.ActionRecord;
import io.hookgate.event.TraceContext;
import io.hookgate.metrics.GatewayMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One rules consumer: a Kafka group consumer of the events topic on a thread of its own (the plain client
 * is not thread-safe, and its rebalance callbacks must run inside {@code poll()} to commit in time).
 *
 * <p>For each event, in offset order: decode the CloudEvent, evaluate the rules, write the resulting
 * actions to the actions topic (key = target). The event's offset becomes committable once every one of
 * its actions is acknowledged and every earlier event of its partition is done; commits follow as they
 * become possible. At most {@code maxInFlight} events wait for acknowledgements; past that the partitions
 * are paused. When partitions are revoked (a rebalance) or the consumer stops, it waits up to
 * {@code drainTimeout} for the events in flight and commits what is done, so the next owner starts right
 * after; anything not done is read again by the next owner and gives the same action ids, which receivers
 * use to drop duplicates. A write that fails makes the partition read again from its first unfinished
 * event, so no event is skipped and the order of actions per target is kept.
 */
final class RulesConsumer implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(RulesConsumer.class);
  private static final Duration POLL = Duration.ofMillis(100);

  /** An event whose actions were all acknowledged, or one of which failed. */
  private record Completion(TopicPartition partition, long offset, int generation, Exception error) {
  }

  private final String id;
  private final Supplier<Consumer<String, byte[]>> consumerFactory;
  private volatile Consumer<String, byte[]> consumer;
  private final Producer<String, byte[]> producer;
  private final String eventsTopic;
  private final String actionsTopic;
  private final RuleSet rules;
  private final ActionCodec json;
  private final ObjectMapper mapper;
  private final GatewayMetrics metrics;
  private final RulesStats stats;
  private final Clock clock;
  private final int maxInFlight;
  private final Duration drainTimeout;
  private final long commitIntervalNanos;
  private long lastCommit = System.nanoTime();

  private final LinkedBlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
  private final Map<TopicPartition, PartitionProgress> progress = new HashMap<>();
  private final CompletableFuture<Void> subscribed = new CompletableFuture<>();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private volatile boolean running = true;
  private volatile boolean paused;
  private volatile boolean failed;
  private KafkaClientMetrics clientMetrics;

  RulesConsumer(String id, Supplier<Consumer<String, byte[]>> consumerFactory, Producer<String, byte[]> producer, String eventsTopic,
      String actionsTopic, RuleSet rules, ActionCodec json, ObjectMapper mapper, GatewayMetrics metrics,
      RulesStats stats, Clock clock, int maxInFlight, Duration drainTimeout, Duration commitInterval) {
    this.id = id;
    this.consumerFactory = consumerFactory;
    this.producer = producer;
    this.eventsTopic = eventsTopic;
    this.actionsTopic = actionsTopic;
    this.rules = rules;
    this.json = json;
    this.mapper = mapper;
    this.metrics = metrics;
    this.stats = stats;
    this.clock = clock;
    this.maxInFlight = maxInFlight;
    this.drainTimeout = drainTimeout;
    this.commitIntervalNanos = commitInterval.toNanos();
  }

  /** Completes once the consumer has subscribed (it joins the group on its first polls). */
  CompletableFuture<Void> subscribed() {
    return subscribed;
  }

  /** Completes when the loop has ended, after a {@link #stop()} or on an unexpected error ({@link #failed()}). */
  CompletableFuture<Void> stopped() {
    return stopped;
  }

  /** Whether the loop ended on an unexpected error rather than because it was asked to stop. */
  boolean failed() {
    return failed;
  }

  /** Asks the loop to drain, commit and close; the future completes when it has. */
  CompletableFuture<Void> stop() {
    running = false;
    Consumer<String, byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    return stopped;
  }

  @Override
  public void run() {
    try {
      // Created here, not on the deploying event loop: the constructor resolves the bootstrap addresses.
      consumer = consumerFactory.get();
      // The client's own meters (kafka_consumer_fetch_manager_records_lag_max ...): metrics() is safe to read
      // from the registry's thread, unlike the rest of the consumer.
      clientMetrics = new KafkaClientMetrics(consumer);
      clientMetrics.bindTo(metrics.registry());
      consumer.subscribe(List.of(eventsTopic), new Rebalance());
      subscribed.complete(null);
      while (running) {
        handleCompletions(true);
        if (System.nanoTime() - lastCommit >= commitIntervalNanos) {
          // Not after every poll: each commit is a write to the broker's offsets topic (kafka.commitInterval).
          commitAsync();
          lastCommit = System.nanoTime();
        }
        applyBackPressure();
        ConsumerRecords<String, byte[]> records;
        try {
          records = consumer.poll(POLL);
        } catch (WakeupException e) {
          continue;
        }
        for (ConsumerRecord<String, byte[]> record : records) {
          process(record);
        }
        reportStats();
      }
      drain(progress.keySet(), false);
      commitSync(progress.keySet());
    } catch (RuntimeException e) {
      LOG.error("Rules consumer {} stopped on an unexpected error; its partitions go to the other consumers", id, e);
      failed = true;
      subscribed.completeExceptionally(e);
    } finally {
      if (clientMetrics != null) {
        clientMetrics.close();
      }
      try {
        if (consumer != null) {
          // Leaves the group even as a static member: a stopped replica's partitions move at once.
          consumer.close(CloseOptions.timeout(Duration.ofSeconds(5))
              .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        }
      } catch (RuntimeException e) {
        LOG.warn("Rules consumer {} did not close cleanly: {}", id, e.toString());
      }
      stats.remove(id);
      stopped.complete(null);
    }
  }

  private void process(ConsumerRecord<String, byte[]> record) {
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    PartitionProgress p = progress.get(partition);
    if (p == null) {
      return;
    }
    long offset = record.offset();
    p.started(offset);
    IncomingEvent event;
    try {
      CloudEvent ce = KafkaMessageFactory.createReader(record).toEvent();
      event = IncomingEvent.of(ce, mapper, TraceContext.fromKafka(record.headers()));
    } catch (RuntimeException e) {
      // Not a CloudEvent: nothing any rule could do with it, now or later. Skip it, visibly.
      LOG.warn("Rules consumer {} skipped {}@{}: not a CloudEvent ({})", id, partition, offset, e.getMessage());
      metrics.counter("hookgate.rules.records.skipped", "Records of the events topic that are not CloudEvents",
          "reason", "not_a_cloudevent").increment();
      p.finished(offset);
      return;
    }
    List<ActionRecord> out = new ArrayList<>();
    for (RuleResult result : rules.evaluate(event, mapper, clock.instant())) {
      metrics.ruleEvaluated(result.rule(), result.outcome());
      if (result.error() != null) {
        LOG.warn("Rule {} failed on event {}: {}", result.rule(), event.id(), result.error());
      }
      if (result.emitted() > 0) {
        metrics.actionsEmitted(result.rule(), result.emitted());
      }
      out.addAll(result.actions());
    }
    if (out.isEmpty()) {
      p.finished(offset);
      return;
    }
    send(partition, offset, p.generation(), out);
  }

  private void send(TopicPartition partition, long offset, int generation, List<ActionRecord> actions) {
    AtomicInteger remaining = new AtomicInteger(actions.size());
    AtomicReference<Exception> failure = new AtomicReference<>();
    Runnable oneDone = () -> {
      if (remaining.decrementAndGet() == 0) {
        complete(new Completion(partition, offset, generation, failure.get()));
      }
    };
    for (int i = 0; i < actions.size(); i++) {
      ActionRecord action = actions.get(i);
      byte[] value;
      try {
        value = json.write(action);
      } catch (RuntimeException e) {
        dropped(action, e);
        oneDone.run();
        continue;
      }
      try {
        producer.send(new ProducerRecord<>(actionsTopic, action.target(), value), (metadata, error) -> {
          if (error != null && unwritable(error)) {
            dropped(action, error);
          } else if (error != null) {
            failure.compareAndSet(null, error);
          }
          oneDone.run();
        });
      } catch (RuntimeException e) {
        if (unwritable(e)) {
          dropped(action, e);
          oneDone.run();
          continue;
        }
        // Not sent, and neither are the ones after it: they would overtake it. The partition is read again.
        failure.compareAndSet(null, e);
        if (remaining.addAndGet(-(actions.size() - i)) == 0) {
          complete(new Completion(partition, offset, generation, failure.get()));
        }
        return;
      }
    }
  }

  /**
   * An error that comes from the record itself (too large for the topic, not serializable): writing it again
   * would fail again, and reading the partition again for it would stop it for good.
   */
  private static boolean unwritable(Exception e) {
    return e instanceof RecordTooLargeException || e instanceof SerializationException
        || e instanceof InvalidRecordException;
  }

  private void dropped(ActionRecord action, Exception e) {
    LOG.error("Rules consumer {}: action {} (rule {}, target {}) cannot be written to {} and is dropped: {}", id,
        action.id(), action.rule(), action.target(), actionsTopic, e.toString());
    metrics.counter("hookgate.rules.actions.dropped", "Actions that could not be written to the actions topic",
        "rule", action.rule(), "reason", e.getClass().getSimpleName()).increment();
  }

  private void complete(Completion c) {
    completions.add(c);
    if (paused || !running) {
      consumer.wakeup();
    }
  }

  /** Applies what the producer reported; {@code mayRewind}: a failure makes the partition read again. */
  private void handleCompletions(boolean mayRewind) {
    Completion c;
    while ((c = completions.poll()) != null) {
      handle(c, mayRewind);
    }
  }

  private void handle(Completion c, boolean mayRewind) {
    PartitionProgress p = progress.get(c.partition());
    if (p == null || p.generation() != c.generation()) {
      return;
    }
    if (c.error() == null) {
      p.finished(c.offset());
      return;
    }
    long from = p.firstPending();
    p.reset();
    if (mayRewind && from >= 0) {
      LOG.warn("Rules consumer {}: writing the actions of {}@{} failed ({}); reading {} again from offset {}",
          id, c.partition(), c.offset(), c.error().toString(), c.partition(), from);
      consumer.seek(c.partition(), from);
    }
  }

  private void applyBackPressure() {
    int inFlight = inFlight();
    if (inFlight >= maxInFlight) {
      paused = true;
      consumer.pause(consumer.assignment());
    } else if (paused) {
      paused = false;
      consumer.resume(consumer.paused());
    }
  }

  private int inFlight() {
    return progress.values().stream().mapToInt(PartitionProgress::inFlight).sum();
  }

  private void commitAsync() {
    Map<TopicPartition, OffsetAndMetadata> offsets = committable(progress.keySet());
    if (offsets.isEmpty()) {
      return;
    }
    consumer.commitAsync(offsets, (done, error) -> {
      if (error != null) {
        LOG.debug("Rules consumer {}: asynchronous commit failed ({}); the next one covers it", id, error.toString());
      }
    });
    offsets.forEach((tp, o) -> progress.get(tp).committed(o.offset()));
  }

  private void commitSync(Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> offsets = committable(partitions);
    if (offsets.isEmpty()) {
      return;
    }
    for (int attempt = 1; ; attempt++) {
      try {
        consumer.commitSync(offsets, Duration.ofSeconds(10));
        offsets.forEach((tp, o) -> progress.get(tp).committed(o.offset()));
        return;
      } catch (WakeupException e) {
        // A wakeup meant for poll(); the commit still has to happen.
        if (attempt > 2) {
          return;
        }
      } catch (RuntimeException e) {
        LOG.warn("Rules consumer {}: commit of {} failed ({}); those events will be read again", id, offsets, e.toString());
        return;
      }
    }
  }

  private Map<TopicPartition, OffsetAndMetadata> committable(Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : partitions) {
      PartitionProgress p = progress.get(tp);
      long next = p == null ? -1 : p.toCommit();
      if (next >= 0) {
        offsets.put(tp, new OffsetAndMetadata(next));
      }
    }
    return offsets;
  }

  /** Waits, up to the drain timeout, for the events in flight in these partitions. */
  private void drain(Collection<TopicPartition> partitions, boolean mayRewind) {
    long deadline = System.nanoTime() + drainTimeout.toNanos();
    while (partitions.stream().anyMatch(tp -> progress.containsKey(tp) && progress.get(tp).inFlight() > 0)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        LOG.warn("Rules consumer {}: events still in flight after {}ms; the next owner reads them again",
            id, drainTimeout.toMillis());
        return;
      }
      try {
        Completion c = completions.poll(left, TimeUnit.NANOSECONDS);
        if (c != null) {
          handle(c, mayRewind);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void reportStats() {
    long lag = 0;
    for (TopicPartition tp : progress.keySet()) {
      lag += consumer.currentLag(tp).orElse(0);
    }
    stats.update(id, lag, inFlight(), progress.size());
  }

  /** Runs inside {@code poll()}, on the consumer's thread. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      drain(partitions, false);
      commitSync(partitions);
      partitions.forEach(progress::remove);
      LOG.info("Rules consumer {} gave up {}", id, partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      partitions.forEach(tp -> progress.put(tp, new PartitionProgress()));
      if (!partitions.isEmpty()) {
        LOG.info("Rules consumer {} now reads {}", id, partitions);
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      // Someone else may own them already: committing now could move their offsets backwards.
      partitions.forEach(progress::remove);
      LOG.warn("Rules consumer {} lost {} without a rebalance; the new owner reads from the last commit", id, partitions);
    }
  }
}
