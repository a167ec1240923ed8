package io.hookgate.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.hookgate.testing.EventConsumer;
import io.hookgate.testing.GatewayHarness;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class KiliIngressTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static GatewayHarness gateway;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start(KafkaBroker broker) throws Exception {
    gateway = GatewayHarness.start(broker, """
        sources:
          kili:
            kind: kili
            auth:
              type: header
              header: Authorization
              secrets: [ { env: KILI_WEBHOOK_SECRET } ]
        """, Map.of("KILI_WEBHOOK_SECRET", "secret-api-key"));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void seedLabelWithThreeBoxesBecomesOneCanonicalEvent() throws Exception {
    String body = fixture("kili-onsubmit-three-boxes.json");
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(gateway.webhookUrl("kili")))
        .header("Authorization", "secret-api-key")
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(202);
    String id = MAPPER.readTree(response.body()).path("id").asText();
    assertThat(id).isNotBlank();

    try (EventConsumer consumer = gateway.consumer()) {
      ConsumerRecord<String, byte[]> record = consumer.awaitId(id, Duration.ofSeconds(20));
      assertThat(record.key()).isEqualTo("clfcblkni05pq0jrq8wgib142");
      CloudEvent event = EventConsumer.toCloudEvent(record);
      assertThat(event.getType()).isEqualTo("labeling.label.submitted");
      assertThat(event.getSource()).hasToString("/sources/kili");
      assertThat(event.getSubject()).isEqualTo("clfcblmgn0h4y0js5b2yy7qvx");
      assertThat(event.getExtension("platformevent")).isEqualTo("onSubmit");
      JsonNode data = MAPPER.readTree(event.getData().toBytes());
      assertThat(data.path("projectId").asText()).isEqualTo("clfcblkni05pq0jrq8wgib142");
      assertThat(data.path("labelId").asText()).isEqualTo("clfcblncs0h550js5golxg96s");
      assertThat(data.path("annotationCounts").path("JOB_0.OBJECT_A").asInt()).isEqualTo(3);
      JsonNode annotations = data.path("annotations");
      assertThat(annotations).hasSize(3);
      assertThat(annotations.get(0).path("id").asText()).isEqualTo("20221124161451411-13314");
      assertThat(annotations.get(0).path("areaRatio").asDouble()).isEqualTo(0.3551);
      assertThat(annotations.get(1).path("areaRatio").asDouble()).isEqualTo(0.0084);
      assertThat(annotations.get(2).path("areaRatio").asDouble()).isEqualTo(0.0108);
      assertThat(annotations.get(0).path("boundingBox").path("x").asDouble()).isEqualTo(0.15);
      assertThat(data.path("original")).isEqualTo(MAPPER.readTree(body));
    }
  }

  static String fixture(String name) throws Exception {
    try (var in = KiliIngressTest.class.getResourceAsStream("/fixtures/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
