package io.hookgate.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.standardwebhooks.Webhook;
import io.hookgate.config.SecretBox;
import io.hookgate.config.TargetConfig;
import io.hookgate.subscriptions.StateRecord.Result;
import io.hookgate.subscriptions.SubscriptionStore.Outcome;
import io.hookgate.testing.GatewayHarness;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import io.hookgate.testing.RecordingHttpServer;
import io.hookgate.testing.RecordingHttpServer.Recorded;
import io.hookgate.testing.RecordingHttpServer.Reply;
import io.vertx.core.Future;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Subscriptions end to end: seed payloads posted to the ingress reach local receivers through the
 * subscriptions that match them, signed, as the platform sent them or as CloudEvents; projects activated and
 * deactivated as Kili does; pause, post, resume delivers in order, once; a test delivery and a resend.
 */
@ExtendWith(KafkaBrokerExtension.class)
class SubscriptionDeliveryTest {
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
          kili: { kind: kili, auth: { type: none } }
        subscriptions:
          allowedHosts: [ 127.0.0.1 ]
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

  private static <T> T done(Future<T> f) throws Exception {
    return f.await(30, TimeUnit.SECONDS);
  }

  private static Subscription subscription(String id, String path, SubscriptionFilter filter, DeliveryFormat format,
      Map<String, String> headers, int concurrency) {
    return new Subscription(id, receiver.baseUrl() + path, "test", filter, format, headers, true,
        new Subscription.Settings(Duration.ofSeconds(5), 0, concurrency, TargetConfig.Retry.DEFAULT), null, null, null,
        null, 0);
  }

