package io.hookgate.rules;

import io.hookgate.metrics.GatewayMetrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rules consumers' progress, summed over the consumers of this replica, as gauges:
 * {@code hookgate_rules_consumer_lag} (events in the assigned partitions not yet read) and
 * {@code hookgate_rules_events_in_flight} (read, actions not yet acknowledged).
 */
public final class RulesStats {
  private record Snapshot(long lag, int inFlight) {
  }

  private final Map<String, Snapshot> byConsumer = new ConcurrentHashMap<>();

  public void bindTo(GatewayMetrics metrics) {
    metrics.gauge("hookgate.rules.consumer.lag", "Events in the rules consumers' partitions not yet read", this::lag);
    metrics.gauge("hookgate.rules.events.in.flight", "Events read by the rules consumers whose actions are not yet acknowledged",
        this::inFlight);
  }

  void update(String consumer, long lag, int inFlight) {
    byConsumer.put(consumer, new Snapshot(lag, inFlight));
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
