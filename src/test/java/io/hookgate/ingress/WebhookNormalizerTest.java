package io.hookgate.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.config.Secret;
import io.hookgate.event.CloudEventFactory;
import io.hookgate.event.EventIds;
import io.hookgate.ingress.auth.HmacSignatureAuthenticator;
import io.hookgate.ingress.auth.NoAuthenticator;
import io.hookgate.ingress.source.KiliSource;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/** From body to record or refusal, alone: no server, no broker. Over HTTP: the *IngressTest classes. */
class WebhookNormalizerTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ObjectMapper BODIES = WebhookNormalizer.bodyMapper(MAPPER);
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T10:00:00.123Z"), ZoneOffset.UTC);
  private static final ConfiguredSource KILI = new ConfiguredSource("kili", "kili", new NoAuthenticator(),
      new KiliSource(BODIES), 1 << 20);
  private static final ConfiguredSource SIGNED = new ConfiguredSource("signed", "kili",
      new HmacSignatureAuthenticator("X-Hub-Signature-256", "sha256=", "hex", List.of(new Secret("k", "test"))),
      new KiliSource(BODIES), 1 << 20);
  private final WebhookNormalizer normalizer = new WebhookNormalizer(BODIES, new CloudEventFactory(MAPPER, CLOCK),
      "hookgate.events", CLOCK);

  @Test
  void aKiliWebhookBecomesItsRecordWithTheBodyAsOriginal() throws IOException {
    byte[] body = fixture("kili-onsubmit-one-box.json");
    IngressEvent event = (IngressEvent) normalizer.normalize(KILI, headers(), Buffer.buffer(body));
    assertThat(event.id()).isEqualTo(EventIds.fromBody("kili", body));
    assertThat(event.type()).isEqualTo("labeling.label.submitted");
    assertThat(event.bodyBytes()).isEqualTo(body.length);
    assertThat(event.record().topic()).isEqualTo("hookgate.events");
    assertThat(event.record().key()).isEqualTo(MAPPER.readTree(body).path("logPayload").path("projectId").asText());
    assertThat(header(event, "ce_id")).isEqualTo(event.id());
    assertThat(header(event, "ce_time")).isEqualTo("2026-11-23T10:00:00.123Z");
    String value = new String(event.record().value(), StandardCharsets.UTF_8);
    assertThat(value).endsWith(",\"original\":" + new String(body, StandardCharsets.UTF_8) + "}");
    JsonNode data = MAPPER.readTree(event.record().value());
    assertThat(data.path("platform").asText()).isEqualTo("kili");
    assertThat(data.path("annotations")).hasSize(1);
  }

  @Test
  void theSendersDeliveryIdAndTraceContextAreKept() throws IOException {
    String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    IngressEvent event = (IngressEvent) normalizer.normalize(KILI,
        headers("webhook-id", "msg_1", "traceparent", traceparent), Buffer.buffer(fixture("kili-onreview.json")));
    assertThat(event.id()).isEqualTo("msg_1");
    assertThat(header(event, "ce_traceparent")).isEqualTo(traceparent);
    assertThat(header(event, "traceparent")).isEqualTo(traceparent);
  }

  @Test
  void aSignatureIsCheckedOverTheBodyAsReceived() throws Exception {
    byte[] body = fixture("kili-onreview.json");
    assertThat(normalizer.normalize(SIGNED, headers("X-Hub-Signature-256", "sha256=" + hmac("k", body)),
        Buffer.buffer(body))).isInstanceOf(IngressEvent.class);
    Refusal wrong = (Refusal) normalizer.normalize(SIGNED,
        headers("X-Hub-Signature-256", "sha256=" + hmac("other", body)), Buffer.buffer(body));
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.reason()).isEqualTo("auth_invalid");
  }

  @Test
  void bodiesThatAreNotAKiliWebhookAreRefusedSayingWhy() {
    assertRefused("", 400, "malformed_json", "the body is empty; a JSON object was expected");
    assertRefused("{\"eventType\": ", 400, "malformed_json", "the body is not valid JSON at line 1, column 15");
    assertRefused("{} []", 400, "malformed_json", "the body is not valid JSON");
    assertRefused("[".repeat(WebhookNormalizer.MAX_BODY_DEPTH + 1), 400, "invalid_payload", "nested more than 512");
    Refusal noProject = assertRefused("{\"eventType\": \"onSubmit\"}", 400, "invalid_payload",
        "'logPayload.projectId'");
    assertThat(noProject.problem().detail()).endsWith("(a kili webhook)");
    assertThat(noProject.problem().field()).isEqualTo("logPayload.projectId");
    assertRefused("{\"eventType\": \"on\\u0007Submit\", \"logPayload\": {\"projectId\": \"p\"}}", 400,
        "invalid_payload", "the platform's event name in the payload (the platformevent extension) contains");
  }

  private Refusal assertRefused(String body, int status, String reason, String detail) {
    Refusal r = (Refusal) normalizer.normalize(KILI, headers(), Buffer.buffer(body));
    assertThat(r.status()).as(body).isEqualTo(status);
    assertThat(r.reason()).as(body).isEqualTo(reason);
    assertThat(r.problem().detail()).as(body).contains(detail);
    return r;
  }

  private static String header(IngressEvent event, String name) {
    Header h = event.record().headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static String hmac(String key, byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    StringBuilder hex = new StringBuilder();
    for (byte b : mac.doFinal(body)) {
      hex.append(String.format("%02x", b));
    }
    return hex.toString();
  }

  private static byte[] fixture(String name) throws IOException {
    try (InputStream in = WebhookNormalizerTest.class.getResourceAsStream("/fixtures/" + name)) {
      return in.readAllBytes();
    }
  }

  private static MultiMap headers(String... nameValues) {
    MultiMap m = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < nameValues.length; i += 2) {
      m.add(nameValues[i], nameValues[i + 1]);
    }
    return m;
  }
}
