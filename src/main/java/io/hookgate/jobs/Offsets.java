package io.hookgate.jobs;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/** Where a time falls in a topic, partition by partition, as the cluster says (Kafka's offsets for times). */
final class Offsets {
  private Offsets() {
  }

  /**
   * The first offset at or after {@code time} in each partition of {@code topic} (the end where none is); for a
   * null time, the oldest offset Kafka keeps ({@code since}) or the end ({@code until}). Blocking.
   *
   * @param orEarliest what a null time means: the start (true) or the end (false)
   */
  static Map<Integer, Long> at(Admin admin, String topic, Instant time, boolean orEarliest) throws Exception {
    List<Integer> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
        .get(topic).partitions().stream().map(p -> p.partition()).toList();
    Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
    for (int p : partitions) {
      ask.put(new TopicPartition(topic, p), time != null ? OffsetSpec.forTimestamp(time.toEpochMilli())
          : orEarliest ? OffsetSpec.earliest() : OffsetSpec.latest());
    }
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    partitions.forEach(p -> latest.put(new TopicPartition(topic, p), OffsetSpec.latest()));
    var found = admin.listOffsets(ask).all().get(10, TimeUnit.SECONDS);
    var ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
    Map<Integer, Long> out = new HashMap<>();
    for (int p : partitions) {
      TopicPartition tp = new TopicPartition(topic, p);
      long offset = found.get(tp).offset();
      // -1: no record at or after the time; the end then.
      out.put(p, offset < 0 ? ends.get(tp).offset() : offset);
    }
    return out;
  }
}
