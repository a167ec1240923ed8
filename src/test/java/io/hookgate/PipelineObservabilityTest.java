package io.hookgate;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import com.fasterxml.jackson.databind.JsonNode;
import io.cloudevents.CloudEvent;
import io.hookgate.actions.ActionCodec;
import io.hookgate.actions.ActionRecord;
import io.hookgate.event.TraceContext;
import io.hookgate.testing.EventConsumer;
import io.hookgate.testing.GatewayHarness;
import io.hookgate.testing.JsonLogs;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import io.hookgate.testing.LogCapture;
import io.hookgate.testing.RecordingHttpServer;
import io.hookgate.testing.RecordingHttpServer.Recorded;
import io.hookgate.testing.RecordingHttpServer.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Operations across the whole pipeline, in one gateway with a source, a rule and a target (a local
 * recording server that fails once, then answers 200): the webhook's W3C trace context reaches the event
 * record, the action record and every attempt of the outbound call (the retry too); the access log and the
 * per-attempt log give one line each with their key-value pairs, and each line is one JSON object when
 * rendered by the JSON encoder of the shipped logback.xml; no secret appears in any line.
 */
@ExtendWith(KafkaBrokerExtension.class)
class PipelineObservabilityTest {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";
  private static final String TRACESTATE = "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7";
  private static final String WEBHOOK_SECRET = "observability-webhook-secret";
  private static final String SINK_TOKEN = "observability-sink-token";
  /** The label of kili-onsubmit-one-box.json, the webhook sent with a trace context. */
  private static final String TRACED_LABEL = "clfcbm2xk0h5j0js5c8ql2f1a";

  private final HttpClient http = HttpClient.newHttpClient();

  private static String config(RecordingHttpServer sink) {
    return """
        sources:
          kili:
            kind: kili
            auth:
              type: header
              header: Authorization
              secrets: [ { env: KILI_WEBHOOK_SECRET } ]
        targets:
          sink:
            baseUrl: %s/sink
            allowedHosts: [ 127.0.0.1 ]
            auth: { header: Authorization, prefix: "Bearer ", secret: env:SINK_TOKEN }
            retry: { initialBackoff: 50ms, maxBackoff: 100ms }
        rules:
          - name: label-to-sink
            match: event.type == 'labeling.label.submitted'
            actions:
              - target: sink
                kind: http
                path: /labels
                body: "{'labelId': event.data.labelId}"
        """.formatted(sink.baseUrl());
  }

