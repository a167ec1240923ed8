package io.hookgate.actions;

import io.hookgate.metrics.GatewayMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The action meters (names as Prometheus shows them):
 * {@code hookgate_action_attempts_total{target,outcome}} (outcome: success, retry, dead_letter),
 * {@code hookgate_action_retries_total{target}}, {@code hookgate_action_dead_letters_total{target,reason}},
 * {@code hookgate_action_deferrals_total{target,reason}}, {@code hookgate_action_duration_seconds{target,outcome}}
 * and {@code hookgate_breaker_state{target}} (0 closed, 1 open, 2 half-open).
 */
final class ActionMetrics {
  private final GatewayMetrics metrics;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  ActionMetrics(GatewayMetrics metrics) {
    this.metrics = metrics;
  }

  void attempt(String target, String outcome, long nanos) {
    metrics.counter("hookgate.action.attempts", "Calls made to targets, by outcome (success, retry, dead_letter)",
        "target", target, "outcome", outcome).increment();
    timers.computeIfAbsent(target + "|" + outcome, k -> Timer.builder("hookgate.action.duration")
        .description("Duration of calls to targets, redirects included")
        .tags("target", target, "outcome", outcome)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(60))
        .register(metrics.registry())).record(nanos, TimeUnit.NANOSECONDS);
  }

  void retry(String target) {
    metrics.counter("hookgate.action.retries", "Retries scheduled after a failed call", "target", target).increment();
  }

  void deadLetter(String target, String reason) {
    metrics.counter("hookgate.action.dead.letters", "Actions given up and written to the dead-letter topic",
        "target", target, "reason", reason).increment();
  }

  void deferred(String target, String reason) {
    metrics.counter("hookgate.action.deferrals", "Actions postponed without a call (breaker open, rate limit, not due)",
        "target", target, "reason", reason).increment();
  }

  void breaker(String target, CircuitBreaker breaker) {
    Gauge.builder("hookgate.breaker.state", breaker, b -> b.state().gauge())
        .description("Circuit breaker state per target: 0 closed, 1 open, 2 half-open")
        .tags("target", target)
        .strongReference(true)
        .register(metrics.registry());
  }
}