  private String post(String source, String body) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(gateway.webhookUrl(source)))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    return MAPPER.readTree(r.body()).path("id").asText();
  }

  private static String isahit(String project, String batch, String task) {
    return """
        {"workflowId": "wf_1", "type": "annotation", "taskId": "%s", "batchId": "%s", "projectId": "%s"}"""
        .formatted(task, batch, project);
  }

  @Test
  void isahitsWebhookForABatchReachesItsHandlerAsSentWithItsHeaderAndSigned() throws Exception {
    String seed = Files.readString(Path.of("src/test/resources/fixtures/isahit-annotation.json"));
    JsonNode fields = MAPPER.readTree(seed);
    // Isahit Lab's setup_webhook(project_id, batch_id, webhook_url, webhook_header), as a subscription.
    Outcome created = done(service().create(subscription("isahit-batch", "/isahit", new SubscriptionFilter(
        List.of("isahit"), List.of(fields.path("projectId").asText()), List.of(fields.path("batchId").asText()), null,
        null), DeliveryFormat.ORIGINAL, Map.of("Authorization", "isahit-token"), 1)));
    assertThat(created.result()).isEqualTo(Result.created);
    String secret = created.subscription().secrets().get(0).secret();
    // Another batch of the project: not this subscription's.
    post("isahit", isahit(fields.path("projectId").asText(), "another-batch", "t-other"));
    String id = post("isahit", seed);

    Recorded call = receiver.await("/isahit", 1, Duration.ofSeconds(30)).get(0);
    // The JSON value byte for byte; the file's final line break is after the value, outside what the event holds.
    assertThat(call.body()).as("the seed's bytes, as the platform sent them").isEqualTo(seed.stripTrailing());
    assertThat(call.header("Authorization")).isEqualTo("isahit-token");
    assertThat(call.header("Content-Type")).startsWith("application/json");
    assertThat(call.header("Idempotency-Key")).isEqualTo(id + ":subscriptions/isahit-batch");
    new Webhook(secret).verify(call.body(), call.headers());
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
        .until(() -> receiver.requests("/isahit").size() == 1);

    // Isahit's get_webhook: the log of the last call, kept across an update of the subscription.
    SubscriptionDeliveries deliveries = gateway.gateway().subscriptionDeliveries();
    await().atMost(Duration.ofSeconds(10)).until(() -> deliveries.log("isahit-batch")
        .map(l -> l.lastCall() != null && l.lastCall().statusCode() == 200).orElse(false));
    Outcome updated = done(service().put(subscription("isahit-batch", "/isahit", created.subscription().filter(),
        DeliveryFormat.ORIGINAL, Map.of("Authorization", "new-token"), 1), null));
    assertThat(updated.result()).isEqualTo(Result.replaced);
    assertThat(updated.subscription().secrets()).extracting(SigningSecret::secret).containsExactly(secret);
    assertThat(deliveries.log("isahit-batch").orElseThrow().lastCall().statusCode()).isEqualTo(200);
    assertThat(deliveries.attempts("isahit-batch", null, 10, null).attempts()).singleElement()
        .satisfies(a -> {
          assertThat(a.statusCode()).isEqualTo(200);
          assertThat(a.requestHeaders()).containsEntry("Authorization", "****");
          assertThat(a.eventId()).isEqualTo(id);
        });
  }

  @Test
  void kilisWebhookIsDeliveredOnlyToTheProjectsItIsActivatedOn() throws Exception {
    String body = Files.readString(Path.of("src/test/resources/fixtures/kili-onsubmit-one-box.json"));
    String project = MAPPER.readTree(body).path("logPayload").path("projectId").asText();
    // Kili's create_webhook: known, active on no project yet.
    done(service().create(subscription("kili-plugin", "/kili", new SubscriptionFilter(List.of("kili"), List.of(),
        null, null, null), DeliveryFormat.CLOUDEVENTS, Map.of(), 8)));
    post("kili", body);
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> receiver.requests("/kili")
        .isEmpty());
    // activate_plugin_on_project
    assertThat(done(service().addProject("kili-plugin", project, null)).result()).isEqualTo(Result.updated);
    String delivered = post("kili", body.replace("\"onSubmit\"", "\"onReview\""));
    Recorded call = receiver.await("/kili", 1, Duration.ofSeconds(30)).get(0);
    assertThat(call.header("Content-Type")).startsWith("application/cloudevents+json");
    JsonNode event = MAPPER.readTree(call.body());
    assertThat(event.path("id").asText()).isEqualTo(delivered);
    assertThat(event.path("type").asText()).isEqualTo("labeling.label.reviewed");
    // deactivate_plugin_on_project: nothing more.
    done(service().removeProject("kili-plugin", project, null));
    post("kili", body);
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> receiver.requests("/kili")
        .size() == 1);
  }

  @Test
  void pausedDeliveriesComeOnResumeInOrderOnce() throws Exception {
    done(service().create(subscription("paused", "/paused", new SubscriptionFilter(List.of("isahit"),
        List.of("proj-pause"), null, null, null), DeliveryFormat.ORIGINAL, Map.of(), 1)));
    post("isahit", isahit("proj-pause", "b", "before"));
    receiver.await("/paused", 1, Duration.ofSeconds(30));
    assertThat(done(service().pause("paused", "maintenance", null)).result()).isEqualTo(Result.updated);
    List<String> tasks = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      tasks.add("held-" + i);
      post("isahit", isahit("proj-pause", "b", "held-" + i));
    }
    SubscriptionDeliveries deliveries = gateway.gateway().subscriptionDeliveries();
    await().atMost(Duration.ofSeconds(20)).until(() -> deliveries.waiting("paused") == 10);
    assertThat(receiver.requests("/paused")).as("nothing sent while paused").hasSize(1);

    assertThat(done(service().resume("paused", null)).result()).isEqualTo(Result.updated);
    receiver.await("/paused", 11, Duration.ofSeconds(30));
    post("isahit", isahit("proj-pause", "b", "after"));
    List<Recorded> calls = receiver.await("/paused", 12, Duration.ofSeconds(30));
    List<String> received = new ArrayList<>();
    for (Recorded r : calls) {
      received.add(MAPPER.readTree(r.body()).path("taskId").asText());
    }
    List<String> expected = new ArrayList<>(List.of("before"));
    expected.addAll(tasks);
    expected.add("after");
    assertThat(received).containsExactlyElementsOf(expected);
    await().atMost(Duration.ofSeconds(10)).until(() -> service().store().get("paused").orElseThrow().pause() == null);
    assertThat(deliveries.waiting("paused")).isZero();
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> receiver.requests("/paused")
        .size() == 12);
  }

  @Test
  void aTestDeliveryAnswersWhatTheReceiverSaidAndAResendCallsAgainWithTheSameKey() throws Exception {
    receiver.respond("/tested", r -> Reply.of(202, "{\"ok\":true}"));
    Outcome created = done(service().create(subscription("tested", "/tested", new SubscriptionFilter(
        List.of("isahit"), List.of("proj-test"), null, null, null), DeliveryFormat.CLOUDEVENTS, Map.of(), 8)));
    SubscriptionDeliveries deliveries = gateway.gateway().subscriptionDeliveries();
    SubscriptionDeliveries.TestResult test = done(deliveries.test(created.subscription()));
    assertThat(test.statusCode()).isEqualTo(202);
    assertThat(test.body()).isEqualTo("{\"ok\":true}");
    Recorded sample = receiver.await("/tested", 1, Duration.ofSeconds(10)).get(0);
    new Webhook(created.subscription().secrets().get(0).secret()).verify(sample.body(), sample.headers());
    assertThat(MAPPER.readTree(sample.body()).path("type").asText()).isEqualTo("hookgate.subscription.test");
    assertThat(deliveries.log("tested").orElseThrow().lastCall().statusCode()).isEqualTo(202);

    post("isahit", isahit("proj-test", "b", "to-resend"));
    Recorded first = receiver.await("/tested", 2, Duration.ofSeconds(30)).get(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> deliveries.attempts("tested", "success", 10, null).attempts()
        .stream().anyMatch(a -> !a.outcome().equals("test")));
    var attempt = deliveries.attempts("tested", "success", 10, null).attempts().get(0);
    done(deliveries.resend("tested", attempt.id()));
    Recorded again = receiver.await("/tested", 3, Duration.ofSeconds(30)).get(2);
    assertThat(again.header("Idempotency-Key")).isEqualTo(first.header("Idempotency-Key"));
    assertThat(again.body()).isEqualTo(first.body());
  }

  @Test
  void aDeletedSubscriptionGetsNothingMoreNotEvenItsRetries() throws Exception {
    receiver.respond("/failing", r -> Reply.of(503, "down"));
    done(service().create(new Subscription("failing", receiver.baseUrl() + "/failing", null, new SubscriptionFilter(
        List.of("isahit"), List.of("proj-delete"), null, null, null), null, Map.of(), true,
        new Subscription.Settings(Duration.ofSeconds(5), 0, 1, new TargetConfig.Retry(50, null, Duration.ofMillis(200),
            Duration.ofMillis(200), null)),
        null, null, null, null, 0)));
    post("isahit", isahit("proj-delete", "b", "t"));
    receiver.await("/failing", 2, Duration.ofSeconds(30));
    assertThat(done(service().delete("failing", null)).result()).isEqualTo(Result.deleted);
    int calls = receiver.requests("/failing").size();
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(6))
        .until(() -> receiver.requests("/failing").size() <= calls + 1);
  }
}
