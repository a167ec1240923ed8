package io.hookgate.actions;

import static io.hookgate.actions.ActionsGateway.action;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import io.hookgate.testing.RecordingHttpServer;
import io.hookgate.testing.RecordingHttpServer.Recorded;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A forward action reaches a subscriber as a structured-mode CloudEvent signed with Standard Webhooks
 * headers, and the official Standard Webhooks Java library (not our code) verifies it.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ForwardSignatureTest {
  private static String secret;
  private static RecordingHttpServer subscriber;
  private static ActionsGateway gateway;

  @BeforeAll
  static void start(KafkaBroker broker) throws Exception {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    secret = "whsec_" + Base64.getEncoder().encodeToString(key);
    subscriber = RecordingHttpServer.start();
    gateway = ActionsGateway.start(broker, ActionsGateway.Topics.fresh(), """
        targets:
          subscriber:
            baseUrl: %s/events
            signingSecret: env:SUBSCRIBER_SIGNING_SECRET
            allowedHosts: [ 127.0.0.1 ]
          unsigned:
            baseUrl: %s/events
            allowedHosts: [ 127.0.0.1 ]
        """.formatted(subscriber.baseUrl(), subscriber.baseUrl()), Map.of("SUBSCRIBER_SIGNING_SECRET", secret));
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (subscriber != null) {
      subscriber.close();
    }
  }

  @Test
  void forwardedEventVerifiesWithTheStandardWebhooksLibrary() throws Exception {
    CloudEvent event = CloudEventBuilder.v1()
        .withId("evt-42")
        .withSource(URI.create("/sources/kili"))
        .withType("labeling.label.submitted")
        .withSubject("asset-7")
        .withTime(OffsetDateTime.of(2025, 1, 31, 10, 0, 0, 0, ZoneOffset.UTC))
        .withData("application/json", "{\"projectId\":\"p1\",\"labelId\":\"l9\",\"note\":\"é ✓\"}"
            .getBytes(StandardCharsets.UTF_8))
        .build();
    JsonNode structured = ActionsGateway.MAPPER.readTree(new JsonFormat().serialize(event));
    gateway.send(action("evt-42:forward-all:0", "subscriber", "forward", "", structured));

    Recorded received = subscriber.await("/events", 1, Duration.ofSeconds(20)).get(0);
    assertThat(received.header("Content-Type")).startsWith("application/cloudevents+json");
    assertThat(received.header("webhook-id")).isEqualTo("evt-42:forward-all:0");
    assertThat(received.header("Idempotency-Key")).isEqualTo("evt-42:forward-all:0");
    assertThat(Long.parseLong(received.header("webhook-timestamp")))
        .isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(60L));
    assertThat(received.header("webhook-signature")).startsWith("v1,");

    Webhook verifier = new Webhook(secret);
    verifier.verify(received.body(), received.headers());
    assertThatThrownBy(() -> verifier.verify(received.body().replace("l9", "l8"), received.headers()))
        .isInstanceOf(WebhookVerificationException.class);
    assertThatThrownBy(() -> new Webhook("whsec_" + Base64.getEncoder().encodeToString(new byte[32]))
        .verify(received.body(), received.headers())).isInstanceOf(WebhookVerificationException.class);

    CloudEvent delivered = new JsonFormat().deserialize(received.body().getBytes(StandardCharsets.UTF_8));
    assertThat(delivered.getId()).isEqualTo("evt-42");
    assertThat(delivered.getType()).isEqualTo("labeling.label.submitted");
    assertThat(delivered.getSubject()).isEqualTo("asset-7");
    assertThat(ActionsGateway.MAPPER.readTree(delivered.getData().toBytes()).path("note").asText()).isEqualTo("é ✓");
  }

  @Test
  void forwardToATargetWithoutSigningSecretIsRefused() throws Exception {
    JsonNode structured = ActionsGateway
        .json("{\"specversion\":\"1.0\",\"id\":\"e1\",\"source\":\"/s\",\"type\":\"t\"}");
    gateway.send(action("e1:forward:0", "unsigned", "forward", "", structured));
    ActionRecord dead = ActionsGateway.decode(gateway.awaitDeadLetter("e1:forward:0"));
    assertThat(dead.lastError()).contains("has no signingSecret");
  }
}
