package io.hookgate.tail;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;

/** The first and the next offsets of every partition of a topic, asked of the gateway's Kafka admin client. */
final class TopicOffsets {
  /**
   * @param earliest the oldest offset still kept, by partition number (0 to n-1)
   * @param latest the offset the next record will get
   */
  record Bounds(long[] earliest, long[] latest) {
    int partitions() {
      return latest.length;
    }
  }

  private final Admin admin;
  private final String topic;

  TopicOffsets(Admin admin, String topic) {
    this.admin = admin;
    this.topic = topic;
  }

  String topic() {
    return topic;
  }

  /** Completes on {@code context}; fails when the topic cannot be described (Kafka down, no such topic). */
  Future<Bounds> read(Context context) {
    return on(context, admin.describeTopics(List.of(topic)).allTopicNames()).compose(topics -> {
      TopicDescription d = topics.get(topic);
      int n = d.partitions().size();
      Map<TopicPartition, OffsetSpec> first = new HashMap<>();
      Map<TopicPartition, OffsetSpec> next = new HashMap<>();
      for (int p = 0; p < n; p++) {
        first.put(new TopicPartition(topic, p), OffsetSpec.earliest());
        next.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
      Future<Map<TopicPartition, ListOffsetsResultInfo>> earliest = on(context, admin.listOffsets(first).all());
      Future<Map<TopicPartition, ListOffsetsResultInfo>> latest = on(context, admin.listOffsets(next).all());
      return Future.all(earliest, latest).map(v -> new Bounds(array(earliest.result(), n), array(latest.result(), n)));
    });
  }

  private long[] array(Map<TopicPartition, ListOffsetsResultInfo> offsets, int n) {
    long[] out = new long[n];
    for (int p = 0; p < n; p++) {
      out[p] = offsets.get(new TopicPartition(topic, p)).offset();
    }
    return out;
  }

  private static <T> Future<T> on(Context context, KafkaFuture<T> future) {
    return Future.fromCompletionStage(future.toCompletionStage(), context);
  }
}
