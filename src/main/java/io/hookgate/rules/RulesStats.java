package io.hookgate.rules;

import io.hookgate.kafka.ConsumerProgress;
import io.hookgate.metrics.GatewayMetrics;

/**
 * The rules consumers' progress in this replica as the rules' own gauges, besides
 * {@code hookgate_consumer_lag{group}} which their {@link ConsumerProgress} registers:
 * {@code hookgate_rules_consumer_lag} (events in the assigned partitions not yet read),
 * {@code hookgate_rules_events_in_flight} (read, actions not yet acknowledged) and
 * {@code hookgate_rules_partitions} (partitions of the events topic assigned to them).
 */
final class RulesStats {
  private RulesStats() {
  }

  static void bind(GatewayMetrics metrics, ConsumerProgress progress) {
    metrics.gauge("hookgate.rules.consumer.lag", "Events in the rules consumers' partitions not yet read",
        progress::lag);
    metrics.gauge("hookgate.rules.events.in.flight",
        "Events read by the rules consumers whose actions are not yet acknowledged", progress::inFlight);
    metrics.gauge("hookgate.rules.partitions",
        "Partitions of the events topic assigned to this replica's rules consumers", progress::partitions);
  }
}
