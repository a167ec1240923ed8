package io.hookgate.actions;

import io.hookgate.metrics.GatewayMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The action meters (names as Prometheus shows them):
 * {@code hookgate_action_attempts_total{target,outcome}} (outcome: success, retry, dead_letter),
 * {@code hookgate_action_retries_total{target}}, {@code hookgate_action_dead_letters_total{target,reason}},
 * {@code hookgate_action_deferrals_total{target,reason}}, {@code hookgate_action_duration_seconds{target,outcome}}
 * and {@code hookgate_breaker_state{target}} (0 closed, 1 open, 2 half-open). The counters of configured
 * targets exist from start-up, at zero.
 */
final class ActionMetrics {
  private final GatewayMetrics metrics;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  /** The outcomes of {@code hookgate_action_attempts_total}. */
  static final List<String> OUTCOMES = List.of("success", "retry", "dead_letter");
  /** The dead-letter reasons of a configured target (a call's outcome, or the retry policy giving up). */
  static final List<String> TARGET_DEAD_LETTER_REASONS = List.of("permanent", "refused", "exhausted", "expired");

  ActionMetrics(GatewayMetrics metrics) {
    this.metrics = metrics;
  }

  MeterRegistry registry() {
    return metrics.registry();
  }

  /**
   * Registers a configured target's counters at zero, so that dashboards show 0 for a target that has had
   * no calls yet (a missing series reads as "no data", and rates over it are empty).
   */
  void target(String target) {
    OUTCOMES.forEach(outcome -> attempts(target, outcome));
    retries(target);
    TARGET_DEAD_LETTER_REASONS.forEach(reason -> deadLetters(target, reason));
  }

  void attempt(String target, String outcome, long nanos) {
    attempts(target, outcome).increment();
    timers.computeIfAbsent(target + "|" + outcome, k -> Timer.builder("hookgate.action.duration")
        .description("Duration of calls to targets, redirects included")
        .tags("target", target, "outcome", outcome)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(60))
        .register(metrics.registry())).record(nanos, TimeUnit.NANOSECONDS);
  }

  void retry(String target) {
    retries(target).increment();
  }

  void deadLetter(String target, String reason) {
    deadLetters(target, reason).increment();
  }

  private Counter attempts(String target, String outcome) {
    return metrics.counter("hookgate.action.attempts",
        "Calls made to targets, by outcome (success, retry, dead_letter)",
        "target", target, "outcome", outcome);
  }

  private Counter retries(String target) {
    return metrics.counter("hookgate.action.retries", "Retries scheduled after a failed call", "target", target);
  }

  private Counter deadLetters(String target, String reason) {
    return metrics.counter("hookgate.action.dead.letters", "Actions given up and written to the dead-letter topic",
        "target", target, "reason", reason);
  }

  void duplicate(String target) {
    metrics.counter("hookgate.action.duplicates",
        "Action records not called because this gateway had delivered that action id already", "target", target)
        .increment();
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
