package io.hookgate.bench.actions;

import java.util.Locale;

/**
 * One measured phase, one line of {@code results.tsv}: what {@link ActionsDriver} measured and
 * {@link ActionsReport} summarizes. Latencies in microseconds; CPU in percent of one core; busy in percent
 * of the core (or of the machine: all cores).
 *
 * @param id {@code ceiling}, {@code pipeline}, {@code acting} or {@code ingress}
 * @param rate calls the sink received per second over the window (pipeline, acting: actions of this phase's
 *     events, first arrival of each; ceiling: the client's requests); ingress: 202s per second
 * @param p50 pipeline: ingress 202 to the sink receiving the action; acting: the broker's acknowledgement of
 *     the event's record to the sink receiving the action; ceiling: request sent to the sink receiving it;
 *     ingress: webhook sent to its 202
 * @param sentP50 pipeline: webhook sent to the sink receiving its action; acting: record sent to the same
 * @param ackP50 pipeline: webhook sent to its 202; acting: record sent to its acknowledgement
 * @param accepted pipeline: 202s in the window; acting: acknowledged records in the window
 * @param rejected non-202 answers (whole phase)
 * @param errors connection errors, or for acting failed sends to Kafka (whole phase)
 * @param late events whose action was not at the sink 30 s after the event was sent
 * @param lost accepted events whose action never reached the sink, even after the drain
 * @param duplicates actions that reached the sink more than once
 * @param negative accepted to sink samples below zero: the action reached the sink before the driver had the 202
 *     (or the acknowledgement)
 */
public record PhaseResult(String id, int round, double seconds, long arrivals, double rate, double p50, double p90,
    double p99, double p999, double max, double mean, double sentP50, double sentP99, double ackP50, double ackP99,
    long accepted, long rejected, long errors, long late, long lost, long duplicates, long negative, double serverCpu,
    double brokerCpu, double driverCpu, double serverCoreBusy, double loadCoreBusy, double machineBusy, double load1,
    double warmup, int connections, int window) {

  static final String HEADER = String.join("\t", "id", "round", "seconds", "arrivals", "rate", "p50_us", "p90_us",
      "p99_us", "p99.9_us", "max_us", "mean_us", "sent_p50_us", "sent_p99_us", "ack_p50_us", "ack_p99_us",
      "accepted", "rejected", "errors", "late", "lost", "duplicates", "negative", "server_cpu", "broker_cpu",
      "driver_cpu", "server_core_busy", "load_core_busy", "machine_busy", "load1", "warmup_s", "connections",
      "window");

  String toTsv() {
    return String.join("\t", id, Integer.toString(round), f(seconds), Long.toString(arrivals), f(rate), f(p50),
        f(p90), f(p99), f(p999), f(max), f(mean), f(sentP50), f(sentP99), f(ackP50), f(ackP99),
        Long.toString(accepted), Long.toString(rejected), Long.toString(errors), Long.toString(late),
        Long.toString(lost), Long.toString(duplicates), Long.toString(negative), f(serverCpu), f(brokerCpu),
        f(driverCpu), f(serverCoreBusy), f(loadCoreBusy), f(machineBusy), f(load1), f(warmup),
        Integer.toString(connections), Integer.toString(window));
  }

  public static PhaseResult parse(String line) {
    String[] v = line.split("\t");
    int i = 0;
    return new PhaseResult(v[i++], Integer.parseInt(v[i++]), d(v[i++]), Long.parseLong(v[i++]), d(v[i++]),
        d(v[i++]), d(v[i++]), d(v[i++]), d(v[i++]), d(v[i++]), d(v[i++]), d(v[i++]), d(v[i++]), d(v[i++]),
        d(v[i++]), Long.parseLong(v[i++]), Long.parseLong(v[i++]), Long.parseLong(v[i++]), Long.parseLong(v[i++]),
        Long.parseLong(v[i++]), Long.parseLong(v[i++]), Long.parseLong(v[i++]), d(v[i++]), d(v[i++]), d(v[i++]),
        d(v[i++]), d(v[i++]), d(v[i++]), d(v[i++]), d(v[i++]), Integer.parseInt(v[i++]), Integer.parseInt(v[i]));
  }

  /** Calls at the sink per second of the server process's CPU: what one full core would do, roughly. */
  public double perServerCpuSecond() {
    return serverCpu > 0 ? rate / (serverCpu / 100.0) : Double.NaN;
  }

  private static String f(double v) {
    return Double.isNaN(v) ? "NaN" : String.format(Locale.ROOT, "%.1f", v);
  }

  private static double d(String s) {
    return Double.parseDouble(s);
  }
}
