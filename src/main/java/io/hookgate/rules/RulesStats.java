package io.hookgate.rules;

import io.hookgate.metrics.GatewayMetrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rules consumers' progress, summed over the consumers of this replica, as gauges:
 * {@code hookgate_rules_consumer_lag} (events in the assigned partitions not yet read) and
 * {@code hookgate_rules_events_in_flight} (read, actions not yet acknowledged) and
 * {@code hookgate_rules_partitions} (partitions of the events topic assigned to them).
 */
public final class RulesStats {
  private record Snapshot(long lag, int inFlight, int partitions) {
  }

  private final Map<String, Snapshot> byConsumer = new ConcurrentHashMap<>();

  public void bindTo(GatewayMetrics metrics) {
    metrics.gauge("hookgate.rules.consumer.lag", "Events in the rules consumers' partitions not yet read", this::lag);
    metrics.gauge("hookgate.rules.events.in.flight", "Events read by the rules consumers whose actions are not yet acknowledged",
        this::inFlight);
    metrics.gauge("hookgate.rules.partitions", "Partitions of the events topic assigned to this replica's rules consumers",
        () -> byConsumer.values().stream().mapToInt(Snapshot::partitions).sum());
  }

  void update(String consumer, long lag, int inFlight, int partitions) {
    byConsumer.put(consumer, new Snapshot(lag, inFlight, partitions));
  }

  /** Partitions assigned to one consumer (by client id); 0 when it has none or is stopped. */
  int partitions(String consumer) {
    Snapshot s = byConsumer.get(consumer);
    return s == null ? 0 : s.partitions();
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
}
