package io.hookgate.pull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.event.EventPublisher;
import io.hookgate.kafka.KafkaClientFactory;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pull state in its compacted topic: each project's position (key {@code <source>/<project>}) and each
 * source's pause (key {@code paused/<source>}, value {@code {"paused": true}}). Every record of a source goes to
 * the partition its name hashes to ({@link #partitionOf}), so that the replica whose {@link PullOwners} member
 * holds that partition holds the source, and reads its pauses as they come. Positions are written, each after
 * the events it accounts for are acknowledged, through the ingress's producer (idempotent, {@code acks=all}), so
 * a position never runs ahead of what is stored.
 */
final class PullPositions {
  private static final Logger LOG = LoggerFactory.getLogger(PullPositions.class);
  static final String PAUSED_PREFIX = "paused/";

  /**
   * What the topic held when read.
   *
   * @param positions by {@code <source>/<project>}
   * @param paused by source
   * @param ends the next offset of each partition when the read started: later records were not read
   */
  record Stored(Map<String, PullPosition> positions, Map<String, Boolean> paused, Map<Integer, Long> ends) {
  }

  private final String topic;
  private final KafkaClientFactory kafka;
  private final EventPublisher publisher;
  private final ObjectMapper mapper;
  private volatile int partitions = 1;

  PullPositions(String topic, KafkaClientFactory kafka, EventPublisher publisher, ObjectMapper mapper) {
    this.topic = topic;
    this.kafka = kafka;
    this.publisher = publisher;
    this.mapper = mapper;
  }

  String topic() {
    return topic;
  }

  /** The topic's partition count, known once {@link #readAll} has run. */
  int partitions() {
    return partitions;
  }

  /** The partition of a source's records: its name hashed as Kafka's producer hashes a key. */
  static int partitionOf(String source, int partitions) {
    return Utils.toPositive(Utils.murmur2(source.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  /**
   * Everything the topic holds; blocks (a worker's job) until the topic is read to its end. Of two positions of
   * one project (one written before positions went to their source's partition), the newer counts.
   *
   * @throws RuntimeException when Kafka cannot be read within {@code timeout}
   */
  Stored readAll(Duration timeout) {
    Map<String, PullPosition> positions = new HashMap<>();
    Map<String, Boolean> paused = new HashMap<>();
    Map<Integer, Long> endsByPartition = new HashMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(kafka.topicReader("hookgate-pull-positions"))) {
      List<PartitionInfo> infos = c.partitionsFor(topic, timeout);
      if (infos == null || infos.isEmpty()) {
        throw new IllegalStateException("topic " + topic + " has no partitions yet");
      }
      partitions = infos.size();
      List<TopicPartition> all = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      c.assign(all);
      c.seekToBeginning(all);
      Map<TopicPartition, Long> ends = c.endOffsets(all, timeout);
      ends.forEach((tp, end) -> endsByPartition.put(tp.partition(), end));
      while (all.stream().anyMatch(tp -> c.position(tp) < ends.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + topic + " to its end within " + timeout.toMillis()
              + "ms");
        }
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          if (r.key() == null || r.offset() >= ends.get(new TopicPartition(r.topic(), r.partition()))) {
            continue;
          }
          read(r, positions, paused);
        }
      }
    }
    return new Stored(positions, paused, endsByPartition);
  }

  private void read(ConsumerRecord<String, byte[]> r, Map<String, PullPosition> positions,
      Map<String, Boolean> paused) {
    if (r.key().startsWith(PAUSED_PREFIX)) {
      Boolean p = pausedValue(r);
      if (p != null) {
        paused.put(r.key().substring(PAUSED_PREFIX.length()), p);
      }
      return;
    }
    if (r.value() == null) {
      positions.remove(r.key());
      return;
    }
    try {
      PullPosition read = mapper.readValue(r.value(), PullPosition.class);
      positions.merge(r.key(), read, PullPositions::newer);
    } catch (IOException e) {
      LOG.warn("Ignoring an unreadable pull position at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
          e.getMessage());
    }
  }

  private static PullPosition newer(PullPosition a, PullPosition b) {
    try {
      return LabelTimes.parse(b.lastCreatedAt()).isBefore(LabelTimes.parse(a.lastCreatedAt())) ? a : b;
    } catch (RuntimeException e) {
      return b;
    }
  }

  /** A {@code paused/<source>} record's value, or null when it is not one. */
  Boolean pausedValue(ConsumerRecord<String, byte[]> r) {
    if (r.value() == null) {
      return Boolean.FALSE;
    }
    try {
      JsonNode v = mapper.readTree(r.value());
      return v.path("paused").isBoolean() ? v.path("paused").asBoolean() : null;
    } catch (IOException e) {
      LOG.warn("Ignoring an unreadable pull pause at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
          e.getMessage());
      return null;
    }
  }

  /** Writes the position; completes on {@code context} once Kafka has acknowledged it. */
  Future<Void> save(Context context, PullPosition position) {
    byte[] value;
    try {
      value = mapper.writeValueAsBytes(position);
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    return publisher.publish(context, new ProducerRecord<>(topic, partitionOf(position.source(), partitions),
        PullPosition.key(position.source(), position.projectId()), value)).mapEmpty();
  }

  /** Writes a source's pause or resume; completes on {@code context} once Kafka has acknowledged it. */
  Future<Void> savePaused(Context context, String source, boolean paused) {
    byte[] value = ("{\"paused\":" + paused + "}").getBytes(StandardCharsets.UTF_8);
    return publisher.publish(context, new ProducerRecord<>(topic, partitionOf(source, partitions),
        PAUSED_PREFIX + source, value)).mapEmpty();
  }
}
