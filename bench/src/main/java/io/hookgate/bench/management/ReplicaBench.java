package io.hookgate.bench.management;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The replicas part of the store benchmark of bench/run-management.sh (issue 15): two gateway processes
 * ({@code java -jar hookgate.jar}, A and B) on the same subscriptions topics, which hold the {@code --count}
 * subscriptions {@link StoreBench} created. {@code --warm-changes} unmeasured changes, then {@code --changes}
 * measured ones, one at a time, each a {@code PUT /api/v1/subscriptions/sub-<n>} on A's management API that
 * gives an existing subscription a new description (so the topics keep {@code --count} subscriptions). For
 * each: from sending the PUT to A until {@code GET /api/v1/subscriptions/sub-<n>} on B shows the new
 * description (B is asked every millisecond from the moment the PUT is sent, so that B having it before A
 * answers is seen as such), and, for context, to A's answer (which comes once A has read the change back).
 *
 * <p>Runs on the load core; the gateways share the server core. Writes {@code key\tvalue} lines to
 * {@code --out}.
 */
public final class ReplicaBench {
  private final Map<String, String> args;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String token;

  private ReplicaBench(Map<String, String> args) {
    this.args = args;
    this.token = required("admin-token");
  }

  public static void main(String[] argv) {
    Map<String, String> args = new HashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) {
      args.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
    }
    int status = 0;
    try {
      new ReplicaBench(args).run();
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

  private void run() throws Exception {
    String a = required("a");
    String b = required("b");
    int count = Integer.parseInt(required("count"));
    int changes = Integer.parseInt(args.getOrDefault("changes", "1000"));
    int warm = Integer.parseInt(args.getOrDefault("warm-changes", "100"));
    Projects projects = new Projects(required("project"));
    String sinkBase = required("sink-base");
    long[] toB = new long[changes];
    long[] toA = new long[changes];
    long polls = 0;
    log(String.format(Locale.ROOT, "%d unmeasured changes on A, then %d measured, one at a time; B asked every ms",
        warm, changes));
    for (int k = -warm; k < changes; k++) {
      int n = Math.floorMod(k * 7919, count);
      String id = Projects.subscription(n);
      String description = "change " + k + " " + System.nanoTime();
      // The subscription as StoreBench created it, with a new description: a replace.
      JsonObject body = new JsonObject().put("url", sinkBase + n).put("description", description)
          .put("filter", new JsonObject().put("sources", new JsonArray().add("kili"))
              .put("projects", new JsonArray().add(projects.id(n))));
      HttpRequest put = request(a + "/subscriptions/" + id)
          .PUT(HttpRequest.BodyPublishers.ofString(body.encode())).header("Content-Type", "application/json").build();
      HttpRequest get = request(b + "/subscriptions/" + id).GET().build();
      long t0 = System.nanoTime();
      CompletableFuture<HttpResponse<String>> answer = http.sendAsync(put, HttpResponse.BodyHandlers.ofString());
      long[] answeredAt = {0};
      answer.thenRun(() -> answeredAt[0] = System.nanoTime());
      long seenAt = 0;
      long deadline = t0 + TimeUnit.SECONDS.toNanos(30);
      while (seenAt == 0 && System.nanoTime() < deadline) {
        HttpResponse<String> r = http.send(get, HttpResponse.BodyHandlers.ofString());
        polls++;
        if (r.statusCode() == 200 && description.equals(new JsonObject(r.body()).getString("description"))) {
          seenAt = System.nanoTime();
        } else {
          Thread.sleep(1);
        }
      }
      HttpResponse<String> done = answer.get(30, TimeUnit.SECONDS);
      if (done.statusCode() != 200) {
        throw new IllegalStateException("PUT " + id + " on A: " + done.statusCode() + " " + done.body());
      }
      if (seenAt == 0) {
        throw new IllegalStateException("change " + k + " of " + id + " not on B within 30 s");
      }
      long aAt = answeredAt[0] == 0 ? System.nanoTime() : answeredAt[0];
      if (k >= 0) {
        toB[k] = seenAt - t0;
        toA[k] = aAt - t0;
      }
    }
    Arrays.sort(toB);
    Arrays.sort(toA);
    long over = Arrays.stream(toB).filter(v -> v > TimeUnit.SECONDS.toNanos(1)).count();
    List<String> lines = new ArrayList<>();
    lines.add("changes\t" + changes);
    lines.add(kv("to_b_p50_ms", pct(toB, 50)));
    lines.add(kv("to_b_p90_ms", pct(toB, 90)));
    lines.add(kv("to_b_p99_ms", pct(toB, 99)));
    lines.add(kv("to_b_max_ms", pct(toB, 100)));
    lines.add("to_b_over_1s\t" + over);
    lines.add(kv("to_a_p50_ms", pct(toA, 50)));
    lines.add(kv("to_a_p99_ms", pct(toA, 99)));
    lines.add("b_polls\t" + polls);
    Files.write(Path.of(required("out")), lines);
    log(String.format(Locale.ROOT, "PUT on A -> seen on B: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms, %d "
        + "over 1 s; A's answer p50 %.1f ms, p99 %.1f ms", pct(toB, 50), pct(toB, 90), pct(toB, 99),
        pct(toB, 100), over, pct(toA, 50), pct(toA, 99)));
  }

  private HttpRequest.Builder request(String uri) {
    return HttpRequest.newBuilder(URI.create(uri)).header("Authorization", "Bearer " + token)
        .timeout(Duration.ofSeconds(30));
  }

  /** Nearest rank, in ms, of sorted nanoseconds. */
  private static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
  }

  private static String kv(String key, double value) {
    return key + "\t" + String.format(Locale.ROOT, "%.3f", value);
  }

  private static void log(String message) {
    System.err.printf("[replicas %tT] %s%n", System.currentTimeMillis(), message);
  }
}
