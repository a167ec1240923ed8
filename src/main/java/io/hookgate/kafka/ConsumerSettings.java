package io.hookgate.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/**
 * How a {@link ConsumerLoop} consumes.
 *
 * @param name the consumer's name: its thread, its log lines, its entry in {@link ConsumerProgress}
 * @param properties the Kafka consumer's properties, from {@link KafkaClientFactory}
 * @param subscription a topic in a consumer group (offsets committed), or a whole topic without a group
 * @param maxInFlight records handed out and not finished, at most, before every partition is paused
 * @param commitInterval the least time between two commits while running ({@code kafka.commitInterval});
 *     a rebalance and a stop commit at once
 * @param drainTimeout on stop, how long the records in flight may take to finish before the last commit
 * @param revokeDrain on a rebalance, how long the records in flight of the partitions going away may take
 *     before their commit (zero: commit what is finished at once; the next owner does the rest again)
 * @param onFailure what a record whose handling failed does to its partition
 */
public record ConsumerSettings(String name, Map<String, Object> properties, Subscription subscription, int maxInFlight,
    Duration commitInterval, Duration drainTimeout, Duration revokeDrain, OnFailure onFailure) {

  /** What a failed record does. */
  public enum OnFailure {
    /**
     * The partition is read again from its first unfinished record, and what was in flight after it is done
     * again: the rules, whose actions must keep the order of the events.
     */
    READ_AGAIN,
    /**
     * The record stays unfinished, so its offset is never committed here and whoever owns the partition next
     * does it again: the actions, whose records fail only while the gateway stops.
     */
    LEAVE_FOR_NEXT_OWNER
  }

  /** Where records come from. */
  public sealed interface Subscription {
    String topic();
  }

  /**
   * A member of the consumer group in {@code group.id}, sharing the topics' partitions; offsets are committed.
   *
   * @param topics the first is the one named in logs
   */
  public record Group(List<String> topics) implements Subscription {
    public Group {
      topics = List.copyOf(topics);
    }

    @Override
    public String topic() {
      return topics.get(0);
    }
  }

  /**
   * Every partition of the topic (or those listed in {@code only}), without a group and without commits, from
   * {@code start} on.
   *
   * @param only partition numbers to read; empty for all
   */
  public record WholeTopic(String topic, StartAt start, Set<Integer> only) implements Subscription {
    public WholeTopic {
      only = only == null ? Set.of() : Set.copyOf(only);
    }
  }

  /** Where a {@link WholeTopic} reader starts in each partition. */
  @FunctionalInterface
  public interface StartAt {
    void seek(Consumer<?, ?> consumer, Collection<TopicPartition> partitions);

    static StartAt beginning() {
      return Consumer::seekToBeginning;
    }

    static StartAt end() {
      return Consumer::seekToEnd;
    }

    /** The first record at or after {@code time} in each partition; the end where there is none. */
    static StartAt time(Instant time) {
      return (consumer, partitions) -> {
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, time.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, Duration.ofSeconds(10));
        for (TopicPartition tp : partitions) {
          OffsetAndTimestamp at = found.get(tp);
          if (at == null) {
            consumer.seekToEnd(List.of(tp));
          } else {
            consumer.seek(tp, at.offset());
          }
        }
      };
    }

    /** Given offsets by partition number; partitions not listed start at the beginning. */
    static StartAt offsets(Map<Integer, Long> byPartition) {
      Map<Integer, Long> copy = Map.copyOf(byPartition);
      return (consumer, partitions) -> {
        for (TopicPartition tp : partitions) {
          Long offset = copy.get(tp.partition());
          if (offset == null) {
            consumer.seekToBeginning(List.of(tp));
          } else {
            consumer.seek(tp, offset);
          }
        }
      };
    }
  }

  public ConsumerSettings {
    properties = Map.copyOf(properties);
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be at least 1");
    }
  }

  /** A group member with the usual settings: 500 in flight, commits every 200ms, 5s to drain on stop. */
  public static ConsumerSettings group(String name, Map<String, Object> properties, String topic) {
    return group(name, properties, List.of(topic));
  }

  /** A group member reading several topics. */
  public static ConsumerSettings group(String name, Map<String, Object> properties, List<String> topics) {
    return new ConsumerSettings(name, properties, new Group(topics), 500, Duration.ofMillis(200),
        Duration.ofSeconds(5), Duration.ZERO, OnFailure.LEAVE_FOR_NEXT_OWNER);
  }

  /** A reader of a whole topic from {@code start}. */
  public static ConsumerSettings wholeTopic(String name, Map<String, Object> properties, String topic, StartAt start) {
    return new ConsumerSettings(name, properties, new WholeTopic(topic, start, Set.of()), 10_000, Duration.ZERO,
        Duration.ZERO, Duration.ZERO, OnFailure.LEAVE_FOR_NEXT_OWNER);
  }

  /** A reader of one partition of a topic from {@code start}. */
  public static ConsumerSettings partition(String name, Map<String, Object> properties, String topic, int partition,
      StartAt start) {
    return new ConsumerSettings(name, properties, new WholeTopic(topic, start, Set.of(partition)), 10_000,
        Duration.ZERO, Duration.ZERO, Duration.ZERO, OnFailure.LEAVE_FOR_NEXT_OWNER);
  }

  public ConsumerSettings withMaxInFlight(int max) {
    return new ConsumerSettings(name, properties, subscription, max, commitInterval, drainTimeout, revokeDrain,
        onFailure);
  }

  public ConsumerSettings withCommitInterval(Duration interval) {
    return new ConsumerSettings(name, properties, subscription, maxInFlight, interval, drainTimeout, revokeDrain,
        onFailure);
  }

  /** The time records in flight may take on stop ({@code drain}) and on a rebalance ({@code revoke}). */
  public ConsumerSettings withDrain(Duration drain, Duration revoke) {
    return new ConsumerSettings(name, properties, subscription, maxInFlight, commitInterval, drain, revoke, onFailure);
  }

  public ConsumerSettings withOnFailure(OnFailure policy) {
    return new ConsumerSettings(name, properties, subscription, maxInFlight, commitInterval, drainTimeout, revokeDrain,
        policy);
  }

  boolean inGroup() {
    return subscription instanceof Group;
  }
}
