package io.hookgate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.hookgate.config.Secret;
import io.hookgate.event.CloudEventFactory;
import io.hookgate.event.EventIds;
import io.hookgate.event.NormalizedEvent;
import io.hookgate.event.RawJson;
import io.hookgate.ingress.ConfiguredSource;
import io.hookgate.ingress.IngressEvent;
import io.hookgate.ingress.WebhookNormalizer;
import io.hookgate.ingress.auth.HeaderTokenAuthenticator;
import io.hookgate.ingress.source.KiliSource;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What each step of hookgate's Kili path costs in CPU and allocation per webhook, measured outside HTTP
 * and Kafka: the calls the ingress's chain makes (WebhookNormalizer and its parts), in a loop on one thread
 * (run.sh --profile pins it to
 * the server's core). It answers "where does C's extra time over B go" in microseconds, which a sampling
 * profile of the whole server can only give as shares. A plain timed loop, not JMH: the steps take
 * microseconds, so loop overhead and a volatile store per call are noise; each step is warmed up first.
 *
 * <p>Arguments: body file, measured seconds per step (default 2), warm-up seconds (default 10).
 */
public final class PipelineCost {
  private static volatile Object sink;

  private PipelineCost() {
  }

  public static void main(String[] args) throws Exception {
    byte[] body = Files.readAllBytes(Path.of(args[0]));
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 2;
    double warmup = args.length > 2 ? Double.parseDouble(args[2]) : 10;

    ObjectMapper mapper = new ObjectMapper();
    ObjectMapper bodies = WebhookNormalizer.bodyMapper(mapper);
    String secret = "bench-secret-0123456789";
    HeaderTokenAuthenticator auth = new HeaderTokenAuthenticator("Authorization", List.of(new Secret(secret, "bench")));
    MultiMap headers = HttpHeaders.headers().add("Content-Type", "application/json").add("Authorization", secret);
    Buffer buffer = Buffer.buffer(body);
    KiliSource kili = new KiliSource(bodies);
    CloudEventFactory cloudEvents = new CloudEventFactory(mapper, Clock.systemUTC());
    ConfiguredSource source = new ConfiguredSource("kili", "kili", auth, kili, 1 << 20);
    WebhookNormalizer normalizer = new WebhookNormalizer(bodies, cloudEvents, "hookgate.events", Clock.systemUTC());
    if (!(normalizer.normalize(source, headers, buffer) instanceof IngressEvent)) {
      throw new IllegalStateException("the body is refused: not a Kili webhook");
    }
    JsonNode tree = bodies.readTree(body);
    NormalizedEvent normalized = kili.normalizeUsual("kili", body, RawJson.node(body));
    if (normalized == null) {
      throw new IllegalStateException("the body is not read from its tokens: not the usual shape of a Kili webhook");
    }
    String id = EventIds.fromBody("kili", body);
    CloudEvent event = cloudEvents.toCloudEvent(id, "kili", normalized, null, body);

    Map<String, Callable<Object>> steps = new LinkedHashMap<>();
    steps.put("B's whole work: body to byte[], ProducerRecord",
        () -> new ProducerRecord<>("t", "key", buffer.getBytes()));
    steps.put("auth: header token, constant-time compare", () -> auth.verify(headers, null, 0));
    steps.put("body to byte[] (Buffer.getBytes)", buffer::getBytes);
    steps.put("parse + normalize: KiliSource.normalizeUsual (JSON tokens, no tree)",
        () -> kili.normalizeUsual("kili", body, RawJson.node(body)));
    steps.put("  for comparison, the tree reading (refusals, odd bodies): readTree", () -> bodies.readTree(body));
    steps.put("  for comparison, the tree reading: KiliSource.normalize(tree)", () -> kili.normalize("kili", tree));
    steps.put("event id: SHA-256 of source + body", () -> EventIds.fromBody("kili", body));
    steps.put("CloudEvent: toCloudEvent (databind writes data, the body spliced in as original; SDK builder)",
        () -> cloudEvents.toCloudEvent(id, "kili", normalized, null, body));
    steps.put("Kafka record: toRecord(event) (the SDK's binary writer: ce_* headers)",
        () -> cloudEvents.toRecord("hookgate.events", event));
    steps.put("normalizer: WebhookNormalizer.normalize (parse to record, with the checks)",
        () -> normalizer.normalize(source, headers, buffer));
    steps.put("whole Kili path (auth to record)", () -> {
      auth.verify(headers, null, 0);
      return normalizer.normalize(source, headers, buffer);
    });

    // Warm every step together so the JIT compiles them in their real mix, then measure one by one.
    long warmEnd = System.nanoTime() + (long) (warmup * 1e9);
    while (System.nanoTime() < warmEnd) {
      for (Callable<Object> step : steps.values()) {
        for (int i = 0; i < 200; i++) {
          sink = step.call();
        }
      }
    }
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long self = Thread.currentThread().getId();
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT,
        "Per webhook (%d-byte Kili onSubmit), one thread, after %.0f s of warm-up:%n%n", body.length, warmup));
    out.append("| step | us per webhook | allocated KB per webhook |\n|---|---:|---:|\n");
    for (var e : steps.entrySet()) {
      Callable<Object> step = e.getValue();
      long iterations = 0;
      long cpu0 = threads.getCurrentThreadCpuTime();
      long alloc0 = threads.getThreadAllocatedBytes(self);
      long end = System.nanoTime() + (long) (seconds * 1e9);
      while (System.nanoTime() < end) {
        for (int i = 0; i < 100; i++) {
          sink = step.call();
        }
        iterations += 100;
      }
      long cpu = threads.getCurrentThreadCpuTime() - cpu0;
      long alloc = threads.getThreadAllocatedBytes(self) - alloc0;
      // CPU time, not wall time: on a shared core the thread may wait for the CPU, which is not the step's cost.
      out.append(String.format(Locale.ROOT, "| %s | %.2f | %.1f |%n", e.getKey(), cpu / 1e3 / iterations,
          alloc / 1024.0 / iterations));
    }
    System.out.print(out);
  }
}
