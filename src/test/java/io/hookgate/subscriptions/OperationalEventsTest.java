package io.hookgate.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.config.SecretBox;
import io.hookgate.config.TargetConfig;
import io.hookgate.testing.GatewayHarness;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import io.hookgate.testing.RecordingHttpServer;
import io.hookgate.testing.RecordingHttpServer.Recorded;
import io.hookgate.testing.RecordingHttpServer.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * hookgate's own events reach the subscriptions that ask for them: a delivery given up, a subscription created,
 * paused, and disabled by hookgate after failing without a success for the configured time (shortened here);
 * a resume enables it again.
 */
@ExtendWith(KafkaBrokerExtension.class)
class OperationalEventsTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static RecordingHttpServer receiver;
  private static GatewayHarness gateway;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start(KafkaBroker broker) throws Exception {
    receiver = RecordingHttpServer.start();
    gateway = GatewayHarness.start(broker, """
        sources:
          isahit: { kind: isahit, auth: { type: none } }
        subscriptions:
          allowedHosts: [ 127.0.0.1 ]
          disableAfter: 2s
        encryption:
          keys: [ env:HOOKGATE_ENCRYPTION_KEY ]
        """, Map.of("HOOKGATE_ENCRYPTION_KEY", SecretBox.newKey()));
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  private static SubscriptionService service() {
    return gateway.gateway().subscriptions().service();
  }

  @Test
  void aTeamHearsOfItsSubscriptionFailingAndHookgateDisablesItUntilResumed() throws Exception {
    receiver.respond("/down", r -> Reply.of(503, "down"));
    // The team's channel: hookgate's own events about subscriptions and deliveries.
    service().create(new Subscription("ops", receiver.baseUrl() + "/ops", null, new SubscriptionFilter(
        List.of("hookgate"), null, null, List.of("hookgate.*"), null), null, Map.of(), true, null, null, null, null,
        null, 0)).await(30, TimeUnit.SECONDS);
    // Another subscription with no filter at all: it gets the platforms' events, not hookgate's own.
    service().create(new Subscription("everything", receiver.baseUrl() + "/everything", null, null, null, Map.of(),
        true, null, null, null, null, null, 0)).await(30, TimeUnit.SECONDS);
    service().create(new Subscription("fragile", receiver.baseUrl() + "/down", null, new SubscriptionFilter(
        List.of("isahit"), null, null, null, null), null, Map.of(), true,
        new Subscription.Settings(
            Duration.ofSeconds(5), 0, 1, new TargetConfig.Retry(1, null, null, null, null)),
        null, null, null, null, 0))
        .await(30, TimeUnit.SECONDS);
    HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(gateway.webhookUrl("isahit")))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("""
            {"workflowId": "wf", "type": "annotation", "taskId": "t1", "batchId": "b1", "projectId": "p1"}"""))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(posted.statusCode()).isEqualTo(202);

    // Given up at once (one attempt), then disabled after 2 s without a success.
    await().atMost(Duration.ofSeconds(60)).until(() -> types().contains("hookgate.subscription.disabled"));
    assertThat(types()).contains("hookgate.subscription.created", "hookgate.attempt.exhausted");
    JsonNode exhausted = event("hookgate.attempt.exhausted");
    assertThat(exhausted.path("subject").asText()).isEqualTo("fragile");
    assertThat(exhausted.path("data").path("statusCode").asInt()).isEqualTo(503);
    Subscription disabled = service().store().get("fragile").orElseThrow();
    assertThat(disabled.status()).isEqualTo("disabled");
    assertThat(disabled.disabled().reason()).contains("without a success");

    assertThat(service().resume("fragile", null).await(30, TimeUnit.SECONDS).subscription().status())
        .isEqualTo("active");
    await().atMost(Duration.ofSeconds(30)).until(() -> types().contains("hookgate.subscription.resumed"));
    List<String> everything = receiver.requests("/everything").stream()
        .map(r -> read(r).path("type").asText()).toList();
    assertThat(everything).isNotEmpty().noneMatch(t -> t.startsWith("hookgate."));
  }

  private static JsonNode read(Recorded r) {
    try {
      return MAPPER.readTree(r.body());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> types() {
    return receiver.requests("/ops").stream().map(r -> read(r).path("type").asText()).toList();
  }

  private static JsonNode event(String type) {
    return receiver.requests("/ops").stream().map(OperationalEventsTest::read)
        .filter(e -> e.path("type").asText().equals(type)).findFirst().orElseThrow();
  }
}
