package io.hookgate.kafka;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code hookgate_consumer_group_lag{group}}: the records of a group's topic past the offsets the group has
 * committed, as the broker has them (what {@code kafka-consumer-groups --describe} and kafka-exporter show).
 * The consumers' own lag ({@code hookgate_consumer_lag}) counts from their positions in the partitions a
 * replica holds, so it reads 0 while no member holds the partitions: a gateway restarted while Kafka was
 * down waited 45 s for its partitions with every lag metric at 0. This one grows meanwhile.
 *
 * <p>Measured when scraped, at most every {@link #MIN_INTERVAL}, with the admin client on a worker thread; the
 * scrape gets the last measure (NaN until the first, and while Kafka cannot be asked).
 */
public final class ConsumerGroupLag {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerGroupLag.class);
  static final Duration MIN_INTERVAL = Duration.ofSeconds(5);
  private static final long TIMEOUT_SECONDS = 5;

  /** A group and the one topic it consumes; {@code fromEarliest}: its reset policy for partitions it never committed. */
  public record Group(String name, String topic, boolean fromEarliest) {
  }

  private final Admin admin;
  private final Vertx vertx;
  /** Each group's last measure; Long.MIN_VALUE: none yet, or the last one failed. */
  private final Map<Group, AtomicLong> lags = new ConcurrentHashMap<>();
  private final AtomicBoolean measuring = new AtomicBoolean();
  private volatile long measuredAt = System.nanoTime() - MIN_INTERVAL.toNanos();

  public ConsumerGroupLag(Admin admin, Vertx vertx) {
    this.admin = admin;
    this.vertx = vertx;
  }

  public void register(Group group, MeterRegistry registry) {
    AtomicLong lag = lags.computeIfAbsent(group, g -> new AtomicLong(Long.MIN_VALUE));
    Gauge.builder("hookgate.consumer.group.lag", lag, l -> {
      refreshIfDue();
      long v = l.get();
      return v == Long.MIN_VALUE ? Double.NaN : v;
    })
        .description("Records of the group's topic past the group's committed offsets, as the broker has them "
            + "(measured when scraped, at most every 5 s; NaN while Kafka cannot be asked)")
        .tag("group", group.name())
        .strongReference(true)
        .register(registry);
  }

  private void refreshIfDue() {
    if (System.nanoTime() - measuredAt < MIN_INTERVAL.toNanos() || !measuring.compareAndSet(false, true)) {
      return;
    }
    vertx.executeBlocking(() -> {
      try {
        lags.forEach(this::measure);
      } finally {
        measuredAt = System.nanoTime();
        measuring.set(false);
      }
      return null;
    }, false);
  }

  private void measure(Group group, AtomicLong lag) {
    try {
      lag.set(lagOf(group));
    } catch (Exception e) {
      lag.set(Long.MIN_VALUE);
      LOG.debug("Lag of consumer group {} not measured: {}", group.name(), e.toString());
    }
  }

  long lagOf(Group group) throws Exception {
    TopicDescription topic = admin.describeTopics(List.of(group.topic())).allTopicNames()
        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(group.topic());
    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group.name())
        .partitionsToOffsetAndMetadata().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
    for (TopicPartitionInfo p : topic.partitions()) {
      TopicPartition tp = new TopicPartition(group.topic(), p.partition());
      latest.put(tp, OffsetSpec.latest());
      if (committed.get(tp) == null && group.fromEarliest()) {
        earliest.put(tp, OffsetSpec.earliest());
      }
    }
    Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    Map<TopicPartition, ListOffsetsResultInfo> starts = earliest.isEmpty() ? Map.of()
        : admin.listOffsets(earliest).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    long total = 0;
    for (Map.Entry<TopicPartition, ListOffsetsResultInfo> e : ends.entrySet()) {
      OffsetAndMetadata c = committed.get(e.getKey());
      // Never committed: from where the group would start (the earliest record), or nothing waits (latest).
      long from = c != null ? c.offset() : starts.containsKey(e.getKey()) ? starts.get(e.getKey()).offset()
          : e.getValue().offset();
      total += Math.max(0, e.getValue().offset() - from);
    }
    return total;
  }
}
