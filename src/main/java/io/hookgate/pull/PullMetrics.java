package io.hookgate.pull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;

/**
 * The metrics of one project's pull, tagged {@code source} and {@code project}: {@code hookgate_pull_connected},
 * {@code hookgate_pull_paused}, {@code hookgate_pull_lag_seconds}, {@code hookgate_pull_labels_total} (tag
 * {@code via}: live or backfill), {@code hookgate_pull_errors_total} (tag {@code reason}) and
 * {@code hookgate_pull_reconnects_total}.
 */
final class PullMetrics {
  private final MeterRegistry registry;
  private final String source;
  private final String project;
  private final Counter reconnects;

  /**
   * @param status read when scraped; held strongly by the gauges (a gauge keeps only a weak reference by default,
   *     and nothing else holds this supplier: a collected one reads NaN)
   */
  PullMetrics(MeterRegistry registry, String source, String project, Supplier<ProjectStatus> status) {
    this.registry = registry;
    this.source = source;
    this.project = project;
    Gauge.builder("hookgate.pull.connected", status, s -> s.get().connected() ? 1 : 0)
        .description("1 while the Kili subscription of the project is connected and acknowledged")
        .tags("source", source, "project", project).strongReference(true).register(registry);
    Gauge.builder("hookgate.pull.paused", status, s -> "paused".equals(s.get().state()) ? 1 : 0)
        .description("1 while the pull is paused through the management API")
        .tags("source", source, "project", project).strongReference(true).register(registry);
    Gauge.builder("hookgate.pull.lag.seconds", status,
        s -> s.get().lagSeconds() == null ? Double.NaN : s.get().lagSeconds())
        .description("Seconds between the last label's createdAt and its event being stored")
        .tags("source", source, "project", project).strongReference(true).register(registry);
    reconnects = Counter.builder("hookgate.pull.reconnects")
        .description("Connections to Kili opened after the first (lost, refused, renewed, resumed)")
        .tags("source", source, "project", project).register(registry);
  }

  /** @param via {@code live} or {@code backfill} */
  void label(String via) {
    Counter.builder("hookgate.pull.labels").description("Labels pulled from Kili whose events are stored")
        .tags("source", source, "project", project, "via", via).register(registry).increment();
  }

  /**
   * @param reason {@code refused}, {@code connection}, {@code subscription}, {@code backfill}, {@code kafka},
   *     {@code invalid_label}
   */
  void error(String reason) {
    Counter.builder("hookgate.pull.errors").description("Failures of the pull from Kili")
        .tags("source", source, "project", project, "reason", reason).register(registry).increment();
  }

  void reconnect() {
    reconnects.increment();
  }
}
