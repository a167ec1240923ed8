package io.hookgate.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.testing.EventConsumer;
import io.hookgate.testing.GatewayHarness;
import io.hookgate.testing.KafkaBrokers;
import io.hookgate.testing.LogCapture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Kafka going away and coming back, against a broker of the test's own (the suite's shared broker is never
 * stopped): webhooks get 503 with Retry-After and readiness turns false with a reason; once the broker is
 * back, readiness turns true and webhooks get 202 again, with no restart of the gateway. Also a gateway
 * started while the broker is down: it starts unready and becomes ready when the broker appears.
 */
class KafkaOutageTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String TOKEN = "outage-token-" + UUID.randomUUID();
  private static final String SOURCES = """
      sources:
        kili:
          kind: kili
          auth: { type: header, secrets: [ env:KILI_WEBHOOK_SECRET ] }
      """;
  private static final Map<String, String> ENV = Map.of("KILI_WEBHOOK_SECRET", TOKEN,
      "HOOKGATE_INGRESS_PUBLISH_TIMEOUT", "2s", "HOOKGATE_INGRESS_RETRY_AFTER", "7s");

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

  @Test
  void brokerStoppedMeans503AndUnreadyAndBrokerBackMeans202AndReadyWithoutARestart() throws Exception {
    try (GatewayHarness gateway = GatewayHarness.start(broker, SOURCES, ENV); LogCapture logs = new LogCapture()) {
      assertThat(ready(gateway).statusCode()).isEqualTo(200);
      String before = acceptedId(post(gateway));

      broker.stop();
      try {
        long started = System.nanoTime();
        HttpResponse<String> refused = post(gateway);
        assertUnavailable(refused);
        // Bounded by the publish timeout, not by Kafka's own retries.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(6));

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
            .until(() -> ready(gateway).statusCode() == 503);
        assertUnready(ready(gateway));
        for (int i = 0; i < 5; i++) {
          assertUnavailable(post(gateway));
        }
        // Every refused webhook is counted in the metrics; the log says it at most once per 10 s (the outage
        // so far lasted at most ~25 s), not once for each of the 7 webhooks refused.
        assertThat(logs.lines())
            .filteredOn(l -> l.startsWith("WARN io.hookgate.ingress.IngressVerticle Kafka write failed"))
            .hasSizeBetween(1, 3);
      } finally {
        broker.start();
      }

      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
          .until(() -> ready(gateway).statusCode() == 200);
      // Ready means a webhook is accepted now, not eventually.
      String after = acceptedId(post(gateway));

      try (EventConsumer consumer = gateway.consumer()) {
        consumer.awaitId(before, Duration.ofSeconds(20));
        consumer.awaitId(after, Duration.ofSeconds(20));
      }

      String metrics = get(gateway, "/metrics").body();
      assertCounted(metrics, "hookgate_kafka_publish_errors_total", Map.of());
      assertCounted(metrics, "hookgate_ingress_requests_total", Map.of("source", "kili", "status", "503"));
      assertCounted(metrics, "hookgate_ingress_rejects_total", Map.of("source", "kili", "reason", "kafka_unavailable"));
      assertCounted(metrics, "hookgate_ingress_requests_total", Map.of("source", "kili", "status", "202"));
      assertCounted(metrics, "hookgate_ready", Map.of());
      assertThat(get(gateway, "/health/live").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aGatewayStartedWhileKafkaIsDownStartsUnreadyAndBecomesReady() throws Exception {
    broker.stop();
    GatewayHarness gateway;
    try {
      gateway = GatewayHarness.start(broker, SOURCES, ENV);
    } catch (Exception | Error e) {
      broker.start();
      throw e;
    }
    try (gateway) {
      try {
        assertThat(get(gateway, "/health/live").statusCode()).isEqualTo(200);
        assertUnready(ready(gateway));
        assertUnavailable(post(gateway));
      } finally {
        broker.start();
      }
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
          .until(() -> ready(gateway).statusCode() == 200);
      String id = acceptedId(post(gateway));
      try (EventConsumer consumer = gateway.consumer()) {
        consumer.awaitId(id, Duration.ofSeconds(20));
      }
    }
  }

  // --- helpers -------------------------------------------------------------------------------

  private static void assertUnavailable(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as("status of %s", r.body()).isEqualTo(503);
    assertThat(r.headers().firstValue("Retry-After")).hasValue("7");
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    JsonNode p = MAPPER.readTree(r.body());
    assertThat(p.path("type").asText()).isEqualTo("urn:hookgate:problem:kafka-unavailable");
    assertThat(p.path("status").asInt()).isEqualTo(503);
    assertThat(p.path("title").asText()).isNotBlank();
    assertThat(p.path("detail").asText()).isNotBlank();
  }

  private static void assertUnready(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    JsonNode body = MAPPER.readTree(r.body());
    assertThat(body.path("status").asText()).isEqualTo("DOWN");
    assertThat(body.path("checks").path("kafka").path("status").asText()).isEqualTo("DOWN");
    assertThat(body.path("checks").path("kafka").path("reason").asText()).contains("Kafka");
    // ISO 8601 to the millisecond, as the delivery status dates.
    assertThat(body.path("checks").path("kafka").path("checkedAt").asText())
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{3})?Z");
  }

  private HttpResponse<String> post(GatewayHarness gateway) throws Exception {
    String body = "{\"eventType\":\"onSubmit\",\"logPayload\":{\"projectId\":\"p-outage\"},"
        + "\"payload\":{\"asset_id\":\"a\",\"label\":{\"id\":\"" + UUID.randomUUID() + "\"}}}";
    return http.send(HttpRequest.newBuilder(URI.create(gateway.webhookUrl("kili")))
        .timeout(Duration.ofSeconds(20))
        .header("Authorization", TOKEN).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> ready(GatewayHarness gateway) throws Exception {
    return get(gateway, "/health/ready");
  }

  private HttpResponse<String> get(GatewayHarness gateway, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.managementPort() + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String acceptedId(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as("status of %s", r.body()).isEqualTo(202);
    return MAPPER.readTree(r.body()).path("id").asText();
  }

  private static void assertCounted(String metrics, String name, Map<String, String> labels) {
    Pattern sample = Pattern.compile("^" + Pattern.quote(name) + "(\\{([^}]*)})? ([0-9.eE+]+)$", Pattern.MULTILINE);
    boolean found = sample.matcher(metrics).results().anyMatch(m -> {
      String l = m.group(2) == null ? "" : m.group(2);
      return labels.entrySet().stream().allMatch(e -> l.contains(e.getKey() + "=\"" + e.getValue() + "\""))
          && Double.parseDouble(m.group(3)) > 0;
    });
    assertThat(found).as("%s%s > 0 in\n%s", name, labels, metrics.lines().filter(l -> l.startsWith(name)).toList())
        .isTrue();
  }
}
