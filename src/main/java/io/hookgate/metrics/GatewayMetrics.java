package io.hookgate.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** hookgate's meters in one Prometheus registry; names and labels are documented in docs/operations/monitoring.md. */
public final class GatewayMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Counter[]> requestCounters = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Timer>> publishTimers = new ConcurrentHashMap<>();
  private final JvmGcMetrics gc = new JvmGcMetrics();

  public GatewayMetrics() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    gc.bindTo(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public String scrape() {
    return registry.scrape();
  }

  /** One request answered: {@code hookgate_ingress_requests_total{source,status}}. */
  public void request(String source, int status) {
    // Called for every webhook: looked up by source, then by status in an array, without building keys.
    Counter[] byStatus = requestCounters.computeIfAbsent(source, k -> new Counter[600]);
    int slot = status >= 100 && status < 600 ? status : 0;
    Counter c = byStatus[slot];
    if (c == null) {
      // A race registers the same meter twice; the registry hands back the one it has.
      c = Counter.builder("hookgate.ingress.requests")
          .description("Webhook requests answered, by source and HTTP status")
          .tags("source", source, "status", Integer.toString(status)).register(registry);
      byStatus[slot] = c;
    }
    c.increment();
  }

  /** One request refused: {@code hookgate_ingress_rejects_total{source,reason}}. */
  public void reject(String source, String reason) {
    counter("hookgate.ingress.rejects", "Webhook requests refused, by source and reason",
        "source", source, "reason", reason).increment();
  }

  /** Time from the body being read to Kafka's acknowledgement: {@code hookgate_ingress_publish_seconds}. */
  public void publishLatency(String source, String outcome, long nanos) {
    publishTimers.computeIfAbsent(source, k -> new ConcurrentHashMap<>())
        .computeIfAbsent(outcome, k -> Timer.builder("hookgate.ingress.publish")
            .description("Time to get Kafka's acknowledgement for an accepted webhook")
            .tags("source", source, "outcome", outcome)
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(10))
            .register(registry))
        .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** A failed Kafka write: {@code hookgate_kafka_publish_errors_total{error}}. */
  public void kafkaError(String error) {
    counter("hookgate.kafka.publish.errors", "Kafka writes that failed or timed out, by exception",
        "error", error).increment();
  }

  /** One rule evaluated on one event: {@code hookgate_rules_events_total{rule,outcome}}. */
  public void ruleEvaluated(String rule, String outcome) {
    ruleEvents(rule, outcome).increment();
  }

  /** Actions a rule emitted, chained ones included: {@code hookgate_rules_actions_emitted_total{rule}}. */
  public void actionsEmitted(String rule, int count) {
    actionsEmitted(rule).increment(count);
  }

  /**
   * Registers a configured rule's counters at zero, every outcome, so that dashboards show 0 for a rule that
   * has not seen an event yet rather than no data.
   */
  public void ruleConfigured(String rule) {
    for (String outcome : new String[] {"matched", "not_matched", "error"}) {
      ruleEvents(rule, outcome);
    }
    actionsEmitted(rule);
  }

  private Counter ruleEvents(String rule, String outcome) {
    return counter("hookgate.rules.events",
        "Events evaluated by a rule, by rule and outcome (matched, not_matched, error)",
        "rule", rule, "outcome", outcome);
  }

  private Counter actionsEmitted(String rule) {
    return counter("hookgate.rules.actions.emitted", "Actions emitted by a rule to the actions topic", "rule", rule);
  }

  public void gauge(String name, String description, Supplier<Number> value) {
    io.micrometer.core.instrument.Gauge.builder(name, value).description(description).register(registry);
  }

  public Counter counter(String name, String description, String... tags) {
    String key = name + "|" + String.join("|", tags);
    Counter c = counters.get(key);
    if (c == null) {
      c = counters.computeIfAbsent(key,
          k -> Counter.builder(name).description(description).tags(tags).register(registry));
    }
    return c;
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
