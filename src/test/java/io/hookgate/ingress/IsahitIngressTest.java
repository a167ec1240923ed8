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
import io.hookgate.testing.GatewayHarness;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Isahit Lab's batch webhook ({@code {workflowId, type, taskId, batchId, projectId}}) end to end. */
@ExtendWith(KafkaBrokerExtension.class)
class IsahitIngressTest {
  private static final String PROJECT = "proj_6761a2a0e4b0f3a1d2c3b499";
  private static final String TASK = "task_6761a3f0e4b0f3a1d2c3b4c7";
  private static GatewayHarness gateway;

  @BeforeAll
  static void start(KafkaBroker broker) throws Exception {
    gateway = GatewayHarness.start(broker, """
        sources:
          isahit:
            kind: isahit
            auth:
              type: header
              header: Authorization
              secrets: [ { env: ISAHIT_WEBHOOK_SECRET } ]
        """, Map.of("ISAHIT_WEBHOOK_SECRET", "isahit-token"));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static HttpResponse<String> send(String body, String... headers) throws Exception {
    String[] all = new String[headers.length + 2];
    all[0] = "Authorization";
    all[1] = "isahit-token";
    System.arraycopy(headers, 0, all, 2, headers.length);
    return post(gateway.webhookUrl("isahit"), body, all);
  }

  private static String expected(String type) {
    return """
        {"platform": "isahit", "source": "isahit", "platformEventType": "%1$s",
         "projectId": "proj_6761a2a0e4b0f3a1d2c3b499", "workspace": null,
         "batchId": "batch_6761a2f1e4b0f3a1d2c3b4b0", "workflowId": "wf_6761a2c9e4b0f3a1d2c3b4a5",
         "itemId": null, "itemName": null, "taskId": "task_6761a3f0e4b0f3a1d2c3b4c7", "taskType": "%1$s",
         "labelId": null, "labelType": null, "stage": null, "author": null, "tags": [], "annotations": [],
         "annotationCounts": {}, "issue": null}
        """.formatted(type);
  }

  @Test
  void annotationTaskBecomesATaskCompletedEvent() throws Exception {
    String body = fixture("isahit-annotation.json");
    OffsetDateTime sentAt = OffsetDateTime.now(ZoneOffset.UTC);
    String id = acceptedId(send(body));

    Received received = awaitEvent(gateway, id);
    assertEnvelope(received, sentAt, id, "labeling.task.completed", "isahit", TASK, "isahit", "annotation", PROJECT);
    assertData(received, body, expected("annotation"));
  }

  @Test
  void reviewTaskBecomesATaskCompletedEventOfTypeReview() throws Exception {
    String body = fixture("isahit-review.json");
    OffsetDateTime sentAt = OffsetDateTime.now(ZoneOffset.UTC);
    String id = acceptedId(send(body));

    Received received = awaitEvent(gateway, id);
    assertEnvelope(received, sentAt, id, "labeling.task.completed", "isahit", TASK, "isahit", "review", PROJECT);
    assertData(received, body, expected("review"));
  }

  @Test
  void aResentWebhookKeepsItsIdAndAnotherBodyGetsAnother() throws Exception {
    String body = fixture("isahit-annotation.json");
    String first = acceptedId(send(body));
    String again = acceptedId(send(body));
    String review = acceptedId(send(fixture("isahit-review.json")));
    assertThat(again).isEqualTo(first).isEqualTo(EventIds.fromBody("isahit", body.getBytes(StandardCharsets.UTF_8)));
    assertThat(review).isNotEqualTo(first);
  }

  @Test
  void aWebhookIdHeaderIsTheEventIdWhateverTheSourceKind() throws Exception {
    String body = fixture("isahit-review.json");
    String id = acceptedId(send(body, "webhook-id", "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"));
    assertThat(id).isEqualTo("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W");
    assertThat(awaitEvent(gateway, id).event().getId()).isEqualTo("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W");
  }

  @Test
  void aTypeOtherThanAnnotationOrReviewIsRefusedNamingTheField() throws Exception {
    HttpResponse<String> refused = send(fixture("isahit-review.json").replace("\"review\"", "\"validation\""));
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(json(refused.body()).path("field").asText()).isEqualTo("type");
    assertThat(json(refused.body()).path("detail").asText()).contains("validation");
  }
}
