package io.hookgate.ingress;

import static io.hookgate.ingress.PlatformWebhooks.acceptedId;
import static io.hookgate.ingress.PlatformWebhooks.assertData;
import static io.hookgate.ingress.PlatformWebhooks.assertEnvelope;
import static io.hookgate.ingress.PlatformWebhooks.awaitEvent;
import static io.hookgate.ingress.PlatformWebhooks.fixture;
import static io.hookgate.ingress.PlatformWebhooks.json;
import static io.hookgate.ingress.PlatformWebhooks.post;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.ingress.PlatformWebhooks.Received;
import io.hookgate.testing.GatewayHarness;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import java.net.http.HttpResponse;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Aquarium's webhooks ({@code {event, project, [entity]}}), issue-exported and others, end to end. */
@ExtendWith(KafkaBrokerExtension.class)
class AquariumIngressTest {
  private static GatewayHarness gateway;

  @BeforeAll
  static void start(KafkaBroker broker) throws Exception {
    gateway = GatewayHarness.start(broker, """
        sources:
          aquarium:
            kind: aquarium
            auth:
              type: header
              header: X-Aquarium-Secret
              secrets: [ { env: AQUARIUM_WEBHOOK_SECRET } ]
        """, Map.of("AQUARIUM_WEBHOOK_SECRET", "aq-org-secret"));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static HttpResponse<String> send(String body) throws Exception {
    // Header names are case-insensitive: Aquarium's sample reads x-aquarium-secret.
    return post(gateway.webhookUrl("aquarium"), body, "x-aquarium-secret", "aq-org-secret");
  }

  @Test
  void exportedIssueBecomesOneCanonicalEventWithItsFramesAndCrops() throws Exception {
    String body = fixture("aquarium-issue-exported.json");
    OffsetDateTime sentAt = OffsetDateTime.now(ZoneOffset.UTC);
    String id = acceptedId(send(body));

    Received received = awaitEvent(gateway, id);
    assertEnvelope(received, sentAt, id, "labeling.issue.exported", "aquarium", "issue_7c1f2a", "aquarium",
        "issue-exported", "street-scenes");
    // A frame asks to redo all its labels, a crop only its own (crop_data.uuid), as Aquarium's sample handler does.
    assertData(received, body, """
        {"platform": "aquarium", "source": "aquarium", "platformEventType": "issue-exported",
         "projectId": "street-scenes", "workspace": null, "batchId": "street_2024_05", "workflowId": null,
         "itemId": null, "itemName": null, "taskId": null, "taskType": null, "labelId": null, "labelType": null,
         "stage": null, "author": null, "tags": [],
         "annotations": [
           {"id": "lbl_9a1b2c3d", "job": null, "category": "pedestrian", "kind": "bounding_box", "boundingBox": null, "areaRatio": null},
           {"id": "lbl_4e5f6a7b", "job": null, "category": "car", "kind": "bounding_box", "boundingBox": null, "areaRatio": null},
           {"id": "lbl_c8d9e0f1", "job": null, "category": "pedestrian", "kind": "bounding_box", "boundingBox": null, "areaRatio": null}
         ],
         "annotationCounts": {"car": 1, "pedestrian": 2},
         "issue": {
           "id": "issue_7c1f2a", "name": "missed pedestrians at night", "dataset": "street_2024_05",
           "elements": [
             {"elementId": "frame_000481", "elementType": "frame", "frameId": "frame_000481",
              "dataset": "street_2024_05", "inferenceSet": "detector_v3",
              "labelIds": ["lbl_9a1b2c3d", "lbl_4e5f6a7b"],
              "imageUrl": "https://storage.example.com/street_2024_05/frame_000481.jpg"},
             {"elementId": "crop_lbl_c8d9e0f1", "elementType": "crop", "frameId": "frame_000517",
              "dataset": "street_2024_05", "inferenceSet": "detector_v3",
              "labelIds": ["lbl_c8d9e0f1"],
              "imageUrl": "https://storage.example.com/street_2024_05/frame_000517.jpg"}
           ]}}
        """);
  }

  @Test
  void otherEventsAreKeptAsWebhookReceived() throws Exception {
    String body = fixture("aquarium-dataset-complete.json");
    OffsetDateTime sentAt = OffsetDateTime.now(ZoneOffset.UTC);
    String id = acceptedId(send(body));

    Received received = awaitEvent(gateway, id);
    assertEnvelope(received, sentAt, id, "webhook.received", "aquarium", "street_2024_06", "aquarium",
        "dataset-complete", "street-scenes");
    assertData(received, body, """
        {"platform": "aquarium", "source": "aquarium", "platformEventType": "dataset-complete",
         "projectId": "street-scenes", "workspace": null, "batchId": "street_2024_06", "workflowId": null,
         "itemId": null, "itemName": null, "taskId": null, "taskType": null, "labelId": null, "labelType": null,
         "stage": null, "author": null, "tags": [], "annotations": [], "annotationCounts": {}, "issue": null}
        """);
  }

  @Test
  void anExportWithoutElementsIsRefusedNamingTheField() throws Exception {
    String body = """
        {"event": "issue-exported", "project": "street-scenes", "issue": {"id": "issue_7c1f2a"}}""";
    HttpResponse<String> refused = send(body);
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(json(refused.body()).path("field").asText()).isEqualTo("issue.elements");
  }
}
