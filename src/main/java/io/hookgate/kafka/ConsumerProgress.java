package io.hookgate.kafka;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How far the consumers of one group in this replica are, summed over them: records not yet read in their
 * partitions ({@code hookgate_consumer_lag{group}}), records handed out and not finished, partitions held.
 * Each {@link ConsumerLoop} of the group reports after every poll; one instance per group and replica.
 */
public final class ConsumerProgress {
  private record Snapshot(long lag, int inFlight, int partitions) {
  }

  private final String group;
  private final Map<String, Snapshot> byConsumer = new ConcurrentHashMap<>();

  private ConsumerProgress(String group) {
    this.group = group;
  }

  /** A new progress for {@code group}, with its {@code hookgate_consumer_lag{group}} gauge. */
  public static ConsumerProgress register(MeterRegistry meters, String group) {
    ConsumerProgress progress = new ConsumerProgress(group);
    Gauge.builder("hookgate.consumer.lag", progress, ConsumerProgress::lag)
        .description("Records not yet read in the partitions assigned to this replica's consumers, by consumer group")
        .tags("group", group)
        .strongReference(true)
        .register(meters);
    return progress;
  }

  public String group() {
    return group;
  }

  void update(String consumer, long lag, int inFlight, int partitions) {
    byConsumer.put(consumer, new Snapshot(lag, inFlight, partitions));
  }

  void remove(String consumer) {
    byConsumer.remove(consumer);
  }

  public long lag() {
    return byConsumer.values().stream().mapToLong(Snapshot::lag).sum();
  }

  public int inFlight() {
    return byConsumer.values().stream().mapToInt(Snapshot::inFlight).sum();
  }

  public int partitions() {
    return byConsumer.values().stream().mapToInt(Snapshot::partitions).sum();
  }

  /** Partitions held by one consumer (by its name); 0 when it has none or has stopped. */
  public int partitions(String consumer) {
    Snapshot s = byConsumer.get(consumer);
    return s == null ? 0 : s.partitions();
  }
}
