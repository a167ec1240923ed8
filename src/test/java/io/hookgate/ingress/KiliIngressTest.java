package io.hookgate.ingress;

import static io.hookgate.ingress.PlatformWebhooks.acceptedId;
import static io.hookgate.ingress.PlatformWebhooks.assertData;
import static io.hookgate.ingress.PlatformWebhooks.assertEnvelope;
import static io.hookgate.ingress.PlatformWebhooks.awaitEvent;
import static io.hookgate.ingress.PlatformWebhooks.fixture;
import static io.hookgate.ingress.PlatformWebhooks.json;
import static io.hookgate.ingress.PlatformWebhooks.post;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.event.EventIds;
import io.hookgate.ingress.PlatformWebhooks.Received;
import io.hookgate.testing.EventConsumer;
import io.hookgate.testing.GatewayHarness;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Kili's webhook ({@code {eventType, logPayload: {projectId}, payload: {label, asset_id}}}) end to end. */
@ExtendWith(KafkaBrokerExtension.class)
class KiliIngressTest {
  private static final String PROJECT = "clfcblkni05pq0jrq8wgib142";
  private static final String ASSET = "clfcblmgn0h4y0js5b2yy7qvx";
  private static GatewayHarness gateway;

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

  private static HttpResponse<String> send(String body) throws Exception {
    return post(gateway.webhookUrl("kili"), body, "Authorization", "secret-api-key");
  }

  @Test
  void seedLabelWithThreeBoxesBecomesOneCanonicalEvent() throws Exception {
    String body = fixture("kili-onsubmit-three-boxes.json");
    OffsetDateTime sentAt = OffsetDateTime.now(ZoneOffset.UTC);
    String id = acceptedId(send(body));

    Received received = awaitEvent(gateway, id);
    assertEnvelope(received, sentAt, id, "labeling.label.submitted", "kili", ASSET, "kili", "onSubmit", PROJECT);
    // Without a delivery id, the id is derived from the source and the exact body.
    assertThat(id).isEqualTo(EventIds.fromBody("kili", body.getBytes(StandardCharsets.UTF_8)));
    assertData(received, body, """
        {"platform": "kili", "source": "kili", "platformEventType": "onSubmit",
         "projectId": "clfcblkni05pq0jrq8wgib142", "workspace": null, "batchId": null, "workflowId": null,
         "itemId": "clfcblmgn0h4y0js5b2yy7qvx", "itemName": null, "taskId": null, "taskType": null,
         "labelId": "clfcblncs0h550js5golxg96s", "labelType": "DEFAULT", "stage": null,
         "author": {"id": "user-1", "email": "labeler@example.com", "name": null},
         "tags": [],
         "annotations": [
           {"id": "20221124161451411-13314", "job": "JOB_0", "category": "OBJECT_A", "kind": "bounding_box",
            "boundingBox": {"x": 0.15, "y": 0.31, "width": 0.67, "height": 0.53}, "areaRatio": 0.3551},
           {"id": "20221124161456406-47055", "job": "JOB_0", "category": "OBJECT_A", "kind": "bounding_box",
            "boundingBox": {"x": 0.79, "y": 0.13, "width": 0.12, "height": 0.07}, "areaRatio": 0.0084},
           {"id": "20221124161459298-45160", "job": "JOB_0", "category": "OBJECT_A", "kind": "bounding_box",
            "boundingBox": {"x": 0.87, "y": 0.27, "width": 0.12, "height": 0.09}, "areaRatio": 0.0108}
         ],
         "annotationCounts": {"JOB_0.OBJECT_A": 3},
         "issue": null}
        """);
  }

