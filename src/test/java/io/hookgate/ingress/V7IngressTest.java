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

/** V7 Darwin's workflow Webhook stage (a Darwin JSON 2.0 item with its annotations) end to end. */
@ExtendWith(KafkaBrokerExtension.class)
class V7IngressTest {
  private static final String ITEM = "0192a6d1-3c5e-7b1a-9f40-1e2d3c4b5a69";
  private static GatewayHarness gateway;

  @BeforeAll
  static void start(KafkaBroker broker) throws Exception {
    gateway = GatewayHarness.start(broker, """
        sources:
          v7:
            kind: v7
            auth:
              type: header
              header: Authorization
              secrets: [ { env: V7_WEBHOOK_SECRET } ]
        """, Map.of("V7_WEBHOOK_SECRET", "ApiKey v7-stage-secret"));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static HttpResponse<String> send(String body) throws Exception {
    return post(gateway.webhookUrl("v7"), body, "Authorization", "ApiKey v7-stage-secret");
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
}
