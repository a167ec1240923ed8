package io.hookgate.bench.management;

import io.hookgate.bench.actions.ProcStats;
import io.hookgate.bench.actions.Samples;
import io.hookgate.bench.actions.Sink;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The replay benchmark of bench/run-management.sh (issue 16), on the load core. Two modes:
 *
 * <ul>
 *   <li>{@code fill}, before any gateway runs: writes {@code --events} records of hookgate's own shape (see
 *       {@link EventTemplate}) into the events topic, one in {@code --every} for project {@value #REPLAYED}
 *       (the replayed subscription's), the others for projects 1 to 997 (no subscription's), and writes the
 *       time range they were written in to {@code --out}.</li>
 *   <li>{@code run}, against a gateway on that events topic whose rules consumer starts at its end
 *       ({@code rulesEngine.autoOffsetReset: latest}, so the fill is not matched live): creates two subscriptions
 *       through the management API, {@code live} (project 0) and {@code replayed}, and writes live events of
 *       project 0 at a fixed {@code --live-rate} a second (open loop) whose deliveries reach this process's sink.
 *       After a warm-up it asks for a dry run of the recover (which warms the job's reading path and says how
 *       many it would send), measures the live deliveries for {@code --baseline} seconds, then asks for the
 *       recover of the fill's range and measures the live deliveries until the job is done. The job's read
 *       rate is its {@code progress.read} over its {@code createdAt} to {@code finishedAt}; every delivery it
 *       writes must reach the sink once.</li>
 * </ul>
 *
 * <p>Writes {@code key\tvalue} lines to {@code --out}.
 */
public final class ReplayDriver {
  static final int REPLAYED = 77_777;
  private static final String LIVE = "live";
  private static final String REPLAYED_ID = "replayed";

  private final Map<String, String> args;

  // Live load, on the event loop.
  private Vertx vertx;
  private Context context;
  private Producer<byte[], byte[]> producer;
  private EventTemplate template;
  private String topic;
  private long sequence;
  private long startedAt;
  private long sentTotal;
  private boolean running;
  private final Map<String, long[]> pending = new LinkedHashMap<>();
  private final Set<String> replayed = new HashSet<>();
  private long replayedDuplicates;
  private long liveDuplicates;
  private long foreign;
  private long sendErrors;
  private final Samples baseLatency = new Samples();
  private final Samples duringLatency = new Samples();
  private long baseArrivals;
  private long duringArrivals;
  private long baseSent;
  private long duringSent;
  // Windows, set by the main thread (nanoTime); Long.MAX_VALUE = not yet.
  private volatile long baseStart = Long.MAX_VALUE;
  private volatile long baseEnd = Long.MAX_VALUE;
  private volatile long duringStart = Long.MAX_VALUE;
  private volatile long duringEnd = Long.MAX_VALUE;

  private ReplayDriver(Map<String, String> args) {
    this.args = args;
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new HashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) {
      args.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
    }
    int status;
    try {
      ReplayDriver d = new ReplayDriver(args);
      status = "fill".equals(args.get("mode")) ? d.fill() : d.run();
    } catch (Exception e) {
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

  private Producer<byte[], byte[]> producer(String clientId) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, required("bootstrap"));
    config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 2);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(config);
  }

  // --- fill ------------------------------------------------------------------------------------------------

  private int fill() throws Exception {
    String topic = required("topic");
    int events = Integer.parseInt(args.getOrDefault("events", "200000"));
    int every = Integer.parseInt(args.getOrDefault("every", "100"));
    EventTemplate t = EventTemplate.of(Files.readAllBytes(Path.of(required("body"))), topic);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, required("bootstrap")))) {
      admin.createTopics(List.of(new NewTopic(topic, Integer.parseInt(args.getOrDefault("partitions", "6")),
          (short) 1))).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
    long replayedEvents = 0;
    AtomicLong failed = new AtomicLong();
    AtomicReference<Exception> error = new AtomicReference<>();
    // Before the first record's timestamp (CreateTime, this clock): the recover's since.
    long start = System.currentTimeMillis() - 1;
    long t0 = System.nanoTime();
    try (Producer<byte[], byte[]> p = producer("bench-replay-fill")) {
      for (int i = 0; i < events; i++) {
        int project = i % every == 0 ? REPLAYED : 1 + i % 997;
        if (project == REPLAYED) {
          replayedEvents++;
        }
        p.send(t.record(topic, "fill-" + i, project), (meta, e) -> {
          if (e != null) {
            failed.incrementAndGet();
            error.compareAndSet(null, e);
          }
        });
      }
      p.flush();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    // After the last record's timestamp: the recover's until (exclusive), so that the live events written later
    // are not in its range.
    long end = System.currentTimeMillis() + 1;
    if (failed.get() > 0) {
      throw new IllegalStateException(failed.get() + " fill records failed", error.get());
    }
    List<String> lines = new ArrayList<>();
    lines.add("fill_events\t" + events);
    lines.add("fill_replayed\t" + replayedEvents);
    lines.add("fill_since\t" + Instant.ofEpochMilli(start));
    lines.add("fill_until\t" + Instant.ofEpochMilli(end));
    lines.add(String.format(Locale.ROOT, "fill_seconds\t%.3f", seconds));
    Files.write(Path.of(required("out")), lines);
    log(String.format(Locale.ROOT, "filled %s with %d events (%d for project %d) in %.1f s", topic, events,
        replayedEvents, REPLAYED, seconds));
    return 0;
  }

  // --- run -------------------------------------------------------------------------------------------------

  private int run() throws Exception {
    topic = required("topic");
    double rate = Double.parseDouble(args.getOrDefault("live-rate", "1000"));
    long warmup = Long.parseLong(args.getOrDefault("warmup", "20"));
    long baseline = Long.parseLong(args.getOrDefault("baseline", "10"));
    Map<String, String> fill = readKv(Path.of(required("fill")));
    long expected = Long.parseLong(fill.get("fill_replayed"));
    template = EventTemplate.of(Files.readAllBytes(Path.of(required("body"))), topic);
    ManagementApi api = new ManagementApi(required("api"), required("admin-token"));
    String sink = "http://127.0.0.1:" + required("sink-port") + "/sink/";

    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    context = vertx.getOrCreateContext();
    CompletableFuture<Void> listening = new CompletableFuture<>();
    context.runOnContext(v -> Sink.listen(vertx, Integer.parseInt(required("sink-port")), this::received, () -> {
    })
        .onComplete(ar -> {
          if (ar.succeeded()) {
            listening.complete(null);
          } else {
            listening.completeExceptionally(ar.cause());
          }
        }));
    listening.get(30, TimeUnit.SECONDS);
    System.out.println("SINK READY " + required("sink-port"));
    System.out.flush();

    long serverPid = waitForPid(Path.of(required("server-pid-file")));
    long brokerPid = Long.parseLong(required("broker-pid"));
    Projects projects = template.projects();
    api.createSubscription(LIVE, sink + LIVE, projects.id(0), Duration.ofSeconds(180));
    api.createSubscription(REPLAYED_ID, sink + REPLAYED_ID, projects.id(REPLAYED), Duration.ofSeconds(60));
    log("subscriptions " + LIVE + " (project " + projects.id(0) + ") and " + REPLAYED_ID + " (project "
        + projects.id(REPLAYED) + ") created");

    producer = producer("bench-replay-live");
    producer.partitionsFor(topic);
    onLoop(() -> {
      startLive(rate);
      return null;
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (onLoop(() -> pending.isEmpty() || firstArrival < 0) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    if (onLoop(() -> firstArrival) < 0) {
      log("no live delivery reached the sink within 60 s");
      return 1;
    }
    log("live deliveries at " + rate + " a second; warm-up " + warmup + " s");
    Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));

    JsonObject range = new JsonObject().put("since", fill.get("fill_since")).put("until", fill.get("fill_until"));
    long d0 = System.nanoTime();
    JsonObject dry = api.post("/subscriptions/" + REPLAYED_ID + "/recover", range.copy().put("dryRun", true), 200,
        Duration.ofMinutes(3));
    double drySeconds = (System.nanoTime() - d0) / 1e9;
    long dryCount = dry.getLong("count", -1L);
    log(String.format(Locale.ROOT, "dry run: %d would be sent (expected %d), answered in %.1f s", dryCount,
        expected, drySeconds));
    // The dry run reads the whole range too: the live deliveries it held back must be through before the baseline.
    long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (onLoop(this::oldestUndeliveredMillis) > 500 && System.nanoTime() < settle) {
      Thread.sleep(100);
    }
    long backlog = onLoop(this::oldestUndeliveredMillis);
    boolean steady = backlog <= 500;
    log(steady ? "live backlog through" : String.format(Locale.ROOT, "live deliveries NOT keeping up before the "
        + "recover (oldest undelivered %d ms after 60 s): the baseline is not a steady state", backlog));

    double clk = Double.parseDouble(args.getOrDefault("clk-tck", "100"));
    long server0 = ProcStats.processTicks(serverPid);
    long broker0 = ProcStats.processTicks(brokerPid);
    long b0 = System.nanoTime();
    baseEnd = b0 + TimeUnit.SECONDS.toNanos(baseline);
    baseStart = b0;
    Thread.sleep(TimeUnit.SECONDS.toMillis(baseline));
    long b1 = System.nanoTime();
    long server1 = ProcStats.processTicks(serverPid);
    long broker1 = ProcStats.processTicks(brokerPid);

    // The recover, live deliveries measured until it is done.
    long j0 = System.nanoTime();
    duringStart = j0;
    JsonObject job = api.post("/subscriptions/" + REPLAYED_ID + "/recover", range, 202, Duration.ofSeconds(30));
    String jobId = job.getString("jobId", job.getString("id"));
    JsonObject done = null;
    long jobDeadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (System.nanoTime() < jobDeadline) {
      JsonObject j = api.get("/jobs/" + jobId);
      if (!"running".equals(j.getString("status"))) {
        done = j;
        break;
      }
      Thread.sleep(100);
    }
    long j1 = System.nanoTime();
    duringEnd = j1;
    long server2 = ProcStats.processTicks(serverPid);
    long broker2 = ProcStats.processTicks(brokerPid);
    if (done == null) {
      log("job " + jobId + " still running after 10 minutes");
      return 1;
    }
    JsonObject progress = done.getJsonObject("progress", new JsonObject());
    long read = progress.getLong("read", 0L);
    long matched = progress.getLong("matched", 0L);
    long sentAgain = progress.getLong("sent", 0L);
    double jobSeconds = Duration.between(Instant.parse(done.getString("createdAt")),
        Instant.parse(done.getString("finishedAt"))).toNanos() / 1e9;
    log(String.format(Locale.ROOT, "job %s %s: %d read, %d matched, %d sent in %.2f s (job times; %.2f s from the "
        + "request to the status read done): %.0f read a second", jobId, done.getString("status"), read, matched,
        sentAgain, jobSeconds, (j1 - j0) / 1e9, read / jobSeconds));

    // What the job wrote again must reach the sink, once each.
    long wait = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (onLoop(() -> (long) replayed.size()) < sentAgain && System.nanoTime() < wait) {
      Thread.sleep(100);
    }
    onLoop(() -> {
      running = false;
      return null;
    });
    long drain = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (onLoop(this::liveLost) > 0 && System.nanoTime() < drain) {
      Thread.sleep(100);
    }
    producer.close(Duration.ofSeconds(5));

    double clkBase = (b1 - b0) / 1e9 * clk;
    double clkDuring = (j1 - j0) / 1e9 * clk;
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("round", args.getOrDefault("round", "1"));
    out.put("live_rate_offered", rate);
    out.put("baseline_steady", steady);
    out.put("fill_events", fill.get("fill_events"));
    out.put("expected", expected);
    out.put("dry_count", dryCount);
    out.put("dry_seconds", drySeconds);
    out.put("job_status", done.getString("status"));
    out.put("job_read", read);
    out.put("job_matched", matched);
    out.put("job_sent", sentAgain);
    out.put("job_seconds", jobSeconds);
    out.put("job_wall_seconds", (j1 - j0) / 1e9);
    out.put("job_read_per_second", read / jobSeconds);
    out.put("replayed_received", onLoop(() -> (long) replayed.size()));
    out.put("replayed_duplicates", onLoop(() -> replayedDuplicates));
    out.put("base_seconds", (b1 - b0) / 1e9);
    out.put("base_sent_per_second", onLoop(() -> baseSent) / ((b1 - b0) / 1e9));
    out.put("base_delivered_per_second", onLoop(() -> baseArrivals) / ((b1 - b0) / 1e9));
    out.put("base_p50_ms", onLoop(() -> baseLatency.percentileMicros(50)) / 1000);
    out.put("base_p99_ms", onLoop(() -> baseLatency.percentileMicros(99)) / 1000);
    out.put("base_max_ms", onLoop(() -> baseLatency.maxMicros()) / 1000);
    out.put("base_server_cpu", 100.0 * (server1 - server0) / clkBase);
    out.put("base_broker_cpu", 100.0 * (broker1 - broker0) / clkBase);
    out.put("during_seconds", (j1 - j0) / 1e9);
    out.put("during_sent_per_second", onLoop(() -> duringSent) / ((j1 - j0) / 1e9));
    out.put("during_delivered_per_second", onLoop(() -> duringArrivals) / ((j1 - j0) / 1e9));
    out.put("during_p50_ms", onLoop(() -> duringLatency.percentileMicros(50)) / 1000);
    out.put("during_p99_ms", onLoop(() -> duringLatency.percentileMicros(99)) / 1000);
    out.put("during_max_ms", onLoop(() -> duringLatency.maxMicros()) / 1000);
    out.put("during_server_cpu", 100.0 * (server2 - server1) / clkDuring);
    out.put("during_broker_cpu", 100.0 * (broker2 - broker1) / clkDuring);
    out.put("live_sent", onLoop(() -> sentTotal));
    out.put("live_lost", onLoop(this::liveLost));
    out.put("live_duplicates", onLoop(() -> liveDuplicates));
    out.put("send_errors", onLoop(() -> sendErrors));
    out.put("foreign", onLoop(() -> foreign));
    out.put("load1", ProcStats.loadAverage());
    StringBuilder text = new StringBuilder();
    out.forEach((k, v) -> text.append(k).append('\t').append(v instanceof Double d
        ? String.format(Locale.ROOT, "%.3f", d) : String.valueOf(v)).append('\n'));
    Files.writeString(Path.of(required("out")), text, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING);
    log(String.format(Locale.ROOT, "live before: %.0f/s delivered, p50 %.2f ms, p99 %.2f ms; during the job: %.0f/s,"
        + " p50 %.2f ms, p99 %.2f ms; replayed received %d of %d; live lost %d", out.get("base_delivered_per_second"),
        out.get("base_p50_ms"), out.get("base_p99_ms"), out.get("during_delivered_per_second"),
        out.get("during_p50_ms"), out.get("during_p99_ms"), (long) out.get("replayed_received"), sentAgain,
        (long) out.get("live_lost")));
    vertx.close().await(10, TimeUnit.SECONDS);
    return 0;
  }

  private long firstArrival = -1;

  /** Sends live events at {@code rate} a second from now on, catching up every 5 ms (an open loop). */
  private void startLive(double rate) {
    running = true;
    startedAt = System.nanoTime();
    vertx.setPeriodic(5, t -> {
      if (!running) {
        vertx.cancelTimer(t);
        return;
      }
      long due = (long) ((System.nanoTime() - startedAt) / 1e9 * rate);
      while (sentTotal < due) {
        sendLive();
      }
    });
  }

  private void sendLive() {
    String id = "live-" + (sequence++);
    long sent = System.nanoTime();
    long[] times = {sent, 0, 0};
    pending.put(id, times);
    sentTotal++;
    if (sent >= baseStart && sent < baseEnd) {
      baseSent++;
    } else if (sent >= duringStart && sent < duringEnd) {
      duringSent++;
    }
    producer.send(template.record(topic, id, 0), (meta, e) -> {
      long acked = System.nanoTime();
      context.runOnContext(v -> {
        if (e != null) {
          sendErrors++;
          pending.remove(id);
          return;
        }
        times[1] = acked;
        if (times[2] != 0) {
          arrivedLive(id, times);
        }
      });
    });
  }

  private void received(long at, MultiMap headers, Buffer body) {
    String key = headers.get("Idempotency-Key");
    int colon = key == null ? -1 : key.indexOf(':');
    if (colon < 0) {
      foreign++;
      return;
    }
    String id = key.substring(0, colon);
    String target = key.substring(colon + 1);
    if (target.equals("subscriptions/" + REPLAYED_ID)) {
      if (!replayed.add(id)) {
        replayedDuplicates++;
      }
      return;
    }
    long[] times = pending.get(id);
    if (times == null) {
      if (id.startsWith("live-")) {
        liveDuplicates++;
      } else {
        foreign++;
      }
      return;
    }
    if (firstArrival < 0) {
      firstArrival = at;
    }
    times[2] = at;
    if (times[1] != 0) {
      arrivedLive(id, times);
    }
  }

  /** Both the acknowledgement and the arrival of a live event are known. */
  private void arrivedLive(String id, long[] times) {
    pending.remove(id);
    long at = times[2];
    long latency = at - times[1];
    if (at >= baseStart && at < baseEnd) {
      baseArrivals++;
      baseLatency.add(latency);
    } else if (at >= duringStart && at < duringEnd) {
      duringArrivals++;
      duringLatency.add(latency);
    }
  }

  /** Age of the oldest live event acknowledged by Kafka and not yet at the sink, 0 when there is none. */
  private long oldestUndeliveredMillis() {
    long now = System.nanoTime();
    return pending.values().stream().filter(t -> t[1] != 0).mapToLong(t -> (now - t[1]) / 1_000_000).max()
        .orElse(0);
  }

  /** Live events acknowledged by Kafka whose delivery has not reached the sink. */
  private long liveLost() {
    return pending.values().stream().filter(t -> t[1] != 0).count();
  }

  private <T> T onLoop(Callable<T> work) throws Exception {
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

  private static Map<String, String> readKv(Path file) throws Exception {
    Map<String, String> out = new HashMap<>();
    for (String line : Files.readAllLines(file)) {
      int tab = line.indexOf('\t');
      if (tab > 0) {
        out.put(line.substring(0, tab), line.substring(tab + 1));
      }
    }
    return out;
  }

  private static long waitForPid(Path file) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
    while (System.nanoTime() < deadline) {
      if (Files.exists(file)) {
        String text = Files.readString(file).strip();
        if (!text.isEmpty()) {
          return Long.parseLong(text);
        }
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("no pid in " + file);
  }

  private static void log(String message) {
    System.err.printf("[replay %tT] %s%n", System.currentTimeMillis(), message);
  }
}