  @Test
  void reviewBecomesALabelReviewedEventWithTheReviewer() throws Exception {
    String body = fixture("kili-onreview.json");
    OffsetDateTime sentAt = OffsetDateTime.now(ZoneOffset.UTC);
    String id = acceptedId(send(body));

    Received received = awaitEvent(gateway, id);
    assertEnvelope(received, sentAt, id, "labeling.label.reviewed", "kili", ASSET, "kili", "onReview", PROJECT);
    assertData(received, body, """
        {"platform": "kili", "source": "kili", "platformEventType": "onReview",
         "projectId": "clfcblkni05pq0jrq8wgib142", "workspace": null, "batchId": null, "workflowId": null,
         "itemId": "clfcblmgn0h4y0js5b2yy7qvx", "itemName": null, "taskId": null, "taskType": null,
         "labelId": "clfcc0r3v0h8q0js5e1tq7k2m", "labelType": "REVIEW", "stage": null,
         "author": {"id": "user-reviewer-7", "email": "reviewer@example.com", "name": "Rita Review"},
         "tags": [],
         "annotations": [
           {"id": "20221124161451411-13314", "job": "JOB_0", "category": "OBJECT_A", "kind": "bounding_box",
            "boundingBox": {"x": 0.15, "y": 0.31, "width": 0.67, "height": 0.53}, "areaRatio": 0.3551}
         ],
         "annotationCounts": {"JOB_0.OBJECT_A": 1},
         "issue": null}
        """);
  }

  @Test
  void jsonResponseSentAsAJsonStringIsReadLikeAnObject() throws Exception {
    String body = fixture("kili-onsubmit-jsonresponse-string.json");
    OffsetDateTime sentAt = OffsetDateTime.now(ZoneOffset.UTC);
    String id = acceptedId(send(body));

    Received received = awaitEvent(gateway, id);
    assertEnvelope(received, sentAt, id, "labeling.label.submitted", "kili", ASSET, "kili", "onSubmit", PROJECT);
    // The label has no search block: the counts are made from the annotations, keyed JOB.CATEGORY like Kili's.
    assertData(received, body, """
        {"platform": "kili", "source": "kili", "platformEventType": "onSubmit",
         "projectId": "clfcblkni05pq0jrq8wgib142", "workspace": null, "batchId": null, "workflowId": null,
         "itemId": "clfcblmgn0h4y0js5b2yy7qvx", "itemName": null, "taskId": null, "taskType": null,
         "labelId": "clfcbq7aa0h6k0js5f3mm9x0z", "labelType": "DEFAULT", "stage": null,
         "author": {"id": "user-1", "email": null, "name": null},
         "tags": [],
         "annotations": [
           {"id": "20221124161456406-47055", "job": "JOB_0", "category": "OBJECT_A", "kind": "bounding_box",
            "boundingBox": {"x": 0.79, "y": 0.13, "width": 0.12, "height": 0.07}, "areaRatio": 0.0084},
           {"id": "20221124161459298-45160", "job": "JOB_0", "category": "OBJECT_B", "kind": "bounding_box",
            "boundingBox": {"x": 0.87, "y": 0.27, "width": 0.12, "height": 0.09}, "areaRatio": 0.0108}
         ],
         "annotationCounts": {"JOB_0.OBJECT_A": 1, "JOB_0.OBJECT_B": 1},
         "issue": null}
        """);
    // The original keeps the string as Kili sent it.
    assertThat(received.data().at("/original/payload/label/jsonResponse").isTextual()).isTrue();
  }

  @Test
  void classificationJobBecomesAnAnnotationWithoutGeometry() throws Exception {
    String body = fixture("kili-onsubmit-classification.json");
    OffsetDateTime sentAt = OffsetDateTime.now(ZoneOffset.UTC);
    String id = acceptedId(send(body));

    Received received = awaitEvent(gateway, id);
    assertEnvelope(received, sentAt, id, "labeling.label.submitted", "kili", "ckwxo0tnl00a2al9kbm3b0l6s", "kili",
        "onSubmit", "ckwxnz9xk0001al9k3pn2c8qe");
    assertData(received, body, """
        {"platform": "kili", "source": "kili", "platformEventType": "onSubmit",
         "projectId": "ckwxnz9xk0001al9k3pn2c8qe", "workspace": null, "batchId": null, "workflowId": null,
         "itemId": "ckwxo0tnl00a2al9kbm3b0l6s", "itemName": null, "taskId": null, "taskType": null,
         "labelId": "ckwxo4poz00b8al9k5qii7qih", "labelType": "INFERENCE", "stage": null,
         "author": {"id": null, "email": "labeler@example.com", "name": null},
         "tags": [],
         "annotations": [
           {"id": null, "job": "JOB_0", "category": "OBJECT_A", "kind": "classification", "boundingBox": null, "areaRatio": null},
           {"id": null, "job": "TRANSCRIPTION_JOB", "category": null, "kind": "transcription", "boundingBox": null, "areaRatio": null}
         ],
         "annotationCounts": {"JOB_0.OBJECT_A": 1},
         "issue": null}
        """);
  }

