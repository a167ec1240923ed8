package io.hookgate.bench.actions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * Turns run-actions.sh's results.tsv into Markdown: medians over the rounds per phase, the ratios of the
 * pipeline's and the acting half's rates to the ceiling's (the target is at least 0.5), the
 * ingress alone for context, every round's figures, and the server's CPU per thread in the last round. With
 * an {@code actingref} phase (acting from another build, run-actions.sh {@code --ref-jar}), the ratios
 * actingref / acting per round and over the medians. {@code --header} prints the column names of results.tsv.
 *
 * <p>Arguments: results.tsv, the run directory (for the per-thread files).
 */
public final class ActionsReport {
  static final double TARGET = 0.5;

  private ActionsReport() {
  }

  public static void main(String[] args) throws IOException {
    if (args.length == 1 && args[0].equals("--header")) {
      System.out.println(PhaseResult.HEADER);
      return;
    }
    List<PhaseResult> rows = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(args[0]))) {
      if (!line.isBlank()) {
        rows.add(PhaseResult.parse(line));
      }
    }
    Path run = Path.of(args[1]);
    List<PhaseResult> ceiling = rows.stream().filter(r -> r.id().equals("ceiling")).toList();
    List<PhaseResult> pipeline = rows.stream().filter(r -> r.id().equals("pipeline")).toList();
    List<PhaseResult> acting = rows.stream().filter(r -> r.id().equals("acting")).toList();
    List<PhaseResult> actingRef = rows.stream().filter(r -> r.id().equals("actingref")).toList();
    List<PhaseResult> ingress = rows.stream().filter(r -> r.id().equals("ingress")).toList();
    StringBuilder out = new StringBuilder();
    out.append("## Results\n\n");
    out.append("| phase | per second | latency p50 | p90 | p99 | p99.9 | server CPU | per server CPU-s "
        + "| server core busy | load core busy | broker CPU | driver CPU | load avg |\n");
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    row(out, "ceiling: bare WebClient -> sink", ceiling);
    row(out, "pipeline: webhook -> hookgate -> sink", pipeline);
    row(out, "acting: event record -> hookgate (rules, actions) -> sink", acting);
    row(out, "actingref: acting with the --ref-jar build", actingRef);
    row(out, "ingress only: webhook -> hookgate (no rules) -> 202", ingress);
    out.append('\n');
    out.append("Per second: calls the sink received (ceiling; pipeline and acting: one per event, the action it "
        + "caused), or 202s (ingress only). Latency: for the pipeline, from the ingress's 202 (as the sender read "
        + "it) to the sink having the forwarded call; for acting, from the broker's acknowledgement of the event's "
        + "record (written by the driver straight into the events topic) to the sink having the call; for the "
        + "ceiling, from the request being sent to the sink having it; for the ingress, from the webhook being "
        + "sent to its 202. Medians over the rounds, in ms. CPU in percent of one core; busy: all processes on "
        + "that core.\n\n");
    if (!pipeline.isEmpty()) {
      out.append(String.format(Locale.ROOT, "Pipeline, more latencies (medians over the rounds): webhook sent -> "
          + "202 p50 %.2f ms, p99 %.2f ms; webhook sent -> action at the sink p50 %.2f ms, p99 %.2f ms.%n%n",
          median(pipeline, PhaseResult::ackP50) / 1000, median(pipeline, PhaseResult::ackP99) / 1000,
          median(pipeline, PhaseResult::sentP50) / 1000, median(pipeline, PhaseResult::sentP99) / 1000));
      checks(out, "pipeline", "non-202 answers", "connection errors", "accepted webhook", "202", pipeline);
    }
    if (!acting.isEmpty()) {
      out.append(String.format(Locale.ROOT, "Acting, more latencies (medians over the rounds): record sent -> "
          + "acknowledged p50 %.2f ms, p99 %.2f ms; record sent -> action at the sink p50 %.2f ms, p99 %.2f ms."
          + "%n%n",
          median(acting, PhaseResult::ackP50) / 1000, median(acting, PhaseResult::ackP99) / 1000,
          median(acting, PhaseResult::sentP50) / 1000, median(acting, PhaseResult::sentP99) / 1000));
      checks(out, "acting", "refused records", "producer errors", "acknowledged event", "acknowledgement", acting);
    }
    if (!actingRef.isEmpty()) {
      checks(out, "actingref", "refused records", "producer errors", "acknowledged event", "acknowledgement",
          actingRef);
    }
    if (!acting.isEmpty() && !actingRef.isEmpty()) {
      reference(out, acting, actingRef);
    }
    if (!ceiling.isEmpty() && (!pipeline.isEmpty() || !acting.isEmpty())) {
      out.append("## Ratio\n\n");
      if (!pipeline.isEmpty()) {
        double ratio = median(pipeline, PhaseResult::rate) / median(ceiling, PhaseResult::rate);
        double perCpu = median(pipeline, PhaseResult::perServerCpuSecond)
            / median(ceiling, PhaseResult::perServerCpuSecond);
        out.append(String.format(Locale.ROOT, "- **pipeline / ceiling, calls per second: %.3f** (target >= %.1f: "
            + "%s); per second of server CPU: %.3f%n", ratio, TARGET, ratio >= TARGET ? "met" : "NOT met", perCpu));
      }
      if (!acting.isEmpty()) {
        double ratio = median(acting, PhaseResult::rate) / median(ceiling, PhaseResult::rate);
        double perCpu = median(acting, PhaseResult::perServerCpuSecond)
            / median(ceiling, PhaseResult::perServerCpuSecond);
        out.append(String.format(Locale.ROOT, "- **acting / ceiling, calls per second: %.3f** (%s %.1f); per "
            + "second of server CPU: %.3f. The acting half alone (rules, actions, calls) on the gateway's "
            + "core, the events written into Kafka by the driver.%n", ratio,
            ratio >= TARGET ? "at least" : "below", TARGET, perCpu));
      }
      if (!pipeline.isEmpty() && !ingress.isEmpty()) {
        double ingressRatio = median(ingress, PhaseResult::rate) / median(ceiling, PhaseResult::rate);
        out.append(String.format(Locale.ROOT, "- ingress only (202s, no rules) / ceiling: %.3f; pipeline / ingress "
            + "only: %.3f. The pipeline includes the ingress on the same core, so it cannot do more than the "
            + "ingress alone.%n", ingressRatio,
            median(pipeline, PhaseResult::rate) / median(ingress, PhaseResult::rate)));
      }
      List<String> perEvent = new ArrayList<>();
      cpuPerEvent(perEvent, "ceiling", ceiling);
      cpuPerEvent(perEvent, "pipeline", pipeline);
      cpuPerEvent(perEvent, "acting", acting);
      cpuPerEvent(perEvent, "ingress only", ingress);
      out.append("- Server CPU per event (µs, from the medians of calls per server CPU-second): ")
          .append(String.join(", ", perEvent));
      out.append(!pipeline.isEmpty() && !acting.isEmpty() && !ingress.isEmpty()
          ? ". The pipeline against acting + ingress only: what running both halves on one core costs beyond "
              + "their sum.\n"
          : ".\n");
      out.append("\n| round | ceiling calls/s | pipeline calls/s | pipeline / ceiling | pipeline p50 / p99 (ms) "
          + "| acting calls/s | acting / ceiling | acting p50 / p99 (ms) | ingress 202/s |\n");
      out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      TreeSet<Integer> rounds = new TreeSet<>();
      rows.forEach(r -> rounds.add(r.round()));
      for (int round : rounds) {
        PhaseResult c = inRound(ceiling, round);
        PhaseResult p = inRound(pipeline, round);
        PhaseResult a = inRound(acting, round);
        PhaseResult g = inRound(ingress, round);
        out.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s | %s | %s |%n", round,
            c == null ? "-" : String.format(Locale.ROOT, "%.0f", c.rate()),
            p == null ? "-" : String.format(Locale.ROOT, "%.0f", p.rate()),
            c == null || p == null ? "-" : String.format(Locale.ROOT, "%.3f", p.rate() / c.rate()),
            p == null ? "-" : String.format(Locale.ROOT, "%.2f / %.2f", p.p50() / 1000, p.p99() / 1000),
            a == null ? "-" : String.format(Locale.ROOT, "%.0f", a.rate()),
            c == null || a == null ? "-" : String.format(Locale.ROOT, "%.3f", a.rate() / c.rate()),
            a == null ? "-" : String.format(Locale.ROOT, "%.2f / %.2f", a.p50() / 1000, a.p99() / 1000),
            g == null ? "-" : String.format(Locale.ROOT, "%.0f", g.rate())));
      }
      out.append('\n');
    }
    int last = rows.stream().mapToInt(PhaseResult::round).max().orElse(1);
    out.append("## Gateway CPU by thread (percent of one core, measured phase, round ").append(last).append(")\n\n");
    for (String id : List.of("pipeline", "acting", "actingref", "ingress", "ceiling")) {
      Path file = run.resolve(id + "." + last + ".threads.tsv");
      if (!Files.exists(file)) {
        continue;
      }
      out.append(switch (id) {
        case "pipeline" -> "Gateway (pipeline):\n\n";
        case "acting" -> "Gateway (acting: events written into Kafka by the driver, the ingress idle):\n\n";
        case "actingref" -> "Gateway of the --ref-jar build (actingref):\n\n";
        case "ingress" -> "Gateway without rules (ingress only):\n\n";
        default -> "Ceiling client:\n\n";
      });
      out.append("| thread | CPU % |\n|---|---:|\n");
      for (String line : Files.readAllLines(file)) {
        String[] f = line.split("\t");
        if (f.length == 2) {
          out.append("| ").append(f[0].replace("|", "\\|")).append(" | ").append(f[1]).append(" |\n");
        }
      }
      out.append('\n');
    }
    System.out.print(out);
  }

  /** The phase of that round in {@code results}, or null when it did not run. */
  private static PhaseResult inRound(List<PhaseResult> results, int round) {
    return results.stream().filter(r -> r.round() == round).findFirst().orElse(null);
  }

  /**
   * The two builds side by side: actingref / acting over the medians and in every round (both phases of a
   * round ran one after the other, so their ratio is the least disturbed by the machine's drift).
   */
  private static void reference(StringBuilder out, List<PhaseResult> acting, List<PhaseResult> ref) {
    out.append("## Reference build\n\n");
    out.append(String.format(Locale.ROOT, "- **actingref / acting, calls per second: %.3f**; per second of server "
        + "CPU: %.3f (medians over the rounds; below 1: the --ref-jar build does less).%n",
        median(ref, PhaseResult::rate) / median(acting, PhaseResult::rate),
        median(ref, PhaseResult::perServerCpuSecond) / median(acting, PhaseResult::perServerCpuSecond)));
    out.append("\n| round | acting calls/s | acting µs CPU/event | actingref calls/s | actingref µs CPU/event "
        + "| actingref / acting calls/s | actingref / acting per CPU-s |\n");
    out.append("|---:|---:|---:|---:|---:|---:|---:|\n");
    TreeSet<Integer> rounds = new TreeSet<>();
    acting.forEach(r -> rounds.add(r.round()));
    for (int round : rounds) {
      PhaseResult a = inRound(acting, round);
      PhaseResult r = inRound(ref, round);
      if (a == null || r == null) {
        continue;
      }
      out.append(String.format(Locale.ROOT, "| %d | %.0f | %.1f | %.0f | %.1f | %.3f | %.3f |%n", round, a.rate(),
          1e6 / a.perServerCpuSecond(), r.rate(), 1e6 / r.perServerCpuSecond(), r.rate() / a.rate(),
          r.perServerCpuSecond() / a.perServerCpuSecond()));
    }
    out.append('\n');
  }

  /** The checks of a phase that follows events to the sink: none refused, lost, late or received twice. */
  private static void checks(StringBuilder out, String phase, String refusals, String failures, String accepted,
      String acceptance, List<PhaseResult> rows) {
    long rejected = rows.stream().mapToLong(PhaseResult::rejected).sum();
    long errors = rows.stream().mapToLong(PhaseResult::errors).sum();
    long late = rows.stream().mapToLong(PhaseResult::late).sum();
    long lost = rows.stream().mapToLong(PhaseResult::lost).sum();
    long duplicates = rows.stream().mapToLong(PhaseResult::duplicates).sum();
    long negative = rows.stream().mapToLong(PhaseResult::negative).sum();
    out.append(String.format(Locale.ROOT, "Checks over all %s phases: %d %s, %d %s, %d actions later than 30 s, "
        + "%d %ss whose action never reached the sink, %d actions received twice, %d actions at the sink "
        + "before the driver had their %s. %s%n%n",
        phase, rejected, refusals, errors, failures, late, lost, accepted, duplicates, negative, acceptance,
        rejected + errors + late + lost + duplicates == 0
            ? "OK: every " + accepted + "'s action reached the sink, once."
            : "NOT OK: see the driver and gateway logs."));
  }

  private static void cpuPerEvent(List<String> out, String label, List<PhaseResult> rows) {
    if (!rows.isEmpty()) {
      out.add(String.format(Locale.ROOT, "%s %.0f", label, 1e6 / median(rows, PhaseResult::perServerCpuSecond)));
    }
  }

  private static void row(StringBuilder out, String label, List<PhaseResult> rows) {
    if (rows.isEmpty()) {
      return;
    }
    out.append(String.format(Locale.ROOT,
        "| %s | %.0f | %.2f | %.2f | %.2f | %.2f | %.0f%% | %.0f | %.0f%% | %.0f%% | %.0f%% | %.0f%% | %.2f |%n",
        label, median(rows, PhaseResult::rate), median(rows, PhaseResult::p50) / 1000,
        median(rows, PhaseResult::p90) / 1000, median(rows, PhaseResult::p99) / 1000,
        median(rows, PhaseResult::p999) / 1000, median(rows, PhaseResult::serverCpu),
        median(rows, PhaseResult::perServerCpuSecond), median(rows, PhaseResult::serverCoreBusy),
        median(rows, PhaseResult::loadCoreBusy), median(rows, PhaseResult::brokerCpu),
        median(rows, PhaseResult::driverCpu), median(rows, PhaseResult::load1)));
  }

  public static double median(List<PhaseResult> rows, ToDoubleFunction<PhaseResult> column) {
    double[] v = rows.stream().mapToDouble(column).filter(d -> !Double.isNaN(d)).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
