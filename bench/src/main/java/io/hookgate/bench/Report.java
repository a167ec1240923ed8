package io.hookgate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * Turns run.sh's results.tsv (one line per measured phase) into the Markdown table of medians over the
 * rounds, the throughput of every round, the ratios and the verdict on the targets. Kept in Java
 * rather than awk so the arithmetic is easy to read.
 *
 * <p>Columns of results.tsv: id, requests, seconds, req/s, p50, p90, p99, p99.9, max, mean (latencies in
 * microseconds, from wrk), socket errors, non-2xx answers, then from run.sh: 1-minute load average at the
 * end of the phase, CPU used by the server process and by the broker process (percent of one core), how
 * busy the server's core was (all processes), how busy the whole machine was (percent of all cores), the
 * round and the seconds of warm-up it took.
 *
 * <p>Besides req/s it reports requests per second of server CPU: on a machine shared with other people's
 * builds the server does not always get its whole core, and this figure is what it would do with a core
 * of its own, to a first approximation (it ignores the cost of being descheduled).
 */
public final class Report {
  static final Map<String, String> SCENARIOS = new LinkedHashMap<>();

  static {
    SCENARIOS.put("A", "A: bare Vert.x, reads the body, 204");
    SCENARIOS.put("B", "B: Vert.x + plain kafka-clients producer (acks=all), 202 after the ack");
    SCENARIOS.put("Bv", "B': B with vertx-kafka-client's KafkaProducer wrapper");
    SCENARIOS.put("Bce", "Bce: B writing hookgate's record (its size and ce_* headers), none of hookgate's work");
    SCENARIOS.put("C", "C: hookgate Kili path (auth, normalize, CloudEvent, acks=all), access log off");
    SCENARIOS.put("Clog", "C+log: C with the access log on");
    SCENARIOS.put("Cref", "Cref: C run from the reference jar (--ref-jar)");
    SCENARIOS.put("Ctail", "Ctail: C with live-tail (SSE) streams held open on the management port");
  }

  record Row(String id, long requests, double seconds, double rps, double p50, double p90, double p99,
      double p999, double max, double mean, long socketErrors, long non2xx, double load, double serverCpu,
      double brokerCpu, double serverCoreBusy, double machineBusy, int round, double warmup) {
    static Row parse(String line) {
      String[] f = line.split("\t");
      return new Row(f[0], Long.parseLong(f[1]), num(f, 2), num(f, 3), num(f, 4), num(f, 5), num(f, 6), num(f, 7),
          num(f, 8), num(f, 9), Long.parseLong(f[10]), Long.parseLong(f[11]), num(f, 12), num(f, 13), num(f, 14),
          num(f, 15), num(f, 16), f.length > 17 ? Integer.parseInt(f[17]) : 1, num(f, 18));
    }

    /** Requests per second of CPU time the server process got. */
    double perCpuSecond() {
      return serverCpu > 0 ? rps / (serverCpu / 100.0) : Double.NaN;
    }

    private static double num(String[] fields, int index) {
      if (fields.length <= index) {
        return Double.NaN;
      }
      try {
        return Double.parseDouble(fields[index]);
      } catch (NumberFormatException e) {
        return Double.NaN;
      }
    }
  }

  private Report() {
  }

