package io.hookgate.bench.actions;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One measured phase of bench/run-actions.sh, in a JVM on the load core: the sink that the calls go to,
 * and in the pipeline phase the webhook sender too, on one event loop, so that the 202 of a webhook and
 * the arrival of its action are timed by the same clock without any locking.
 *
 * <ul>
 *   <li>{@code pipeline}: webhooks go to the gateway; each one's action reaches the sink as a signed
 *       forward whose {@code Idempotency-Key} is {@code <event id>:<rule>:0}, so the sink knows which
 *       webhook caused it. The first forward is saved (headers and body) for the ceiling phase.</li>
 *   <li>{@code acting}: the pipeline's gateway and rule, but the events do not come as webhooks: the driver
 *       writes them straight into the gateway's events topic as the records its ingress writes (one read
 *       back from the topic after the probe webhook, replayed with a new {@code ce_id} each; see
 *       {@link EventRecordReplayer}), so the gateway's core does only the acting half: rules, actions and
 *       calls. Latency runs from the broker's acknowledgement of the record to the sink having the call.</li>
 *   <li>{@code ingress}: webhooks go to a gateway without rules; the 202 ends each one's trip (what the
 *       ingress alone does on the same core, for context).</li>
 *   <li>{@code ceiling}: only the sink; {@link CeilingClient} posts to it from the server's core. Each
 *       request carries the time it was sent ({@code x-bench-sent}, System.nanoTime(), which on Linux is
 *       CLOCK_MONOTONIC and so the same clock in every process of the machine).</li>
 * </ul>
 *
 * <p>Sequence: sink up ({@code SINK READY}); wait for the server's pid file (written by run-actions.sh
 * once it started the gateway or the ceiling client); wait for the first call to reach the sink; warm up
 * (at least {@code --warmup} s, then 5 s more at a time while the server's JIT compilers use more than
 * {@code --jit-quiet}% of a core); measure {@code --duration} s; in the pipeline and acting, stop sending and wait for
 * what is on its way; append one line to {@code --out} and the server's CPU per thread to
 * {@code --threads-out}.
 *
 * <p>bench/run-management.sh runs the acting mode with two more options: {@code --phase-id} names the phase in
 * {@code --out} (default: the mode), and {@code --projects N} makes the events take N projects in turn (see
 * {@link EventRecordReplayer}).
 */
public final class ActionsDriver {
  private static final Set<String> NOT_REPLAYED = Set.of("host", "content-length", "connection", "x-bench-sent");

  private final Map<String, String> args;
  private final String mode;
  private final Window window = new Window();
  private final int connections;
  private Vertx vertx;
  private Context context;
  private EventSender sender;
  private WebhookPoster poster;
  // Sink side, on the event loop.
  private final Samples ceilingLatency = new Samples();
  private long ceilingTotal;
  private long ceilingInWindow;
  private long foreignRequests;
  private long sinkConnections;
  private boolean captured;

