package io.hookgate.actions;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer-group member on a thread of its own: the plain {@link KafkaConsumer} is not thread-safe and
 * its {@code poll} blocks, so neither may touch an event loop. Fetched records are handed to a Vert.x
 * context; the verticle marks each one done on its {@link OffsetTracker} once the outcome is durably
 * written, and this thread commits what is done. Back-pressure: when {@code maxOutstanding} records are
 * unfinished, every partition is paused until some finish (no busy loop: a paused poll just waits).
 *
 * <p>On a rebalance, finished offsets of the partitions going away are committed synchronously before they
 * are released; the verticle is told so that it drops their pending work (timers).
 *
 * <p>Meters, while the consumer is open: its Kafka client metrics ({@code kafka_consumer_*}, tagged with its
 * client id) and {@code hookgate_consumer_lag{group}}, the records not yet read in its assigned partitions,
 * summed after every poll.
 */
public final class ConsumerLoop {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);
  private static final Duration POLL = Duration.ofMillis(200);

  /** Called on the Vert.x context given to the loop. */
  public interface Listener {
    /** Records of one partition, in offset order; each must eventually be marked done on the tracker. */
    void records(OffsetTracker tracker, List<ConsumerRecord<String, byte[]>> records);

    /** These partitions were taken away: their trackers are revoked, drop what is pending for them. */
    default void revoked(Collection<TopicPartition> partitions) {
    }
  }

  private final String name;
  private final Map<String, Object> properties;
  private final String topic;
  private final Context context;
  private final int maxOutstanding;
  private final long commitIntervalNanos;
  private final Listener listener;
  private final MeterRegistry meters;
  private final AtomicLong lag = new AtomicLong();
  private final AtomicInteger outstanding = new AtomicInteger();
  private final Map<TopicPartition, OffsetTracker> trackers = new ConcurrentHashMap<>();
  private final Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
  private final Promise<Void> stopped = Promise.promise();
  private volatile boolean running = true;
  private volatile boolean holding;
  private volatile KafkaConsumer<String, byte[]> consumer;
  private boolean pausedAll;
  private long lastCommit = System.nanoTime();
  private Thread thread;

  /**
   * @param properties consumer properties with bootstrap servers, client id and group id; hookgate sets
   *     manual commits, reading from the earliest offset and the deserializers
   * @param commitInterval the least time between two commits while running ({@code kafka.commitInterval});
   *     a rebalance and a stop commit at once
   * @param meters where the consumer's meters go
   */
  public ConsumerLoop(String name, Map<String, Object> properties, String topic, Context context,
      int maxOutstanding, Duration commitInterval, Listener listener, MeterRegistry meters) {
    this.name = name;
    this.meters = meters;
    this.properties = new HashMap<>(properties);
    this.topic = topic;
    this.context = context;
    this.maxOutstanding = maxOutstanding;
    this.commitIntervalNanos = commitInterval.toNanos();
    this.listener = listener;
    this.properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    this.properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    this.properties.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(1, Math.min(500, maxOutstanding)));
    this.properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    this.properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
  }

  public void start() {
    thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Stops polling, commits what is done and leaves the group; completes once the consumer is closed. */
  public Future<Void> stop() {
    running = false;
    KafkaConsumer<String, byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    if (thread == null) {
      stopped.tryComplete();
    }
    return stopped.future();
  }

  /** Stops fetching (every partition paused) while the records handed out are finished, before {@link #stop()}. */
  public void hold() {
    holding = true;
  }

  /** Unfinished records handed out and not yet done. */
  public int outstanding() {
    return outstanding.get();
  }

  private void run() {
    KafkaClientMetrics clientMetrics = null;
    Gauge lagGauge = null;
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(properties)) {
      consumer = c;
      // Bound here, on the thread that owns the consumer; metrics() may then be read from the scraping thread.
      clientMetrics = new KafkaClientMetrics(c);
      clientMetrics.bindTo(meters);
      lagGauge = Gauge.builder("hookgate.consumer.lag", lag, AtomicLong::get)
          .description("Records not yet read in the partitions assigned to this replica's consumers, by consumer group")
          .tags("group", String.valueOf(properties.get(ConsumerConfig.GROUP_ID_CONFIG)))
          .strongReference(true)
          .register(meters);
      c.subscribe(List.of(topic), new Rebalance(c));
      while (running) {
        try {
          pollOnce(c);
        } catch (WakeupException | InterruptException e) {
          // stop() or a state change woke us up: loop around and look at `running`.
        } catch (RuntimeException e) {
          LOG.warn("{}: polling {} failed, retrying: {}", name, topic, e.toString());
          pause(Duration.ofSeconds(1));
        }
      }
      commit(c, true);
      // Leaves the group even as a static member: a stopped replica's partitions move at once.
      c.close(CloseOptions.timeout(Duration.ofSeconds(5))
          .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    } catch (RuntimeException e) {
      LOG.error("{}: consumer of {} stopped unexpectedly", name, topic, e);
    } finally {
      if (clientMetrics != null) {
        clientMetrics.close();
      }
      if (lagGauge != null) {
        meters.remove(lagGauge);
      }
      trackers.values().forEach(OffsetTracker::revoke);
      stopped.tryComplete();
    }
  }

  private void pollOnce(KafkaConsumer<String, byte[]> c) {
    boolean full = holding || outstanding.get() >= maxOutstanding;
    if (full != pausedAll) {
      if (full) {
        c.pause(c.assignment());
      } else {
        c.resume(c.paused());
      }
      pausedAll = full;
    }
    if (System.nanoTime() - lastCommit >= commitIntervalNanos) {
      // Not after every poll: each commit is a write to the broker's offsets topic, and under load polls
      // come by the thousand a second.
      commit(c, false);
      lastCommit = System.nanoTime();
    }
    ConsumerRecords<String, byte[]> records = c.poll(POLL);
    updateLag(c);
    for (TopicPartition tp : records.partitions()) {
      OffsetTracker tracker = trackers.get(tp);
      if (tracker == null) {
        continue;
      }
      List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>();
      for (ConsumerRecord<String, byte[]> r : records.records(tp)) {
        if (tracker.track(r.offset())) {
          batch.add(r);
        }
      }
      if (!batch.isEmpty()) {
        context.runOnContext(v -> {
          if (!tracker.isRevoked()) {
            listener.records(tracker, batch);
          }
        });
      }
    }
  }

  /** The lag the consumer knows from its last fetches, without asking the broker. */
  private void updateLag(KafkaConsumer<String, byte[]> c) {
    long total = 0;
    for (TopicPartition tp : c.assignment()) {
      total += c.currentLag(tp).orElse(0);
    }
    lag.set(total);
  }

  private void commit(KafkaConsumer<String, byte[]> c, boolean sync) {
    commit(c, trackers.keySet(), sync);
  }

  private void commit(KafkaConsumer<String, byte[]> c, Collection<TopicPartition> partitions, boolean sync) {
    Map<TopicPartition, OffsetAndMetadata> due = new HashMap<>();
    for (TopicPartition tp : partitions) {
      OffsetTracker t = trackers.get(tp);
      OffsetAndMetadata point = t == null ? null : t.commitPoint();
      if (point != null && !point.equals(committed.get(tp))) {
        due.put(tp, point);
      }
    }
    if (due.isEmpty()) {
      return;
    }
    if (sync) {
      for (int attempt = 1; attempt <= 2; attempt++) {
        try {
          c.commitSync(due, Duration.ofSeconds(5));
          committed.putAll(due);
          return;
        } catch (WakeupException e) {
          // A wakeup meant for poll(): it is consumed now, so the second attempt goes through.
        } catch (RuntimeException e) {
          LOG.warn("{}: committing {} failed: {}", name, due.keySet(), e.toString());
          return;
        }
      }
    } else {
      committed.putAll(due);
      c.commitAsync(due, (offsets, error) -> {
        if (error != null) {
          // Forget what we believed committed so that the next round commits again.
          offsets.keySet().forEach(committed::remove);
          LOG.debug("{}: async commit failed: {}", name, error.toString());
        }
      });
    }
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    private final KafkaConsumer<String, byte[]> c;

    Rebalance(KafkaConsumer<String, byte[]> c) {
      this.c = c;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      commit(c, partitions, true);
      release(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      release(partitions);
    }

    private void release(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      for (TopicPartition tp : partitions) {
        OffsetTracker t = trackers.remove(tp);
        if (t != null) {
          t.revoke();
        }
        committed.remove(tp);
      }
      List<TopicPartition> gone = List.copyOf(partitions);
      context.runOnContext(v -> listener.revoked(gone));
      LOG.info("{}: released {}", name, gone);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      Map<TopicPartition, OffsetAndMetadata> last;
      try {
        last = c.committed(new HashSet<>(partitions), Duration.ofSeconds(10));
      } catch (RuntimeException e) {
        // Without the metadata, records finished by the previous owner past its commit are done again.
        LOG.warn("{}: could not read committed offsets of {}: {}", name, partitions, e.toString());
        last = Map.of();
      }
      for (TopicPartition tp : partitions) {
        OffsetAndMetadata om = last.get(tp);
        trackers.put(tp, new OffsetTracker(tp, om, outstanding));
        if (om != null) {
          committed.put(tp, om);
        }
      }
      if (pausedAll) {
        c.pause(partitions);
      }
      LOG.info("{}: assigned {}", name, partitions);
    }
  }
}
