package io.hookgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hookgate.testing.EventConsumer;
import io.hookgate.testing.GatewayHarness;
import io.hookgate.testing.KafkaBrokers;
import io.hookgate.testing.LogCapture;
import io.hookgate.testing.RecordingHttpServer;
import io.hookgate.testing.RecordingHttpServer.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The broker goes away while events are being turned into actions and actions are being called, and
 * comes back: every webhook that got a 202 has its call at the target, none is dead-lettered for the outage,
 * the webhooks sent meanwhile get 503, and the gateway carries on without a restart (new webhooks reach the
 * target, and the delivery status counts the calls). Against a broker of the test's own, which it stops.
 */
class PipelineOutageTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String TOKEN = "outage-pipeline-" + UUID.randomUUID();
  private static final int BEFORE = 30;
  private static final int AFTER = 10;

  private static KafkaBrokers.InProcess broker;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void startBroker() {
    broker = KafkaBrokers.inProcess();
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.stop();
    }
  }

  private static String config(RecordingHttpServer sink) {
    return """
        sources:
          kili:
            kind: kili
            auth: { type: header, secrets: [ env:KILI_WEBHOOK_SECRET ] }
        targets:
          sink:
            baseUrl: %s
            allowedHosts: [ 127.0.0.1 ]
            concurrency: 4
            retry: { initialBackoff: 100ms, maxBackoff: 1s }
        rules:
          - name: every-label
            match: event.type == 'labeling.label.submitted'
            actions:
              - target: sink
                kind: http
                path: /labels
                body: "{'labelId': event.data.labelId}"
        """.formatted(sink.baseUrl());
  }

  /**
   * 8 s: the writes in flight wait for the broker. 40 s: longer than the producers' delivery timeout (30 s
   * for actions, outcomes and the delivery log; the publish timeout for events), so writes fail and are
   * made again (the rules read their events again, the actions write their outcomes again).
   */
  @ParameterizedTest(name = "broker down for {0} s")
  @ValueSource(ints = {8, 40})
  void everyAcceptedWebhookIsCalledAfterABrokerOutageWithoutARestart(int outageSeconds) throws Exception {
    try (RecordingHttpServer sink = RecordingHttpServer.start();
        LogCapture logs = new LogCapture("io.hookgate.actions.Durably")) {
      // Slow answers, so that calls are in flight and actions wait for a slot when the broker goes away.
      sink.respond("/labels", r -> Reply.ok().after(Duration.ofMillis(150)));
      try (GatewayHarness gateway = GatewayHarness.start(broker, config(sink), Map.of("KILI_WEBHOOK_SECRET", TOKEN,
          "HOOKGATE_INGRESS_PUBLISH_TIMEOUT", "2s"))) {
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < BEFORE; i++) {
          HttpResponse<String> r = post(gateway, "before-" + i);
          assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
          accepted.add(MAPPER.readTree(r.body()).path("id").asText());
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> sink.requests("/labels").size() >= 3);
        int calledBefore = sink.requests("/labels").size();

        broker.stop();
        try {
          assertThat(calledBefore).as("the outage starts with actions left to call").isLessThan(BEFORE);
          HttpResponse<String> refused = post(gateway, "during");
          assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
          assertThat(refused.headers().firstValue("Retry-After")).isPresent();
          Thread.sleep(outageSeconds * 1000L);
        } finally {
          broker.start();
        }

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
            .until(() -> get(gateway, "/health/ready").statusCode() == 200);
        for (int i = 0; i < AFTER; i++) {
          HttpResponse<String> r = post(gateway, "after-" + i);
          assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
          accepted.add(MAPPER.readTree(r.body()).path("id").asText());
        }

        Set<String> expected = accepted.stream().map(id -> id + ":every-label:0")
            .collect(Collectors.toCollection(TreeSet::new));
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
            .until(() -> called(sink).containsAll(expected));
        assertThat(called(sink)).as("only the accepted webhooks' actions").isEqualTo(expected);

        try (EventConsumer deadLetters = new EventConsumer(gateway.gateway().bootstrapServers(),
            gateway.deadLetterTopic())) {
          assertThat(deadLetters.drain(Duration.ofSeconds(2))).as("nothing dead-lettered for the outage").isEmpty();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
          JsonNode status = MAPPER.readTree(get(gateway, "/api/v1/targets/sink/status").body());
          assertThat(status.path("counts").path("successes").asInt()).isGreaterThanOrEqualTo(expected.size());
          assertThat(status.path("lastCall").path("statusCode").asInt()).isEqualTo(200);
        });

        // Each write that failed is written in the end (its next attempt may be up to 5 s after the broker is
        // back), and says so once each way, not once per attempt.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
          List<String> failed = logs.lines().stream().filter(l -> l.startsWith("WARN io.hookgate.actions.Durably"))
              .map(l -> l.replaceAll(".*Writing (.*) to Kafka failed.*", "$1")).sorted().toList();
          List<String> written = logs.lines().stream().filter(l -> l.startsWith("INFO io.hookgate.actions.Durably"))
              .map(l -> l.replaceAll(".*Wrote (.*) to Kafka at attempt.*", "$1")).sorted().toList();
          assertThat(written).isEqualTo(failed);
          if (outageSeconds > 30) {
            assertThat(failed).as("writes outlived the delivery timeout and were made again").isNotEmpty();
          }
        });
      }
    }
  }

  private static Set<String> called(RecordingHttpServer sink) {
    return sink.requests("/labels").stream().map(r -> r.header("Idempotency-Key"))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The one-box Kili webhook with its own label id: each body, so each event id, differs. */
  private HttpResponse<String> post(GatewayHarness gateway, String label) throws Exception {
    ObjectNode body = (ObjectNode) MAPPER.readTree(Files.readString(Path.of("src/test/resources/fixtures",
        "kili-onsubmit-one-box.json")));
    ((ObjectNode) body.path("payload").path("label")).put("id", label);
    HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.webhookUrl("kili")))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", TOKEN)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(MAPPER.writeValueAsString(body)))
        .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(GatewayHarness gateway, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.managementPort() + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
