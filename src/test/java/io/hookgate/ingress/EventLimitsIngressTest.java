package io.hookgate.ingress;

import static io.hookgate.http.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudevents.CloudEvent;
import io.hookgate.testing.EventConsumer;
import io.hookgate.testing.GatewayHarness;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the ingress accepts must make an event Kafka stores and its readers can parse: a body within the limit
 * whose event is larger than Kafka's 1 MiB default, a record Kafka still refuses (413, not a 503 to retry for
 * ever), attributes that are not CloudEvents strings, and nesting deeper than JSON parsers read.
 */
@ExtendWith(KafkaBrokerExtension.class)
class EventLimitsIngressTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String TOKEN = "kili-token-" + UUID.randomUUID();
  private static final String SOURCES = """
      sources:
        kili:
          kind: kili
          auth: { type: header, header: Authorization, secrets: [ env:KILI_WEBHOOK_SECRET ] }
        open:
          kind: generic
          auth: { type: none }
          maxBodyBytes: 64KiB
          mapping: { eventType: /type, deliveryId: /id, subject: /item, projectId: /project }
      """;

  private static GatewayHarness gateway;
  private static EventConsumer consumer;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start(KafkaBroker broker) throws Exception {
    gateway = GatewayHarness.start(broker, SOURCES, Map.of("KILI_WEBHOOK_SECRET", TOKEN));
    consumer = gateway.consumer();
  }

  @AfterAll
  static void stop() {
    if (consumer != null) {
      consumer.close();
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void aBodyWithinTheLimitWhoseEventIsOverOneMebibyteIsStored() throws Exception {
    ObjectNode body = (ObjectNode) MAPPER
        .readTree(Files.readString(Path.of("src/test/resources/fixtures/kili-onsubmit-one-box.json")));
    ArrayNode annotations = (ArrayNode) body.path("payload").path("label").path("jsonResponse").path("JOB_0")
        .path("annotations");
    JsonNode box = annotations.get(0);
    while (MAPPER.writeValueAsBytes(body).length < 900 * 1024) {
      ObjectNode copy = box.deepCopy();
      copy.put("mid", "box-" + annotations.size());
      annotations.add(copy);
    }
    byte[] bytes = MAPPER.writeValueAsBytes(body);
    assertThat(bytes.length).isLessThan(1024 * 1024); // within the default body limit

    HttpResponse<String> response = http.send(kili(HttpRequest.BodyPublishers.ofByteArray(bytes)),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    ConsumerRecord<String, byte[]> record = consumer.awaitId(MAPPER.readTree(response.body()).path("id").asText(),
        Duration.ofSeconds(30));
    assertThat(record.value().length).as("the event's data").isGreaterThan(1024 * 1024);
    JsonNode data = MAPPER.readTree(record.value());
    assertThat(data.path("annotations")).hasSize(annotations.size());
  }

  @Test
  void aRecordKafkaRefusesIs413NotARetry(KafkaBroker broker) throws Exception {
    // Kafka's record limit made smaller than the body limit, as an operator's broker or topic may have it.
    try (GatewayHarness small = GatewayHarness.start(broker, SOURCES + """
        kafka:
          producer: { max.request.size: 20000 }
        """, Map.of("KILI_WEBHOOK_SECRET", TOKEN))) {
      HttpResponse<String> fits = http.send(
          post(small.webhookUrl("open"), "{\"type\":\"small\",\"pad\":\"" + "x".repeat(5000) + "\"}"),
          HttpResponse.BodyHandlers.ofString());
      assertThat(fits.statusCode()).as(fits.body()).isEqualTo(202);

      HttpResponse<String> tooLarge = http.send(
          post(small.webhookUrl("open"), "{\"type\":\"large\",\"pad\":\"" + "x".repeat(30_000) + "\"}"),
          HttpResponse.BodyHandlers.ofString());
      JsonNode problem = assertProblem(tooLarge, 413, "urn:hookgate:problem:body-too-large");
      assertThat(problem.path("detail").asText()).contains("larger than Kafka accepts in one record");
      assertThat(tooLarge.headers().firstValue("Retry-After")).isEmpty();
    }
  }

  @Test
  void attributesThatAreNotCloudEventsStringsAre400() throws Exception {
    List<String> bodies = List.of(
        "{\"type\":\"t\",\"id\":\"bad-1\\n\"}", // a line break in the delivery id: Idempotency-Key header downstream
        "{\"type\":\"t\",\"item\":\"it\\u0000em\"}",
        "{\"type\":\"t\",\"item\":\"a\\u0085b\"}", // C1 control (NEL)
        "{\"type\":\"t\",\"project\":\"p\\ud800x\"}", // unpaired surrogate: the key would not be the project
        "{\"type\":\"t\",\"id\":\"x\\uffff\"}"); // noncharacter
    for (String body : bodies) {
      JsonNode problem = assertProblem(
          http.send(post(gateway.webhookUrl("open"), body), HttpResponse.BodyHandlers.ofString()),
          400, "urn:hookgate:problem:invalid-payload");
      assertThat(problem.path("detail").asText()).as(body).contains("CloudEvents attributes may not contain");
    }
    JsonNode kili = assertProblem(http.send(kili(HttpRequest.BodyPublishers.ofString(Files.readString(
        Path.of("src/test/resources/fixtures/kili-onsubmit-one-box.json"))
        .replaceFirst("\"asset_id\"\\s*:\\s*\"", "\"asset_id\": \"\\\\r\\\\n"))),
        HttpResponse.BodyHandlers.ofString()), 400, "urn:hookgate:problem:invalid-payload");
    assertThat(kili.path("detail").asText()).contains("subject").contains("U+000D");
    // The platform's own event name becomes the ce_platformevent header.
    JsonNode eventName = assertProblem(http.send(kili(HttpRequest.BodyPublishers.ofString(Files.readString(
        Path.of("src/test/resources/fixtures/kili-onsubmit-one-box.json")).replaceFirst("\"onSubmit\"",
            "\"onSubmit\\\\r\\\\nX-Injected: 1\""))),
        HttpResponse.BodyHandlers.ofString()), 400, "urn:hookgate:problem:invalid-payload");
    assertThat(eventName.path("detail").asText()).contains("platformevent").contains("U+000D");

    // Printable Unicode, paired surrogates included, is fine.
    HttpResponse<String> ok = http.send(post(gateway.webhookUrl("open"),
        "{\"type\":\"t\",\"id\":\"d\\u00e9j\\u00e0-\\ud83d\\ude00-" + UUID.randomUUID()
            + "\",\"item\":\"\\u4e2d\\u6587\",\"project\":\"caf\\u00e9\"}"),
        HttpResponse.BodyHandlers.ofString());
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(202);
    CloudEvent event = EventConsumer
        .toCloudEvent(consumer.awaitId(MAPPER.readTree(ok.body()).path("id").asText(), Duration.ofSeconds(20)));
    assertThat(event.getSubject()).isEqualTo("中文");
  }

  @Test
  void bodiesNestedDeeperThanTheLimitAre400AndTheDeepestAcceptedEventIsReadable() throws Exception {
    int limit = WebhookNormalizer.MAX_BODY_DEPTH;
    JsonNode problem = assertProblem(
        http.send(post(gateway.webhookUrl("open"), nested(limit + 1)), HttpResponse.BodyHandlers.ofString()),
        400, "urn:hookgate:problem:invalid-payload");
    assertThat(problem.path("detail").asText()).contains("nested more than " + limit + " levels");

    HttpResponse<String> deepest = http.send(post(gateway.webhookUrl("open"), nested(limit)),
        HttpResponse.BodyHandlers.ofString());
    assertThat(deepest.statusCode()).as(deepest.body()).isEqualTo(202);
    ConsumerRecord<String, byte[]> record = consumer.awaitId(MAPPER.readTree(deepest.body()).path("id").asText(),
        Duration.ofSeconds(20));
    // A reader with Jackson's default limits parses the event.
    assertThat(new ObjectMapper().readTree(record.value()).path("original").path("type").asText()).isEqualTo("deep");
  }

  /** An object {"type":"deep","deep":[[...]]} nested {@code depth} levels in all. */
  private static String nested(int depth) {
    return "{\"type\":\"deep\",\"deep\":" + "[".repeat(depth - 1) + "]".repeat(depth - 1) + "}";
  }

  private HttpRequest kili(HttpRequest.BodyPublisher body) {
    return HttpRequest.newBuilder(URI.create(gateway.webhookUrl("kili"))).header("Authorization", TOKEN)
        .header("Content-Type", "application/json").POST(body).build();
  }

  private static HttpRequest post(String url, String body) {
    return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }
}
