package io.hookgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hookgate.testing.JsonLogs;
import io.hookgate.testing.PackagedJar;
import io.hookgate.testing.RecordingHttpServer;
import io.hookgate.testing.RecordingHttpServer.Recorded;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar as Kubernetes runs it, with {@code HOOKGATE_LOG_FORMAT=json}: every line it writes, from
 * start-up to the end of a graceful shutdown, is one JSON object; a webhook gives one access line and its
 * action one attempt line with their fields; the webhook's trace context reaches the target; the consumer
 * groups report their lag on {@code /metrics}; no secret is ever written.
 */
class ObservabilityIT {
  private static final Duration START = Duration.ofSeconds(90);
  private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-b7ad6b7169203331-01";
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void jsonLogsTraceContextAndConsumerLagFromThePackagedJar(@TempDir Path dir) throws Exception {
    String webhookSecret = "kili-secret-" + UUID.randomUUID();
    String sinkToken = "sink-token-" + UUID.randomUUID();
    try (RecordingHttpServer sink = RecordingHttpServer.start()) {
      Path config = dir.resolve("hookgate.yaml");
      Files.writeString(config, """
          sources:
            kili:
              kind: kili
              auth:
                type: header
                header: Authorization
                secrets: [ env:KILI_WEBHOOK_SECRET ]
          targets:
            sink:
              baseUrl: %s/sink
              allowedHosts: [ 127.0.0.1 ]
              auth: { header: Authorization, prefix: "Bearer ", secret: env:SINK_TOKEN }
          rules:
            - name: label-to-sink
              match: event.type == 'labeling.label.submitted'
              actions:
                - target: sink
                  kind: http
                  path: /labels
                  body: "{'labelId': event.data.labelId}"
          """.formatted(sink.baseUrl()));
      PackagedJar.Launch launch = PackagedJar.in(dir)
          .env("HOOKGATE_CONFIG", config.toString())
          .env("HOOKGATE_LOG_FORMAT", "json")
          .env("KILI_WEBHOOK_SECRET", webhookSecret)
          .env("SINK_TOKEN", sinkToken);
      String id;
      try (PackagedJar jar = launch.startReady(START)) {
        HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(jar.webhookUri("kili"))
            .header("Authorization", webhookSecret).header("Content-Type", "application/json")
            .header("traceparent", TRACEPARENT).header("X-Request-Id", "it-request-1")
            .POST(HttpRequest.BodyPublishers.ofString(
                Files.readString(Path.of("src/test/resources/fixtures/kili-onsubmit-one-box.json"))))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        id = JsonLogs.parseLine(accepted.body()).path("id").asText();

        Recorded call = sink.await("/sink/labels", 1, Duration.ofSeconds(60)).get(0);
        assertThat(call.header("traceparent")).isEqualTo(TRACEPARENT);
        assertThat(call.header("Idempotency-Key")).isEqualTo(id + ":label-to-sink:0");

        // The sink records the call when it arrives; the gateway counts the attempt once the answer is back.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
          String metrics = http.send(HttpRequest.newBuilder(jar.managementUri("/metrics")).build(),
              HttpResponse.BodyHandlers.ofString()).body();
          assertThat(metrics)
              .contains("hookgate_consumer_lag{group=\"hookgate.events.rules\"}")
              .contains("hookgate_consumer_lag{group=\"hookgate.actions.executors\"}")
              .contains("hookgate_consumer_lag{group=\"hookgate.actions.retry.schedulers\"}")
              .contains("hookgate_action_attempts_total{outcome=\"success\",target=\"sink\"} 1.0");
        });

        jar.terminate();
        // 143 = 128 + SIGTERM: the JVM's status after its shutdown hooks ran to the end.
        assertThat(jar.awaitExit(Duration.ofSeconds(60))).as(jar.output()).isIn(0, 143);
        String output = jar.output();

        List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).hasSizeGreaterThan(10);
        List<JsonNode> json = lines.stream().map(JsonLogs::parseLine).toList();
        assertThat(json).allSatisfy(l -> assertThat(l.fieldNames()).toIterable()
            .contains("time", "level", "logger", "thread", "message"));
        assertThat(json).anySatisfy(l -> assertThat(l.path("message").asText()).startsWith("hookgate started"));
        assertThat(json).anySatisfy(l -> assertThat(l.path("message").asText()).startsWith("hookgate stopped"));

        JsonNode access = json.stream().filter(l -> l.path("logger").asText().equals("hookgate.access")).findFirst()
            .orElseThrow(() -> new AssertionError("no access line in:\n" + output));
        assertThat(access.path("requestId").asText()).isEqualTo("it-request-1");
        assertThat(access.path("source").asText()).isEqualTo("kili");
        assertThat(access.path("status").asInt()).isEqualTo(202);
        assertThat(access.path("eventId").asText()).isEqualTo(id);
        assertThat(access.path("traceId").asText()).isEqualTo(TRACE_ID);

        List<JsonNode> attempts = json.stream().filter(l -> l.path("logger").asText().equals("hookgate.attempt"))
            .toList();
        assertThat(attempts).hasSize(1);
        JsonNode attempt = attempts.get(0);
        assertThat(attempt.path("target").asText()).isEqualTo("sink");
        assertThat(attempt.path("actionId").asText()).isEqualTo(id + ":label-to-sink:0");
        assertThat(attempt.path("eventId").asText()).isEqualTo(id);
        assertThat(attempt.path("attempt").asInt()).isEqualTo(1);
        assertThat(attempt.path("outcome").asText()).isEqualTo("success");
        assertThat(attempt.path("statusCode").asInt()).isEqualTo(200);
        assertThat(attempt.path("durationMs").isIntegralNumber()).isTrue();
        assertThat(attempt.path("traceId").asText()).isEqualTo(TRACE_ID);

        assertThat(output).doesNotContain(webhookSecret).doesNotContain(sinkToken);
        assertThat(call.header("Authorization")).isEqualTo("Bearer " + sinkToken);
      }
    }
  }

  @Test
  void aLogFormatOtherThanTextOrJsonStopsStartUpAndSaysSo(@TempDir Path dir) {
    try (PackagedJar jar = PackagedJar.in(dir).env("HOOKGATE_LOG_FORMAT", "JSON").start()) {
      assertThat(jar.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
      assertThat(jar.output()).contains("HOOKGATE_LOG_FORMAT must be text or json (got 'JSON')");
    }
  }
}
