package io.hookgate.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudevents.CloudEvent;
import io.hookgate.event.LabelingEventSchema;
import io.hookgate.testing.EventConsumer;
import io.hookgate.testing.GatewayHarness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * What the per-platform ingress tests share: posting a fixture to a running gateway, reading the event
 * back from Kafka with the CloudEvents binding, and checking the envelope and the whole of {@code data}.
 */
final class PlatformWebhooks {
  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private PlatformWebhooks() {
  }

  static String fixture(String name) {
    try (var in = PlatformWebhooks.class.getResourceAsStream("/fixtures/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode json(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** POSTs a JSON body with the given header name/value pairs. */
  static HttpResponse<String> post(String url, String body, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
        .header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(20))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The id of an accepted webhook: asserts the 202 and its {@code {"id": ...}} body. */
  static String acceptedId(HttpResponse<String> response) {
    assertThat(response.statusCode()).as("status of %s", response.body()).isEqualTo(202);
    String id = json(response.body()).path("id").asText();
    assertThat(id).isNotBlank();
    return id;
  }

  /** One event read back from the topic. */
  record Received(ConsumerRecord<String, byte[]> record, CloudEvent event, JsonNode data) {
  }

  static Received awaitEvent(GatewayHarness gateway, String id) {
    try (EventConsumer consumer = gateway.consumer()) {
      ConsumerRecord<String, byte[]> record = consumer.awaitId(id, Duration.ofSeconds(20));
      CloudEvent event = EventConsumer.toCloudEvent(record);
      return new Received(record, event, json(new String(event.getData().toBytes(), StandardCharsets.UTF_8)));
    }
  }

  /**
   * Checks every CloudEvents attribute, the Kafka binary binding and the key.
   *
   * @param sentAt when the webhook was sent: {@code time} is the time hookgate received it
   */
  static void assertEnvelope(Received received, OffsetDateTime sentAt, String id, String type, String source,
      String subject, String platform, String platformEvent, String key) {
    CloudEvent event = received.event();
    assertThat(event.getSpecVersion().toString()).isEqualTo("1.0");
    assertThat(event.getId()).isEqualTo(id);
    assertThat(event.getType()).isEqualTo(type);
    assertThat(event.getSource()).hasToString("/sources/" + source);
    assertThat(event.getSubject()).isEqualTo(subject);
    assertThat(event.getDataContentType()).isEqualTo("application/json");
    assertThat(event.getDataSchema()).hasToString("urn:hookgate:schema:labeling-event:v1");
    assertThat(event.getTime()).isNotNull();
    assertThat(event.getTime().getOffset()).isEqualTo(ZoneOffset.UTC);
    assertThat(event.getTime().toInstant())
        .isBetween(sentAt.toInstant().minusSeconds(1), Instant.now().plusSeconds(1));
    assertThat(event.getExtensionNames()).containsExactlyInAnyOrder("platform", "platformevent", "partitionkey");
    assertThat(event.getExtension("platform")).isEqualTo(platform);
    assertThat(event.getExtension("platformevent")).isEqualTo(platformEvent);
    assertThat(event.getExtension("partitionkey")).isEqualTo(key);
    assertThat(received.record().key()).isEqualTo(key);

    // The binary binding on the wire: attributes as ce_ headers, the data's media type as content-type.
    List<String> headers = new ArrayList<>();
    for (Header h : received.record().headers()) {
      headers.add(h.key());
    }
    List<String> expected = new ArrayList<>(List.of("ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time",
        "ce_dataschema", "ce_platform", "ce_platformevent", "ce_partitionkey", "content-type"));
    if (subject != null) {
      expected.add("ce_subject");
    }
    assertThat(headers).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(new String(received.record().headers().lastHeader("content-type").value(), StandardCharsets.UTF_8))
        .isEqualTo("application/json");
    assertThat(new String(received.record().headers().lastHeader("ce_type").value(), StandardCharsets.UTF_8))
        .isEqualTo(type);
  }

  /**
   * Checks the whole of {@code data}: every normalized field against {@code expectedWithoutOriginal} (so a
   * field added, dropped or changed fails), {@code original} against the body sent, and the published schema.
   */
  static void assertData(Received received, String sentBody, String expectedWithoutOriginal) {
    JsonNode data = received.data();
    assertThat(LabelingEventSchema.errors(data)).as("schema errors").isEmpty();
    assertThat(data.path("original")).isEqualTo(json(sentBody));
    ObjectNode normalized = data.deepCopy();
    normalized.remove("original");
    assertSameJson(normalized, json(expectedWithoutOriginal));
  }

  /** JSON equality where 0.5 and 0.50 and 1 and 1.0 are the same number; fails showing both documents. */
  static void assertSameJson(JsonNode actual, JsonNode expected) {
    Comparator<JsonNode> numbersByValue = (a, b) -> {
      if (a.equals(b)) {
        return 0;
      }
      if (a.isNumber() && b.isNumber()) {
        return Double.compare(a.doubleValue(), b.doubleValue());
      }
      return 1;
    };
    if (!actual.equals(numbersByValue, expected)) {
      assertThat(actual.toPrettyString()).isEqualTo(expected.toPrettyString());
      throw new AssertionError("JSON differs only in number representation:\n" + actual + "\n" + expected);
    }
  }
}
