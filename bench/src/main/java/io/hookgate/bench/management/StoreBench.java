package io.hookgate.bench.management;

import io.hookgate.Hookgate;
import io.hookgate.config.ConfigLoader;
import io.hookgate.subscriptions.StateRecord.Result;
import io.hookgate.subscriptions.Subscription;
import io.hookgate.subscriptions.SubscriptionFilter;
import io.hookgate.subscriptions.SubscriptionService;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The fill of the subscription store's benchmark of bench/run-management.sh (issue 15): the setup that the
 * store's measured parts (a fresh gateway reading them all, a change on one replica seen on another, both with
 * gateway processes) and the sub10k phase start on. In one JVM on the server's core, {@code --writers} gateways
 * started with {@link Hookgate#start} on the same topics; the first (A) creates {@code --count} subscriptions
 * through its {@link SubscriptionService} (what the API's {@code PUT /api/v1/subscriptions/{id}} calls once the
 * request is validated), {@code --concurrency} at a time: in-process rather than over HTTP only to save the
 * 10,000 requests' time, the writes being the same. Subscription {@code sub-i} takes the events of project
 * {@code i} (see {@link Projects}) and posts them to {@code --sink-base}{@code i}. Each partition of the commands
 * topic has one writer, which applies one command at a time and waits until its store has read the state back
 * before the next, so the fill runs as many gateways as the commands topic has partitions.
 *
 * <p>Writes {@code key\tvalue} lines to {@code --out}. Environment: {@code HOOKGATE_ENCRYPTION_KEY}.
 */
public final class StoreBench {
  private final Map<String, String> args;
  private final Map<String, String> env;
  private final String prefix;

  private StoreBench(Map<String, String> args) {
    this.args = args;
    this.prefix = required("topics");
    Map<String, String> e = new HashMap<>();
    String key = System.getenv("HOOKGATE_ENCRYPTION_KEY");
    if (key == null || key.isBlank()) {
      throw new IllegalStateException("HOOKGATE_ENCRYPTION_KEY is not set");
    }
    e.put("HOOKGATE_ENCRYPTION_KEY", key);
    this.env = Map.copyOf(e);
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new HashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) {
      args.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
    }
    int status = 0;
    try {
      new StoreBench(args).run();
    } catch (Exception e) {
      e.printStackTrace();
      status = 1;
    }
    // Vert.x's and Kafka's threads would keep the JVM alive after a failure.
    System.exit(status);
  }

  private String required(String key) {
    String v = args.get(key);
    if (v == null) {
      throw new IllegalArgumentException("missing --" + key);
    }
    return v;
  }

  private void run() throws Exception {
    int count = Integer.parseInt(args.getOrDefault("count", "10000"));
    int concurrency = Integer.parseInt(args.getOrDefault("concurrency", "32"));
    Projects projects = new Projects(required("project"));
    String sinkBase = required("sink-base");
    Path out = Path.of(required("out"));
    List<String> lines = new ArrayList<>();

    int writers = Integer.parseInt(args.getOrDefault("writers", "4"));
    log("starting " + writers + " gateways on " + prefix);
    Hookgate a = start();
    List<Hookgate> helpers = new ArrayList<>();
    try {
      for (int i = 1; i < writers; i++) {
        helpers.add(start());
      }
      SubscriptionService service = a.subscriptions().service();
      log("filling " + prefix + " with " + count + " subscriptions through gateway A's service, " + concurrency
          + " at a time, " + writers + " writers");
      long t0 = System.nanoTime();
      long created = fill(service, count, concurrency, projects, sinkBase);
      double fillSeconds = (System.nanoTime() - t0) / 1e9;
      lines.add(kv("writers", writers));
      lines.add(kv("fill_count", created));
      lines.add(kv("fill_seconds", fillSeconds));
      lines.add(kv("fill_per_second", created / fillSeconds));
      log(String.format(Locale.ROOT, "%d created in %.1f s (%.0f a second)", created, fillSeconds,
          created / fillSeconds));
      if (created != count) {
        throw new IllegalStateException("only " + created + " of " + count + " subscriptions were created");
      }
    } finally {
      helpers.forEach(Hookgate::close);
      a.close();
    }
    Files.write(out, lines);
  }

  /**
   * Creates sub-0 .. sub-(count-1); returns how many exist after. A create that is not confirmed in time (the
   * service's 10 s: a writer not yet assigned its partition while the gateways join the writers' group) is asked
   * again as a {@code put}, which creates or replaces: the same subscription either way.
   */
  private static long fill(SubscriptionService service, int count, int concurrency, Projects projects,
      String sinkBase) throws InterruptedException {
    Semaphore slots = new Semaphore(concurrency);
    AtomicLong created = new AtomicLong();
    AtomicLong retried = new AtomicLong();
    AtomicReference<String> problem = new AtomicReference<>();
    for (int i = 0; i < count && problem.get() == null; i++) {
      slots.acquire();
      Subscription s = new Subscription(Projects.subscription(i), sinkBase + i, "bench subscription " + i,
          new SubscriptionFilter(List.of("kili"), List.of(projects.id(i)), null, null, null), null, Map.of(), true,
          null, null, null, null, null, 0);
      service.create(s).recover(e -> {
        retried.incrementAndGet();
        return service.put(s, null);
      }).recover(e -> service.put(s, null)).onComplete(ar -> {
        if (ar.succeeded() && (ar.result().result() == Result.created || ar.result().result() == Result.replaced)) {
          created.incrementAndGet();
        } else {
          problem.compareAndSet(null, ar.succeeded() ? s.id() + ": " + ar.result().result() + " "
              + ar.result().message() : s.id() + ": " + ar.cause());
        }
        slots.release();
      });
    }
    slots.acquire(concurrency);
    if (retried.get() > 0) {
      log(retried.get() + " create(s) not confirmed within the service's 10 s, asked again as a put");
    }
    if (problem.get() != null) {
      log("a create failed: " + problem.get());
    }
    return created.get();
  }

  /** A gateway on the benchmark's topics, its ports free ones on loopback. */
  private Hookgate start() throws Exception {
    String p = prefix;
    String yaml = """
        ingress: { host: 127.0.0.1, port: %d, instances: 1, accessLog: false }
        management: { host: 127.0.0.1, port: %d }
        kafka:
          bootstrapServers: "%s"
          topics:
            events: { name: %s.events, partitions: 6 }
            actions: { name: %s.actions, partitions: 6 }
            actionsRetry: { name: %s.actions.retry, partitions: 6 }
            deadLetter: { name: %s.actions.dlq, partitions: 3 }
            deliveryStatus: { name: %s.delivery.status, partitions: 3, compacted: true }
            subscriptions: { name: %s.subscriptions, partitions: 3, compacted: true }
            subscriptionCommands: { name: %s.subscriptions.commands, partitions: %d }
            operations: { name: %s.operations, partitions: 3 }
            jobs: { name: %s.jobs, partitions: 3, compacted: true }
        sources:
          kili: { kind: kili, auth: { type: none } }
        subscriptions:
          allowedHosts: [ 127.0.0.1 ]
        encryption:
          keys: [ env:HOOKGATE_ENCRYPTION_KEY ]
        shutdown: { gracePeriod: 5s }
        """.formatted(freePort(), freePort(), required("bootstrap"), p, p, p, p, p, p, p,
        Integer.parseInt(args.getOrDefault("writers", "4")), p, p);
    return Hookgate.start(new ConfigLoader(env).loadYaml(yaml), env);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static String kv(String key, double value) {
    return key + "\t" + String.format(Locale.ROOT, "%.3f", value);
  }

  private static String kv(String key, long value) {
    return key + "\t" + value;
  }

  private static void log(String message) {
    System.err.printf("[store %tT] %s%n", System.currentTimeMillis(), message);
  }
}