  @Test
  void theSameBodySentTwiceGetsTheSameIdBothTimes() throws Exception {
    String body = fixture("kili-onsubmit-one-box.json");
    String first = acceptedId(send(body));
    String second = acceptedId(send(body));
    assertThat(second).isEqualTo(first).isEqualTo(EventIds.fromBody("kili", body.getBytes(StandardCharsets.UTF_8)));
    // hookgate does not drop the repeat: both are stored, and consumers deduplicate by id.
    try (EventConsumer consumer = gateway.consumer()) {
      List<ConsumerRecord<String, byte[]>> seen = consumer.pollUntil(
          rs -> rs.stream().filter(r -> first.equals(EventConsumer.toCloudEvent(r).getId())).count() == 2,
          Duration.ofSeconds(20));
      assertThat(seen).filteredOn(r -> first.equals(EventConsumer.toCloudEvent(r).getId())).hasSize(2);
    }
  }

  @Test
  void aLabelEventWithoutAssetIdIsRefusedNamingTheFieldAndNotPublished() throws Exception {
    String body = """
        {"eventType": "onSubmit", "logPayload": {"projectId": "clfcblkni05pq0jrq8wgib142"},
         "payload": {"label": {"id": "not-published-label"}}}""";
    HttpResponse<String> refused = send(body);
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(json(refused.body()).path("field").asText()).isEqualTo("payload.asset_id");
    assertThat(json(refused.body()).path("detail").asText()).contains("payload.asset_id");

    // A valid event for the same project (same key, same partition) sent after it: had the refused one been
    // written, it would come before this one.
    String sentinel = acceptedId(
        send(fixture("kili-onsubmit-one-box.json").replace("run-20221124-162000", "sentinel")));
    try (EventConsumer consumer = gateway.consumer()) {
      List<ConsumerRecord<String, byte[]>> seen = consumer.pollUntil(
          rs -> rs.stream().anyMatch(r -> sentinel.equals(EventConsumer.toCloudEvent(r).getId())),
          Duration.ofSeconds(20));
      assertThat(seen).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
          .isNotEmpty()
          .noneMatch(value -> value.contains("not-published-label"));
    }
  }

  @Test
  void theOriginalPayloadIsEmbeddedByteForByte() throws Exception {
    // Odd but valid formatting: spaces, escapes, a duplicate-free key order the sender chose.
    String body = "{ \"logPayload\" : {\"projectId\":\"p-raw\"},\n  \"eventType\":\"onSubmit\", "
        + "\"payload\": {\"asset_id\": \"a\\u00e9\", \"label\": {\"id\": \"l-raw\", \"x\": 1.50}} }";
    String id = acceptedId(send(body));
    try (EventConsumer consumer = gateway.consumer()) {
      String value = new String(consumer.awaitId(id, Duration.ofSeconds(20)).value(), StandardCharsets.UTF_8);
      assertThat(value).endsWith(",\"original\":" + body + "}");
      assertThat(json(value).path("itemId").asText()).isEqualTo("a\u00e9");
    }
  }

  @Test
  void contentAfterTheJsonValueIsMalformedAndNotPublished() throws Exception {
    HttpResponse<String> refused = send(fixture("kili-onsubmit-one-box.json") + " trailing");
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(json(refused.body()).path("reason").asText()).isEqualTo("malformed_json");
  }
}
