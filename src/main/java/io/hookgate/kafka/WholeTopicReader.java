package io.hookgate.kafka;

import io.hookgate.kafka.ConsumerSettings.WholeTopic;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How a {@link ConsumerLoop} reads a whole topic without a group: what it assigns itself, and when it has caught up. */
final class WholeTopicReader {
  private static final Logger LOG = LoggerFactory.getLogger(WholeTopicReader.class);

  private WholeTopicReader() {
  }

  /**
   * Assigns the topic's partitions (those asked for) and moves to where the reader starts; waits while the topic
   * has no partitions yet. Null once {@code running} turns false.
   */
  static List<TopicPartition> assign(KafkaConsumer<String, byte[]> c, WholeTopic whole, BooleanSupplier running,
      String name) {
    List<TopicPartition> partitions = partitionsOf(c, whole.topic(), running, name);
    if (partitions == null) {
      return null;
    }
    if (!whole.only().isEmpty()) {
      partitions = partitions.stream().filter(tp -> whole.only().contains(tp.partition())).toList();
    }
    c.assign(partitions);
    whole.start().seek(c, partitions);
    return partitions;
  }

  private static List<TopicPartition> partitionsOf(KafkaConsumer<String, byte[]> c, String topic,
      BooleanSupplier running, String name) {
    while (running.getAsBoolean()) {
      try {
        List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(10));
        if (infos != null && !infos.isEmpty()) {
          return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        }
        LOG.warn("{}: topic {} has no partitions yet; waiting", name, topic);
      } catch (WakeupException e) {
        return null;
      } catch (RuntimeException e) {
        LOG.warn("{}: cannot look up topic {}: {}", name, topic, e.toString());
      }
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return null;
  }

  /** Whether the consumer's positions have reached {@code ends} in every partition. */
  static boolean reached(KafkaConsumer<String, byte[]> c, Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
      if (c.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }
}
