package io.hookgate.pull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.event.EventPublisher;
import io.hookgate.kafka.KafkaClientFactory;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pull positions in their compacted topic: read in full once at start, then written, each after the events
 * it accounts for are acknowledged, through the ingress's producer (idempotent, {@code acks=all}), so a
 * position never runs ahead of what is stored.
 */
final class PullPositions {
  private static final Logger LOG = LoggerFactory.getLogger(PullPositions.class);

  private final String topic;
  private final KafkaClientFactory kafka;
  private final EventPublisher publisher;
  private final ObjectMapper mapper;

  PullPositions(String topic, KafkaClientFactory kafka, EventPublisher publisher, ObjectMapper mapper) {
    this.topic = topic;
    this.kafka = kafka;
    this.publisher = publisher;
    this.mapper = mapper;
  }

  /**
   * Every position, by {@code <source>/<project>}; blocks (a worker's job) until the topic is read to its end.
   *
   * @throws RuntimeException when Kafka cannot be read within {@code timeout}
   */
  Map<String, PullPosition> readAll(Duration timeout) {
    Map<String, PullPosition> out = new HashMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(kafka.topicReader("hookgate-pull-positions"))) {
      List<PartitionInfo> infos = c.partitionsFor(topic, timeout);
      if (infos == null || infos.isEmpty()) {
        throw new IllegalStateException("topic " + topic + " has no partitions yet");
      }
      List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      c.assign(partitions);
      c.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = c.endOffsets(partitions, timeout);
      while (partitions.stream().anyMatch(tp -> c.position(tp) < ends.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + topic + " to its end within " + timeout.toMillis()
              + "ms");
        }
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          if (r.value() == null) {
            out.remove(r.key());
            continue;
          }
          try {
            out.put(r.key(), mapper.readValue(r.value(), PullPosition.class));
          } catch (IOException e) {
            LOG.warn("Ignoring an unreadable pull position at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
                e.getMessage());
          }
        }
      }
    }
    return out;
  }

  /** Writes the position; completes on {@code context} once Kafka has acknowledged it. */
  Future<Void> save(Context context, PullPosition position) {
    byte[] value;
    try {
      value = mapper.writeValueAsBytes(position);
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    return publisher.publish(context, new ProducerRecord<>(topic,
        PullPosition.key(position.source(), position.projectId()), value)).mapEmpty();
  }
}