  @Test
  void theTraceContextReachesEveryCallAndEachRequestAndAttemptIsOneJsonLogLine(KafkaBroker broker) throws Exception {
    try (RecordingHttpServer sink = RecordingHttpServer.start();
        LogCapture logs = new LogCapture("hookgate.access", "hookgate.attempt")) {
      // The traced webhook's call (its label) fails once, retried through the retry topic, then succeeds.
      java.util.concurrent.atomic.AtomicInteger tracedLabelCalls = new java.util.concurrent.atomic.AtomicInteger();
      sink.respond("/sink/labels", r -> r.body().contains(TRACED_LABEL) && tracedLabelCalls.incrementAndGet() == 1
          ? Reply.of(503, "busy") : Reply.ok());
      try (GatewayHarness gateway = GatewayHarness.start(broker, config(sink),
          Map.of("KILI_WEBHOOK_SECRET", WEBHOOK_SECRET, "SINK_TOKEN", SINK_TOKEN))) {
        String traced = post(gateway, "kili-onsubmit-one-box.json", Map.of("traceparent", TRACEPARENT,
            "tracestate", TRACESTATE, "X-Request-Id", "req-traced"));
        // An invalid traceparent (zero trace id) is not carried anywhere.
        String invalid = post(gateway, "kili-onsubmit-three-boxes.json", Map.of("traceparent",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01", "tracestate", TRACESTATE));

        // 1. The event record: plain headers and the CloudEvents distributed-tracing extension.
        try (EventConsumer events = gateway.consumer()) {
          ConsumerRecord<String, byte[]> record = events.awaitId(traced, Duration.ofSeconds(30));
          assertThat(header(record, "traceparent")).isEqualTo(TRACEPARENT);
          assertThat(header(record, "tracestate")).isEqualTo(TRACESTATE);
          CloudEvent event = EventConsumer.toCloudEvent(record);
          assertThat(event.getExtension("traceparent")).isEqualTo(TRACEPARENT);
          assertThat(event.getExtension("tracestate")).isEqualTo(TRACESTATE);

          ConsumerRecord<String, byte[]> untraced = events.awaitId(invalid, Duration.ofSeconds(30));
          assertThat(header(untraced, "traceparent")).isNull();
          assertThat(header(untraced, "tracestate")).isNull();
          assertThat(EventConsumer.toCloudEvent(untraced).getExtensionNames()).doesNotContain("traceparent",
              "tracestate");
        }

        // 2. The action record on the actions topic carries it in its body, where retries keep it.
        ActionCodec codec = new ActionCodec();
        try (EventConsumer actions = new EventConsumer(gateway.gateway().bootstrapServers(), gateway.actionsTopic())) {
          List<ActionRecord> written = actions.pollUntil(rs -> rs.size() >= 2, Duration.ofSeconds(30)).stream()
              .map(r -> codec.read(r.value())).toList();
          ActionRecord action = written.stream().filter(a -> a.eventId().equals(traced)).findFirst().orElseThrow();
          assertThat(action.trace()).isEqualTo(new TraceContext(TRACEPARENT, TRACESTATE));
          ActionRecord other = written.stream().filter(a -> a.eventId().equals(invalid)).findFirst().orElseThrow();
          assertThat(other.trace()).isNull();
        }

        // 3. The target: both attempts of the traced action (503, then the retry) carry the same context.
        List<Recorded> calls = sink.await("/sink/labels", 3, Duration.ofSeconds(60));
        List<Recorded> tracedCalls = calls.stream()
            .filter(r -> Objects.equals(r.header("Idempotency-Key"), traced + ":label-to-sink:0")).toList();
        assertThat(tracedCalls).hasSize(2);
        assertThat(tracedCalls).extracting(r -> r.header("traceparent")).containsOnly(TRACEPARENT);
        assertThat(tracedCalls).extracting(r -> r.header("tracestate")).containsOnly(TRACESTATE);
        assertThat(tracedCalls).extracting(Recorded::body).containsOnly("{\"labelId\":\"" + TRACED_LABEL + "\"}");
        assertThat(calls).filteredOn(r -> Objects.equals(r.header("Idempotency-Key"), invalid + ":label-to-sink:0"))
            .hasSize(1).allSatisfy(r -> {
              assertThat(r.header("traceparent")).isNull();
              assertThat(r.header("tracestate")).isNull();
            });

        // 4. Logs: one access line per request, one attempt line per call, as JSON lines.
        Encoder<ILoggingEvent> json = JsonLogs.shippedJsonEncoder();
        List<JsonNode> lines = new java.util.ArrayList<>();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> attemptEvents(logs).size() >= 3);
        for (ILoggingEvent e : logs.events()) {
          lines.add(JsonLogs.encodeLine(json, e));
        }

        List<JsonNode> access = lines.stream().filter(l -> l.path("logger").asText().equals("hookgate.access"))
            .toList();
        assertThat(access).hasSize(2);
        JsonNode accepted = access.stream().filter(l -> l.path("eventId").asText().equals(traced)).findFirst()
            .orElseThrow();
        assertThat(accepted.path("requestId").asText()).isEqualTo("req-traced");
        assertThat(accepted.path("source").asText()).isEqualTo("kili");
        assertThat(accepted.path("status").asInt()).isEqualTo(202);
        assertThat(accepted.path("eventType").asText()).isEqualTo("labeling.label.submitted");
        assertThat(accepted.path("traceId").asText()).isEqualTo(TRACE_ID);
        JsonNode other = access.stream().filter(l -> l.path("eventId").asText().equals(invalid)).findFirst()
            .orElseThrow();
        assertThat(other.path("requestId").asText()).as("a request id is made up when the client sends none")
            .isNotBlank();
        assertThat(other.has("traceId")).isFalse();

        List<JsonNode> attempts = lines.stream().filter(l -> l.path("logger").asText().equals("hookgate.attempt")
            && l.path("eventId").asText().equals(traced)).toList();
        assertThat(attempts).hasSize(2);
        for (JsonNode a : attempts) {
          assertThat(a.path("target").asText()).isEqualTo("sink");
          assertThat(a.path("actionId").asText()).isEqualTo(traced + ":label-to-sink:0");
          assertThat(a.path("rule").asText()).isEqualTo("label-to-sink");
          assertThat(a.path("durationMs").isIntegralNumber()).isTrue();
          assertThat(a.path("traceId").asText()).isEqualTo(TRACE_ID);
        }
        assertThat(attempts.get(0).path("attempt").asInt()).isEqualTo(1);
        assertThat(attempts.get(0).path("outcome").asText()).isEqualTo("retry");
        assertThat(attempts.get(0).path("statusCode").asInt()).isEqualTo(503);
        assertThat(attempts.get(0).path("error").asText()).isEqualTo("Service Unavailable");
        assertThat(attempts.get(0).path("retryAt").asText()).isNotBlank();
        assertThat(attempts.get(1).path("attempt").asInt()).isEqualTo(2);
        assertThat(attempts.get(1).path("outcome").asText()).isEqualTo("success");
        assertThat(attempts.get(1).path("statusCode").asInt()).isEqualTo(200);
        assertThat(attempts.get(1).has("error")).isFalse();

        for (JsonNode line : lines) {
          assertThat(line.toString()).doesNotContain(WEBHOOK_SECRET).doesNotContain(SINK_TOKEN);
        }
        assertThat(logs.lines()).noneMatch(l -> l.contains(WEBHOOK_SECRET) || l.contains(SINK_TOKEN));
        // The calls did carry the credential: its absence from the logs is not for lack of it.
        assertThat(tracedCalls).extracting(r -> r.header("Authorization")).containsOnly("Bearer " + SINK_TOKEN);
      }
    }
  }

  private static List<ILoggingEvent> attemptEvents(LogCapture logs) {
    return logs.events().stream().filter(e -> e.getLoggerName().equals("hookgate.attempt")).toList();
  }

  private String post(GatewayHarness gateway, String fixture, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.webhookUrl("kili")))
        .header("Authorization", WEBHOOK_SECRET)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(Files.readString(Path.of("src/test/resources/fixtures", fixture))));
    headers.forEach(request::header);
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body()).path("id").asText();
  }

  private static String header(ConsumerRecord<String, byte[]> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
