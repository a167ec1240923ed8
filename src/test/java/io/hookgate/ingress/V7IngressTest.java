package io.hookgate.ingress;

import static io.hookgate.ingress.PlatformWebhooks.acceptedId;
import static io.hookgate.ingress.PlatformWebhooks.assertData;
import static io.hookgate.ingress.PlatformWebhooks.assertEnvelope;
import static io.hookgate.ingress.PlatformWebhooks.awaitEvent;
import static io.hookgate.ingress.PlatformWebhooks.fixture;
import static io.hookgate.ingress.PlatformWebhooks.json;
import static io.hookgate.ingress.PlatformWebhooks.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.stripe.net.Webhook;
import io.hookgate.ingress.PlatformWebhooks.Received;
import io.hookgate.testing.GatewayHarness;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import java.net.http.HttpResponse;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * V7 Darwin end to end: the workflow Webhook stage (a Darwin JSON 2.0 item with its annotations) with its
 * static Authorization header, and a dataset's {@code workflow_complete} webhook signed with the team's
 * signing key ({@code v7-signature}, made here by Stripe's library: the same scheme).
 */
@ExtendWith(KafkaBrokerExtension.class)
class V7IngressTest {
  private static final String ITEM = "0192a6d1-3c5e-7b1a-9f40-1e2d3c4b5a69";
  private static final String SIGNING_KEY = "v7-team-webhook-signing-key";
  private static GatewayHarness gateway;

  @BeforeAll
  static void start(KafkaBroker broker) throws Exception {
    gateway = GatewayHarness.start(broker, """
        sources:
          v7:
            kind: v7
            auth:
              type: any
              alternatives:
                - { type: header, header: Authorization, secrets: [ { env: V7_WEBHOOK_SECRET } ] }
                - { type: timestamped-hmac, preset: v7, secrets: [ { env: V7_WEBHOOK_SIGNING_KEY } ] }
        """, Map.of("V7_WEBHOOK_SECRET", "ApiKey v7-stage-secret", "V7_WEBHOOK_SIGNING_KEY", SIGNING_KEY));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static HttpResponse<String> send(String body) throws Exception {
    return post(gateway.webhookUrl("v7"), body, "Authorization", "ApiKey v7-stage-secret");
  }

  /** Signed as V7 documents it, upper-case hex as in its example header. */
  private static HttpResponse<String> sendSigned(String body) throws Exception {
    long t = System.currentTimeMillis() / 1000;
    String v1 = Webhook.Util.computeHmacSha256(SIGNING_KEY, t + "." + body).toUpperCase(Locale.ROOT);
    return post(gateway.webhookUrl("v7"), body, "v7-signature", "t=" + t + ",v1=" + v1);
  }

  @Test
  void itemReachingTheWebhookStageBecomesOneCanonicalEvent() throws Exception {
    String body = fixture("v7-item-stage.json");
    OffsetDateTime sentAt = OffsetDateTime.now(ZoneOffset.UTC);
    String id = acceptedId(send(body));

    Received received = awaitEvent(gateway, id);
    // The project is the dataset, whose id V7 gives only inside dataset_management_url.
    assertEnvelope(received, sentAt, id, "labeling.item.stage_reached", "v7", ITEM, "v7", "webhook_stage", "722931");
    // Pixel boxes divided by the slot's 1920x1080; the polygon's box is its bounding_box; tags are listed.
    assertData(received, body, """
        {"platform": "v7", "source": "v7", "platformEventType": "webhook_stage",
         "projectId": "722931", "workspace": "acme-vision", "batchId": null, "workflowId": null,
         "itemId": "0192a6d1-3c5e-7b1a-9f40-1e2d3c4b5a69", "itemName": "street_0042.jpg",
         "taskId": null, "taskType": null, "labelId": null, "labelType": null, "stage": null,
         "author": {"id": null, "email": "kevin.chang@example.com", "name": "Kevin Chang"},
         "tags": ["urgent", "difficult"],
         "annotations": [
           {"id": "778192d5-86af-4b0e-9c52-2f0d8e6c1a01", "job": null, "category": "vehicle", "kind": "bounding_box",
            "boundingBox": {"x": 0.25, "y": 0.25, "width": 0.5, "height": 0.5}, "areaRatio": 0.25},
           {"id": "4f1c7b0e-2d3a-4e59-8b6f-0a9c1d2e3f02", "job": null, "category": "pedestrian", "kind": "bounding_box",
            "boundingBox": {"x": 0.05, "y": 0.1, "width": 0.1, "height": 0.2}, "areaRatio": 0.02},
           {"id": "a3e9d2c1-7b6f-4d5e-9c8b-1f2e3d4c5b03", "job": null, "category": "road", "kind": "polygon",
            "boundingBox": {"x": 0, "y": 0.5, "width": 1, "height": 0.5}, "areaRatio": 0.5},
           {"id": "01956301-606f-4785-a166-f63ce2721960", "job": null, "category": "urgent", "kind": "tag",
            "boundingBox": null, "areaRatio": null},
           {"id": "01956301-606f-4785-a166-f63ce2721961", "job": null, "category": "difficult", "kind": "tag",
            "boundingBox": null, "areaRatio": null}
         ],
         "annotationCounts": {"pedestrian": 1, "road": 1, "vehicle": 1},
         "issue": null}
        """);
  }

  @Test
  void anItemWithoutIdIsRefusedNamingTheField() throws Exception {
    String body = fixture("v7-item-stage.json").replace("\"item_id\"", "\"itemid\"");
    HttpResponse<String> refused = send(body);
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(json(refused.body()).path("field").asText()).isEqualTo("item.source_info.item_id");
  }

  @Test
  void workflowCompleteFromV7sReferenceBecomesAnItemCompletedEvent() throws Exception {
    String body = fixture("v7-workflow-complete.json");
    OffsetDateTime sentAt = OffsetDateTime.now(ZoneOffset.UTC);
    String id = acceptedId(sendSigned(body));

    Received received = awaitEvent(gateway, id);
    // No item id in this payload: the subject is the file name, the key the dataset id.
    assertEnvelope(received, sentAt, id, "labeling.item.completed", "v7", "letter.png", "v7", "workflow_complete", "1");
    // No image size either: the box in pixels stays in original, boundingBox and areaRatio are null.
    assertData(received, body, """
        {"platform": "v7", "source": "v7", "platformEventType": "workflow_complete",
         "projectId": "1", "workspace": null, "batchId": null, "workflowId": null,
         "itemId": null, "itemName": "letter.png",
         "taskId": null, "taskType": null, "labelId": null, "labelType": null, "stage": null,
         "author": null, "tags": [],
         "annotations": [
           {"id": null, "job": null, "category": "FROM", "kind": "bounding_box", "boundingBox": null, "areaRatio": null}
         ],
         "annotationCounts": {"FROM": 1},
         "issue": null}
        """);
  }

  @Test
  void aRicherWorkflowCompleteKeepsEveryAnnotationsClassAndKind() throws Exception {
    String body = fixture("v7-workflow-complete-invoice.json");
    OffsetDateTime sentAt = OffsetDateTime.now(ZoneOffset.UTC);
    String id = acceptedId(sendSigned(body));

    Received received = awaitEvent(gateway, id);
    assertEnvelope(received, sentAt, id, "labeling.item.completed", "v7", "invoice_2024_0042.png", "v7",
        "workflow_complete", "722931");
    assertData(received, body, """
        {"platform": "v7", "source": "v7", "platformEventType": "workflow_complete",
         "projectId": "722931", "workspace": null, "batchId": null, "workflowId": null,
         "itemId": null, "itemName": "invoice_2024_0042.png",
         "taskId": null, "taskType": null, "labelId": null, "labelType": null, "stage": null,
         "author": null, "tags": ["paid"],
         "annotations": [
           {"id": null, "job": null, "category": "FROM", "kind": "bounding_box",
            "boundingBox": null, "areaRatio": null},
           {"id": null, "job": null, "category": "TO", "kind": "bounding_box", "boundingBox": null, "areaRatio": null},
           {"id": null, "job": null, "category": "stamp", "kind": "polygon", "boundingBox": null, "areaRatio": null},
           {"id": null, "job": null, "category": "signature", "kind": "point", "boundingBox": null, "areaRatio": null},
           {"id": null, "job": null, "category": "total", "kind": "transcription",
            "boundingBox": null, "areaRatio": null},
           {"id": null, "job": null, "category": "underline", "kind": "line", "boundingBox": null, "areaRatio": null},
           {"id": null, "job": null, "category": "paid", "kind": "tag", "boundingBox": null, "areaRatio": null},
           {"id": null, "job": null, "category": "FROM", "kind": "bounding_box",
            "boundingBox": null, "areaRatio": null}
         ],
         "annotationCounts": {"FROM": 2, "TO": 1, "signature": 1, "stamp": 1, "total": 1, "underline": 1},
         "issue": null}
        """);
  }

  @Test
  void theStageIsAlsoAcceptedSignedAndWorkflowCompleteWithTheStaticHeader() throws Exception {
    // The two credentials are alternatives of the source, not tied to one payload.
    acceptedId(sendSigned(fixture("v7-item-stage.json").replace("street_0042.jpg", "street_0043.jpg")));
    acceptedId(send(fixture("v7-workflow-complete.json").replace("letter.png", "letter-2.png")));
  }

  @Test
  void aWorkflowCompleteWithoutDatasetIsRefusedNamingTheField() throws Exception {
    String body = fixture("v7-workflow-complete.json").replace("\"dataset_id\"", "\"dataset\"");
    HttpResponse<String> refused = sendSigned(body);
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(json(refused.body()).path("field").asText()).isEqualTo("payload.dataset_id");
  }
}