  private ActionsDriver(Map<String, String> args) {
    this.args = args;
    this.mode = required("mode");
    this.connections = Integer.parseInt(args.getOrDefault("connections", "64"));
    if (!List.of("pipeline", "acting", "ingress", "ceiling").contains(mode)) {
      throw new IllegalArgumentException("--mode pipeline|acting|ingress|ceiling");
    }
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new HashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) {
      args.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
    }
    int status;
    try {
      status = new ActionsDriver(args).run();
    } catch (Exception e) {
      // Vert.x's threads would keep the JVM alive, and run-actions.sh would wait for the driver forever.
      e.printStackTrace();
      status = 1;
    }
    System.exit(status);
  }

  private String required(String key) {
    String v = args.get(key);
    if (v == null) {
      throw new IllegalArgumentException("missing --" + key);
    }
    return v;
  }

  private int run() throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    vertx.deployVerticle(new Loop()).await(30, TimeUnit.SECONDS);
    System.out.println("SINK READY " + required("sink-port"));
    System.out.flush();

    long serverPid = waitForPid(Path.of(required("server-pid-file")), Duration.ofSeconds(240));
    long brokerPid = Long.parseLong(required("broker-pid"));
    EventRecordReplayer replayer = null;
    if (sends()) {
      if (!probe(Duration.ofSeconds(180))) {
        log("the gateway never delivered a probe webhook to the sink: " + onLoop(() -> sender.lastProblem));
        return 1;
      }
      Submitter load = poster;
      if (mode.equals("acting")) {
        // The probe went through the ingress, so the topic holds at least one record the ingress wrote.
        String topic = required("events-topic");
        String bootstrap = required("bootstrap");
        int projects = Integer.parseInt(args.getOrDefault("projects", "1"));
        replayer = EventRecordReplayer.create(context, bootstrap, topic,
            EventRecordReplayer.readOne(bootstrap, topic, Duration.ofSeconds(30)), projects);
        log("replaying the record of event " + replayer.templateId() + " from " + topic + " ("
            + replayer.templateBytes() + " bytes of key, value and headers) with a new " + EventRecordReplayer.ID_HEADER
            + " per event" + (projects > 1 ? ", its project one of " + projects + " in turn" : ""));
        load = replayer;
      }
      Submitter via = load;
      onLoop(() -> {
        sender.start(via);
        return null;
      });
    } else if (!waitFor(() -> onLoop(() -> ceilingTotal) > 0, Duration.ofSeconds(120))) {
      log("the ceiling client never reached the sink");
      return 1;
    }

    double warmed = warmUp(serverPid);
    String loadCpus = args.getOrDefault("load-cpus", "1");
    Map<Long, String> names = ProcStats.javaThreadNames(serverPid, loadCpus);
    String jfr = args.get("jfr");
    String serverCore = "cpu" + args.getOrDefault("server-core", "0");
    String loadCore = "cpu" + args.getOrDefault("load-core", "1");
    long self = ProcessHandle.current().pid();
    long duration = TimeUnit.SECONDS.toNanos(Long.parseLong(args.getOrDefault("duration", "20")));

    Map<Long, Long> threads0 = ProcStats.threadTicks(serverPid);
    long server0 = ProcStats.processTicks(serverPid);
    long broker0 = ProcStats.processTicks(brokerPid);
    long driver0 = ProcStats.processTicks(self);
    long[] sc0 = ProcStats.cpuTicks(serverCore);
    long[] lc0 = ProcStats.cpuTicks(loadCore);
    long[] m0 = ProcStats.cpuTicks("cpu");
    long t0 = System.nanoTime();
    long wall0 = System.currentTimeMillis();
    window.open(t0, duration);
    log("measuring " + TimeUnit.NANOSECONDS.toSeconds(duration) + "s");
    sleepUntil(window.end());
    long t1 = System.nanoTime();
    Map<Long, Long> threads1 = ProcStats.threadTicks(serverPid);
    long server1 = ProcStats.processTicks(serverPid);
    long broker1 = ProcStats.processTicks(brokerPid);
    long driver1 = ProcStats.processTicks(self);
    long[] sc1 = ProcStats.cpuTicks(serverCore);
    long[] lc1 = ProcStats.cpuTicks(loadCore);
    long[] m1 = ProcStats.cpuTicks("cpu");
    double load1 = ProcStats.loadAverage();
    if (jfr != null) {
      // The recording runs since the gateway started (run-actions.sh starts it with the JVM: a JFR.start at
      // this point would deoptimize and recompile the hot path during the very window being measured);
      // only the window is kept.
      long wall1 = wall0 + TimeUnit.NANOSECONDS.toMillis(t1 - t0);
      jcmd(loadCpus, serverPid, "JFR.dump", "name=actions", "filename=" + jfr,
          "begin=-" + ((System.currentTimeMillis() - wall0) / 1000 + 1) + "s");
      // The dump holds whole chunks, so more than the window: ActionsProfile keeps the events inside it.
      Files.writeString(Path.of(jfr + ".window"), wall0 + " " + wall1 + "\n", StandardCharsets.UTF_8);
    }
    double clk = Double.parseDouble(args.getOrDefault("clk-tck", "100"));
    double wallTicks = (t1 - t0) / 1e9 * clk;
    double seconds = duration / 1e9;

    long lost = 0;
    if (sends()) {
      onLoop(() -> {
        sender.stop();
        return null;
      });
      Duration drain = Duration.ofSeconds(Long.parseLong(args.getOrDefault("drain", "30")));
      if (!waitFor(() -> onLoop(() -> sender.outstanding()) == 0, drain)) {
        log(onLoop(() -> sender.outstanding()) + " event(s) still on their way after " + drain.toSeconds() + "s");
      }
      lost = onLoop(() -> sender.lost());
      if (replayer != null) {
        replayer.close();
      }
    }
    long lostFinal = lost;
    PhaseResult result = onLoop(() -> result(seconds, lostFinal, pct(server1 - server0, wallTicks),
        pct(broker1 - broker0, wallTicks), pct(driver1 - driver0, wallTicks), busy(sc0, sc1), busy(lc0, lc1),
        busy(m0, m1), load1, warmed));
    Path out = Path.of(required("out"));
    Files.writeString(out, result.toTsv() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    writeThreads(Path.of(required("threads-out")), serverPid, names, threads0, threads1, wallTicks);
    long connectionsOpened = onLoop(() -> sinkConnections);
    long unknown = onLoop(() -> foreignRequests);
    log(String.format(Locale.ROOT, "%s: %.0f %s, latency p50 %.2f ms, p99 %.2f ms; server CPU %.0f%%; "
        + "%d connection(s) opened to the sink, %d call(s) not from this phase%s",
        mode, result.rate(), mode.equals("ingress") ? "202s/s" : "calls/s at the sink", result.p50() / 1000,
        result.p99() / 1000, result.serverCpu(), connectionsOpened, unknown,
        sends() ? String.format(Locale.ROOT, "; rejected %d, errors %d, late %d, lost %d, duplicates %d",
            result.rejected(), result.errors(), result.late(), result.lost(), result.duplicates()) : ""));
    vertx.close().await(10, TimeUnit.SECONDS);
    return 0;
  }

  private PhaseResult result(double seconds, long lost, double serverCpu, double brokerCpu, double driverCpu,
      double serverCoreBusy, double loadCoreBusy, double machineBusy, double load1, double warmed) {
    int round = Integer.parseInt(args.getOrDefault("round", "1"));
    if (mode.equals("ceiling")) {
      Samples s = ceilingLatency;
      return new PhaseResult("ceiling", round, seconds, ceilingInWindow, ceilingInWindow / seconds,
          s.percentileMicros(50), s.percentileMicros(90), s.percentileMicros(99), s.percentileMicros(99.9),
          s.maxMicros(), s.meanMicros(), s.percentileMicros(50), s.percentileMicros(99), Double.NaN, Double.NaN,
          0, 0, 0, 0, 0, 0, 0, serverCpu, brokerCpu, driverCpu, serverCoreBusy, loadCoreBusy, machineBusy, load1,
          warmed, connections, connections);
    }
    EventSender w = sender;
    int windowArg = Integer.parseInt(args.getOrDefault("window", Integer.toString(connections)));
    if (mode.equals("ingress")) {
      Samples a = w.sentToAccepted;
      return new PhaseResult("ingress", round, seconds, w.acceptedInWindow, w.acceptedInWindow / seconds,
          a.percentileMicros(50), a.percentileMicros(90), a.percentileMicros(99), a.percentileMicros(99.9),
          a.maxMicros(), a.meanMicros(), Double.NaN, Double.NaN, a.percentileMicros(50), a.percentileMicros(99),
          w.acceptedInWindow, w.rejected, w.errors, 0, 0, 0, 0, serverCpu, brokerCpu, driverCpu, serverCoreBusy,
          loadCoreBusy, machineBusy, load1, warmed, connections, connections);
    }
    // pipeline and acting: accepted = the webhook's 202 (pipeline) or the broker's acknowledgement (acting).
    Samples s = w.acceptedToSink;
    // --phase-id: bench/run-management.sh runs acting phases of several kinds (YAML target, subscriptions).
    return new PhaseResult(args.getOrDefault("phase-id", mode), round, seconds, w.arrivalsInWindow,
        w.arrivalsInWindow / seconds,
        s.percentileMicros(50), s.percentileMicros(90), s.percentileMicros(99), s.percentileMicros(99.9),
        s.maxMicros(), s.meanMicros(), w.sentToSink.percentileMicros(50), w.sentToSink.percentileMicros(99),
        w.sentToAccepted.percentileMicros(50), w.sentToAccepted.percentileMicros(99), w.acceptedInWindow,
        w.rejected, w.errors, w.lateEvents, lost, w.duplicates, s.negative(), serverCpu, brokerCpu, driverCpu,
        serverCoreBusy, loadCoreBusy, machineBusy, load1, warmed, connections, windowArg);
  }

  /** Sink and sender, on the driver's one event loop. */
  private final class Loop extends VerticleBase {
    @Override
    public Future<?> start() {
      ActionsDriver.this.context = context;
      if (sends()) {
        URI ingress = URI.create(required("ingress-url"));
        Buffer body;
        try {
          body = Buffer.buffer(Files.readAllBytes(Path.of(required("body"))));
        } catch (IOException e) {
          return Future.failedFuture(e);
        }
        var client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
            new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
        int w = Integer.parseInt(args.getOrDefault("window", Integer.toString(connections)));
        // The id prefix is unique per phase, and has no ':' (the action id is <event id>:<rule>:<index>).
        String prefix = args.getOrDefault("id-prefix", "bench") + "-" + Long.toString(System.nanoTime(), 36) + "-";
        poster = new WebhookPoster(client, ingress.getHost(), ingress.getPort(), ingress.getPath(), body,
            required("auth"));
        // Webhooks: one in flight per connection. Records (acting): no connections, only the window bounds
        // the events between written and at the sink.
        int inFlight = mode.equals("acting") ? w : connections;
        sender = new EventSender(vertx, prefix, inFlight, w, TimeUnit.SECONDS.toNanos(30), window,
            !mode.equals("ingress"));
      }
      return Sink.listen(vertx, Integer.parseInt(required("sink-port")), ActionsDriver.this::received,
          () -> sinkConnections++);
    }
  }

  /** The pipeline, acting and ingress phases send events; the ceiling phase only receives. */
  private boolean sends() {
    return !mode.equals("ceiling");
  }

  private void received(long at, MultiMap headers, Buffer body) {
    String sent = headers.get("x-bench-sent");
    if (sent != null) {
      ceilingTotal++;
      if (window.contains(at)) {
        ceilingInWindow++;
        ceilingLatency.add(at - Long.parseLong(sent));
      }
      return;
    }
    String key = headers.get("Idempotency-Key");
    if (key == null || sender == null) {
      foreignRequests++;
      return;
    }
    int colon = key.indexOf(':');
    boolean own = sender.arrived(colon < 0 ? key : key.substring(0, colon), at);
    if (own && !captured && args.containsKey("capture")) {
      captured = true;
      capture(Path.of(args.get("capture")), headers, body);
    }
  }

  /** Saves one forwarded call (headers, then an empty line, then the body) for the ceiling client to replay. */
  private static void capture(Path file, MultiMap headers, Buffer body) {
    if (Files.exists(file)) {
      return;
    }
    StringBuilder text = new StringBuilder();
    headers.forEach((name, value) -> {
      if (!NOT_REPLAYED.contains(name.toLowerCase(Locale.ROOT))) {
        text.append(name).append(": ").append(value).append('\n');
      }
    });
    text.append('\n').append(body.toString(StandardCharsets.UTF_8));
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      log("could not save the forwarded call: " + e);
    }
  }

  private boolean probe(Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      CompletableFuture<Boolean> done = new CompletableFuture<>();
      context.runOnContext(v -> sender.probe(poster).timeout(10, TimeUnit.SECONDS)
          .onComplete(ar -> done.complete(ar.succeeded())));
      if (done.join()) {
        return true;
      }
      Thread.sleep(500);
    }
    return false;
  }

  private double warmUp(long pid) throws InterruptedException {
    long least = Long.parseLong(args.getOrDefault("warmup", "20"));
    long most = Long.parseLong(args.getOrDefault("warmup-max", "90"));
    double quiet = Double.parseDouble(args.getOrDefault("jit-quiet", "10"));
    double clk = Double.parseDouble(args.getOrDefault("clk-tck", "100"));
    log("warm-up " + least + "s");
    Thread.sleep(TimeUnit.SECONDS.toMillis(least));
    long warmed = least;
    while (warmed < most) {
      long j0 = jitTicks(pid);
      long t0 = System.nanoTime();
      Thread.sleep(5000);
      double jit = pct(jitTicks(pid) - j0, (System.nanoTime() - t0) / 1e9 * clk);
      warmed += 5;
      log(String.format(Locale.ROOT, "JIT compilers used %.0f%% of a core in the last 5 s of warm-up", jit));
      if (jit <= quiet) {
        break;
      }
    }
    return warmed;
  }

  private static long jitTicks(long pid) {
    long sum = 0;
    for (Map.Entry<Long, Long> e : ProcStats.threadTicks(pid).entrySet()) {
      if (ProcStats.threadComm(pid, e.getKey()).contains("CompilerThre")) {
        sum += e.getValue();
      }
    }
    return sum;
  }

  /** CPU per thread group of the server over the window, in percent of one core, busiest first. */
  private static void writeThreads(Path file, long pid, Map<Long, String> names, Map<Long, Long> before,
      Map<Long, Long> after, double wallTicks) throws IOException {
    Map<String, Long> used = new TreeMap<>();
    after.forEach((tid, ticks) -> {
      String name = names.get(tid);
      if (name == null) {
        name = ProcStats.threadComm(pid, tid);
      }
      used.merge(group(name), ticks - before.getOrDefault(tid, 0L), Long::sum);
    });
    StringBuilder text = new StringBuilder();
    used.entrySet().stream().filter(e -> e.getValue() > 0)
        .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
        .forEach(e -> text.append(e.getKey()).append('\t')
            .append(String.format(Locale.ROOT, "%.1f", pct(e.getValue(), wallTicks))).append('\n'));
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  /** Threads of one pool count together; event loops and Kafka clients keep their own names. */
  static String group(String name) {
    return name.replaceAll("#\\d+$", "")
        .replaceAll("CompilerThread\\d+$", "CompilerThread")
        .replaceAll("^(vert\\.x-(worker|internal-blocking|virtual)-thread)-\\d+$", "$1")
        .replaceAll("^(vert\\.x-internal-blocking)-\\d+$", "$1")
        .replace('\t', ' ');
  }

  private static long waitForPid(Path file, Duration limit) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(file)) {
        String text = Files.readString(file).strip();
        if (!text.isEmpty()) {
          return Long.parseLong(text);
        }
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("no pid in " + file + " after " + limit.toSeconds() + "s");
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  private static boolean waitFor(Check check, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (check.ok()) {
        return true;
      }
      Thread.sleep(100);
    }
    return check.ok();
  }

  /** Reads or changes the loop's state on the loop itself. */
  private <T> T onLoop(java.util.concurrent.Callable<T> work) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        result.complete(work.call());
      } catch (Exception e) {
        result.completeExceptionally(e);
      }
    });
    return result.get(30, TimeUnit.SECONDS);
  }

  private static void jcmd(String cpus, long pid, String... command) throws IOException, InterruptedException {
    List<String> line = new java.util.ArrayList<>(List.of("taskset", "-c", cpus, "jcmd", Long.toString(pid)));
    line.addAll(List.of(command));
    Process p = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    p.waitFor(60, TimeUnit.SECONDS);
  }

  private static void sleepUntil(long nanos) throws InterruptedException {
    long left;
    while ((left = nanos - System.nanoTime()) > 0) {
      TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
    }
  }

  private static double pct(double ticks, double wallTicks) {
    return wallTicks > 0 ? 100.0 * ticks / wallTicks : Double.NaN;
  }

  private static double busy(long[] before, long[] after) {
    return pct(after[0] - before[0], after[1] - before[1]);
  }

  private static void log(String message) {
    System.err.printf("[driver %tT] %s%n", System.currentTimeMillis(), message);
  }
}