  public static void main(String[] args) throws IOException {
    Map<String, List<Row>> byId = new LinkedHashMap<>();
    SCENARIOS.keySet().forEach(id -> byId.put(id, new ArrayList<>()));
    for (String line : Files.readAllLines(Path.of(args[0]))) {
      if (!line.isBlank()) {
        Row r = Row.parse(line);
        byId.computeIfAbsent(r.id(), k -> new ArrayList<>()).add(r);
      }
    }
    byId.values().removeIf(List::isEmpty);
    StringBuilder out = new StringBuilder();
    out.append("| scenario | req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | non-2xx | socket errors |"
        + " server CPU | req per server CPU-s | server core busy | broker CPU | machine busy | load (1 min) | warm-up s |\n");
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (var e : byId.entrySet()) {
      List<Row> rows = e.getValue();
      out.append(String.format(Locale.ROOT,
          "| %s | %.0f | %.2f | %.2f | %.2f | %.2f | %.2f | %d | %d | %.0f%% | %.0f | %.0f%% | %.0f%% | %.0f%% | %.2f | %.0f |%n",
          SCENARIOS.getOrDefault(e.getKey(), e.getKey()), median(rows, Row::rps), ms(median(rows, Row::p50)),
          ms(median(rows, Row::p90)), ms(median(rows, Row::p99)), ms(median(rows, Row::p999)),
          ms(median(rows, Row::max)),
          rows.stream().mapToLong(Row::non2xx).sum(), rows.stream().mapToLong(Row::socketErrors).sum(),
          median(rows, Row::serverCpu), median(rows, Row::perCpuSecond), median(rows, Row::serverCoreBusy),
          median(rows, Row::brokerCpu), median(rows, Row::machineBusy), median(rows, Row::load),
          median(rows, Row::warmup)));
    }
    out.append('\n');
    TreeSet<Integer> rounds = new TreeSet<>();
    byId.values().forEach(rows -> rows.forEach(r -> rounds.add(r.round())));
    if (rounds.size() > 1) {
      out.append("Each round, req/s (p99 ms; server CPU):\n\n| scenario |");
      rounds.forEach(r -> out.append(" round ").append(r).append(" |"));
      out.append("\n|---|");
      rounds.forEach(r -> out.append("---:|"));
      out.append('\n');
      for (var e : byId.entrySet()) {
        out.append("| ").append(shortName(e.getKey())).append(" |");
        for (int round : rounds) {
          Row r = e.getValue().stream().filter(x -> x.round() == round).findFirst().orElse(null);
          out.append(r == null ? " - |"
              : String.format(Locale.ROOT, " %.0f (%.1f; %.0f%%) |", r.rps(), ms(r.p99()), r.serverCpu()));
        }
        out.append('\n');
      }
      out.append('\n');
    }
    boolean invalid = byId.values().stream().flatMap(List::stream)
        .anyMatch(r -> r.non2xx() > 0 || r.socketErrors() > 0);
    if (invalid) {
      out.append(
          "**Warning:** some phases had non-2xx answers or socket errors; their figures are not comparable.\n\n");
    }
    out.append("Ratios of the medians (same run, same machine):\n\n");
    out.append("| ratio | req/s | req per server CPU-s |\n|---|---:|---:|\n");
    ratio(out, byId, "C/B", "C", "B");
    ratio(out, byId, "C/A", "C", "A");
    ratio(out, byId, "B/A", "B", "A");
    ratio(out, byId, "B'/B", "Bv", "B");
    ratio(out, byId, "Bce/B", "Bce", "B");
    ratio(out, byId, "C/Bce", "C", "Bce");
    ratio(out, byId, "C+log/C", "Clog", "C");
    ratio(out, byId, "C/Cref", "C", "Cref");
    ratio(out, byId, "Cref/B", "Cref", "B");
    ratio(out, byId, "Ctail/C", "Ctail", "C");
    out.append('\n');
    latencyRatio(out, byId, "C p50 / B p50", "C", "B", Row::p50);
    latencyRatio(out, byId, "C p99 / B p99", "C", "B", Row::p99);
    latencyRatio(out, byId, "B' p99 / B p99", "Bv", "B", Row::p99);
    latencyRatio(out, byId, "Bce p99 / B p99", "Bce", "B", Row::p99);
    latencyRatio(out, byId, "C+log p99 / C p99", "Clog", "C", Row::p99);
    latencyRatio(out, byId, "C p99 / Cref p99", "C", "Cref", Row::p99);
    latencyRatio(out, byId, "Ctail p99 / C p99", "Ctail", "C", Row::p99);
    out.append('\n');
    List<Row> withTail = byId.get("Ctail");
    List<Row> withoutTail = byId.get("C");
    if (withTail != null && withoutTail != null) {
      double ratio = median(withTail, Row::rps) / median(withoutTail, Row::rps);
      out.append(String.format(Locale.ROOT, "Target (issue 16): Ctail >= 0.9 x C in req/s: %.2f -> **%s** (per server"
          + " CPU-second: %.2f)%n%n", ratio, ratio >= 0.9 ? "met" : "missed",
          median(withTail, Row::perCpuSecond) / median(withoutTail, Row::perCpuSecond)));
    }
    List<Row> b = byId.get("B");
    List<Row> c = byId.get("C");
    if (b != null && c != null) {
      double throughput = median(c, Row::rps) / median(b, Row::rps);
      double perCpu = median(c, Row::perCpuSecond) / median(b, Row::perCpuSecond);
      double tail = median(c, Row::p99) / median(b, Row::p99);
      out.append(String.format(Locale.ROOT,
          "Targets (issue 3): C >= 0.8 x B in req/s: %.2f -> **%s** (per server CPU-second: %.2f -> %s);"
              + " C p99 <= 2 x B p99: %.2f -> **%s**%n",
          throughput, throughput >= 0.8 ? "met" : "missed", perCpu, perCpu >= 0.8 ? "met" : "missed",
          tail, tail <= 2.0 ? "met" : "missed"));
      List<Row> bce = byId.get("Bce");
      if (bce != null) {
        // Bce does none of hookgate's work but writes its record: no implementation of that record does better.
        out.append(String.format(Locale.ROOT,
            "%nThe record alone (Bce/B, in req/s): %.2f, the most any implementation of the issue's record reaches"
                + " in this run; hookgate's work per request (C/Bce): %.2f%n",
            median(bce, Row::rps) / median(b, Row::rps), median(c, Row::rps) / median(bce, Row::rps)));
      }
    }
    System.out.print(out);
  }

  private static String shortName(String id) {
    return id.equals("Bv") ? "B'" : id.equals("Clog") ? "C+log" : id;
  }

  private static void ratio(StringBuilder out, Map<String, List<Row>> byId, String name, String top, String bottom) {
    List<Row> t = byId.get(top);
    List<Row> b = byId.get(bottom);
    if (t == null || b == null) {
      return;
    }
    out.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f |%n", name,
        median(t, Row::rps) / median(b, Row::rps), median(t, Row::perCpuSecond) / median(b, Row::perCpuSecond)));
  }

  private static void latencyRatio(StringBuilder out, Map<String, List<Row>> byId, String name, String top,
      String bottom,
      ToDoubleFunction<Row> metric) {
    List<Row> t = byId.get(top);
    List<Row> b = byId.get(bottom);
    if (t == null || b == null) {
      return;
    }
    out.append(String.format(Locale.ROOT, "- %s = %.2f%n", name, median(t, metric) / median(b, metric)));
  }

  static double median(List<Row> rows, ToDoubleFunction<Row> metric) {
    double[] values = rows.stream().mapToDouble(metric).filter(v -> !Double.isNaN(v)).sorted().toArray();
    if (values.length == 0) {
      return Double.NaN;
    }
    int mid = values.length / 2;
    return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
  }

  private static double ms(double micros) {
    return micros / 1000.0;
  }
}
