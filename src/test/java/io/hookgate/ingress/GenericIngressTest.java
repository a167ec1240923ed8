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
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Generic JSON senders, mapped by JSON pointers in config: a Standard Webhooks sender (the shipped
 * {@code generic} source's mapping) and a GitHub-style HMAC sender whose body carries its delivery id.
 */
@ExtendWith(KafkaBrokerExtension.class)
class GenericIngressTest {
  // The secret of the Standard Webhooks spec's test vector.
  private static final String WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String RELAY_SECRET = "relay-hmac-secret";
  private static GatewayHarness gateway;

  @BeforeAll
  static void start(KafkaBroker broker) throws Exception {
    gateway = GatewayHarness.start(broker, """
        sources:
          generic:
            kind: generic
            auth:
              type: standard-webhooks
              secrets: [ { env: GENERIC_WEBHOOK_SECRET } ]
            mapping:
              eventType: /type
              projectId: /data/projectId
              subject: /data/id
          relay:
            kind: generic
            auth:
              type: hmac
              header: X-Hub-Signature-256
              prefix: "sha256="
              encoding: hex
              secrets: [ { env: RELAY_SECRET } ]
            mapping:
              eventType: /event_type
              projectId: /project
              deliveryId: /delivery/id
              subject: /job/id
        """, Map.of("GENERIC_WEBHOOK_SECRET", WHSEC, "RELAY_SECRET", RELAY_SECRET));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  /** Standard Webhooks signing, written from the spec: HMAC-SHA256 of id.timestamp.body, base64, "v1,". */
  private static HttpResponse<String> sendSigned(String msgId, String body) throws Exception {
    String timestamp = Long.toString(System.currentTimeMillis() / 1000);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(Base64.getDecoder().decode(WHSEC.substring("whsec_".length())), "HmacSHA256"));
    String signature = Base64.getEncoder().encodeToString(
        mac.doFinal((msgId + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
    return post(gateway.webhookUrl("generic"), body,
        "webhook-id", msgId, "webhook-timestamp", timestamp, "webhook-signature", "v1," + signature);
  }

  /** GitHub-style: hex HMAC-SHA256 of the body after sha256=. */
  private static HttpResponse<String> sendRelay(String body, String... headers) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(RELAY_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String signature = "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    String[] all = new String[headers.length + 2];
    all[0] = "X-Hub-Signature-256";
    all[1] = signature;
    System.arraycopy(headers, 0, all, 2, headers.length);
    return post(gateway.webhookUrl("relay"), body, all);
  }

  @Test
  void standardWebhooksEventBecomesWebhookReceivedWithTheWebhookIdAsId() throws Exception {
    String body = fixture("generic-standard-webhooks.json");
    OffsetDateTime sentAt = OffsetDateTime.now(ZoneOffset.UTC);
    String id = acceptedId(sendSigned("msg_p5jXN8AQM9LWM0D4loKWxJek", body));
    assertThat(id).isEqualTo("msg_p5jXN8AQM9LWM0D4loKWxJek");

    Received received = awaitEvent(gateway, id);
    assertEnvelope(received, sentAt, id, "webhook.received", "generic", "exp_2KWPBgLlAfxdpx2AI54pPJ85f4W", "generic",
        "export.completed", "proj_42");
    assertData(received, body, """
        {"platform": "generic", "source": "generic", "platformEventType": "export.completed",
         "projectId": "proj_42", "workspace": null, "batchId": null, "workflowId": null,
         "itemId": "exp_2KWPBgLlAfxdpx2AI54pPJ85f4W", "itemName": null, "taskId": null, "taskType": null,
         "labelId": null, "labelType": null, "stage": null, "author": null, "tags": [], "annotations": [],
         "annotationCounts": {}, "issue": null}
        """);
  }

  @Test
  void theDeliveryIdPointerGivesTheIdWhenNoHeaderDoes() throws Exception {
    String body = fixture("generic-with-delivery-id.json");
    OffsetDateTime sentAt = OffsetDateTime.now(ZoneOffset.UTC);
    String id = acceptedId(sendRelay(body));
    assertThat(id).isEqualTo("dlv_01JD7Q3K5M8N2P4R6T8V0X2Z4B");

    Received received = awaitEvent(gateway, id);
    assertEnvelope(received, sentAt, id, "webhook.received", "relay", "job_991", "generic", "ocr.job.finished",
        "acme-ocr");
    assertData(received, body, """
        {"platform": "generic", "source": "relay", "platformEventType": "ocr.job.finished",
         "projectId": "acme-ocr", "workspace": null, "batchId": null, "workflowId": null,
         "itemId": "job_991", "itemName": null, "taskId": null, "taskType": null,
         "labelId": null, "labelType": null, "stage": null, "author": null, "tags": [], "annotations": [],
         "annotationCounts": {}, "issue": null}
        """);
  }

  @Test
  void anXGitHubDeliveryHeaderWinsOverTheBodysDeliveryId() throws Exception {
    String body = fixture("generic-with-delivery-id.json").replace("job_991", "job_992");
    String id = acceptedId(sendRelay(body, "X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"));
    assertThat(id).isEqualTo("72d3162e-cc78-11e3-81ab-4c9367dc0958");
    assertThat(awaitEvent(gateway, id).event().getSubject()).isEqualTo("job_992");
  }

  @Test
  void aBodyWithoutTheEventTypeIsRefusedNamingThePointedField() throws Exception {
    HttpResponse<String> refused = sendSigned("msg_no_type", """
        {"timestamp": "2026-11-23T07:00:00Z", "data": {"id": "exp_1", "projectId": "proj_42"}}""");
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(json(refused.body()).path("field").asText()).isEqualTo("type");
  }
}
