package io.hookgate.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.standardwebhooks.Webhook;
import io.hookgate.testing.GatewayHarness;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import io.hookgate.testing.RecordingHttpServer;
import io.hookgate.testing.RecordingHttpServer.Recorded;
import io.hookgate.testing.RecordingHttpServer.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every seed end to end, with the shipped examples as the gateway's configuration (their targets pointed at
 * a local recording server): the seed's webhook posted to the ingress, and the exact requests the platform
 * would receive, in order.
 */
@ExtendWith(KafkaBrokerExtension.class)
class SeedRulesEndToEndTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String GENERIC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String V7_SIGNING_KEY = "v7-team-webhook-signing-key";
  private static final String SUBSCRIBER_SECRET = "whsec_" + java.util.Base64.getEncoder()
      .encodeToString("subscriber-signing-key-32-bytes!".getBytes(java.nio.charset.StandardCharsets.UTF_8));
  private static final Map<String, String> PATHS = Map.of(
      "kili", "/kili/graphql",
      "v7", "/v7",
      "labeling-graphql", "/aquarium/graphql",
      "labeling-rest", "/aquarium/batches",
      "isahit-tasks", "/isahit",
      "subscriber", "/subscriber");

  private static RecordingHttpServer server;
  private static GatewayHarness gateway;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start(KafkaBroker broker) throws Exception {
    server = RecordingHttpServer.start();
    // Kili answers as its API does: createIssues gives the issue ids, sendBackAssetsToQueue the project.
    server.respond("/kili/graphql", r -> Reply.of(200, r.body().contains("createIssues")
        ? "{\"data\":{\"data\":[{\"id\":\"issue-" + r.nanos() + "\"}]}}"
        : "{\"data\":{\"data\":{\"id\":\"clfcblkni05pq0jrq8wgib142\"}}}"));
    server.script("/aquarium/graphql", Reply.of(200, "{\"data\":{\"project\":{\"bulkDeleteLabels\":{\"count\":4}}}}"));
    Map<String, String> env = new HashMap<>();
    env.put("KILI_WEBHOOK_SECRET", "secret-api-key");
    env.put("V7_WEBHOOK_SECRET", "v7-stage-secret");
    env.put("V7_WEBHOOK_SIGNING_KEY", V7_SIGNING_KEY);
    env.put("AQUARIUM_WEBHOOK_SECRET", "aquarium-org-key");
    env.put("ISAHIT_WEBHOOK_SECRET", "isahit-header");
    env.put("GENERIC_WEBHOOK_SECRET", GENERIC_SECRET);
    env.put("KILI_API_KEY", "kili-api-key");
    env.put("V7_API_KEY", "v7-api-key");
    env.put("LABELING_API_KEY", "labeling-key");
    env.put("SUBSCRIBER_SIGNING_SECRET", SUBSCRIBER_SECRET);
    env.put("SLACK_WEBHOOK_URL", server.baseUrl() + "/slack/T000/B000/XXXX");
    gateway = GatewayHarness.start(broker, allExamples(), env);
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    server.close();
  }

  /** The five example configs as one: their sources, targets and rules side by side. */
  private static String allExamples() throws Exception {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    ObjectNode combined = yaml.createObjectNode();
    ArrayNode rules = combined.putArray("rules");
    for (String example : List.of("kili.yaml", "v7.yaml", "aquarium.yaml", "isahit.yaml", "generic.yaml")) {
      JsonNode tree = yaml.readTree(Path.of("conf", "examples", example).toFile());
      combined.with("sources").setAll((ObjectNode) tree.path("sources"));
      combined.with("targets").setAll((ObjectNode) tree.path("targets"));
      rules.addAll((ArrayNode) tree.path("rules"));
    }
    combined.with("targets").fields().forEachRemaining(t -> {
      ObjectNode target = (ObjectNode) t.getValue();
      if (target.has("baseUrl")) {
        target.put("baseUrl", server.baseUrl() + PATHS.get(t.getKey()));
      }
      target.putArray("allowedHosts").add("127.0.0.1");
    });
    return yaml.writeValueAsString(combined);
  }

  @Test
  void kiliThreeBoxesGiveTwoCreateIssuesThenTheSendBackAndTheProperLabelOneIssueThenTheSendBack() throws Exception {
    int before = server.requests("/kili/graphql").size();
    String threeBoxes = post("kili", "kili-onsubmit-three-boxes.json", Map.of("Authorization", "secret-api-key"));
    List<Recorded> calls = server.await("/kili/graphql", before + 3, Duration.ofSeconds(60)).subList(before,
        before + 3);

    assertThat(calls).extracting(Recorded::method).containsOnly("POST");
    assertThat(calls).extracting(r -> r.header("Authorization")).containsOnly("X-API-Key: kili-api-key");
    assertThat(calls).extracting(r -> r.header("Idempotency-Key")).containsExactly(
        threeBoxes + ":kili-box-quality:0", threeBoxes + ":kili-box-quality:1", threeBoxes + ":kili-box-quality:2");
    String label = "clfcblncs0h550js5golxg96s";
    assertThat(json(calls.get(0))).isEqualTo(createIssue(label, null,
        "There are too many BBox (3) - Only 1 BBox of Object A accepted"));
    assertThat(json(calls.get(1))).isEqualTo(createIssue(label, "20221124161451411-13314", "BBox too large"));
    assertThat(json(calls.get(2))).isEqualTo(sendBack());
    // The documents exactly as the SDK prints them, not merely equivalent GraphQL.
    assertThat(json(calls.get(0)).path("query").asText()).isEqualTo(SeedRulesTest.KILI_CREATE_ISSUES);
    assertThat(json(calls.get(2)).path("query").asText()).isEqualTo(SeedRulesTest.KILI_SEND_BACK);

    // The tutorial's "proper" label: its one box is the box found too large above (0.3551 > 0.33).
    String oneBox = post("kili", "kili-onsubmit-one-box.json", Map.of("Authorization", "secret-api-key"));
    List<Recorded> second = server.await("/kili/graphql", before + 5, Duration.ofSeconds(60)).subList(before + 3,
        before + 5);
    assertThat(second).extracting(r -> r.header("Idempotency-Key"))
        .containsExactly(oneBox + ":kili-box-quality:0", oneBox + ":kili-box-quality:1");
    assertThat(json(second.get(0))).isEqualTo(createIssue("clfcbm2xk0h5j0js5c8ql2f1a", "20221124161451411-13314",
        "BBox too large"));
    assertThat(json(second.get(1))).isEqualTo(sendBack());
  }

  @Test
  void v7TenScrewsGiveNothingAndAnUrgentItemWithEightGetsSlackAndTheTag() throws Exception {
    int slackBefore = server.requests("/slack/T000/B000/XXXX").size();
    int v7Before = server.all().stream().filter(r -> r.path().startsWith("/v7/")).toList().size();
    // Same dataset, so same partition: once the second item's calls arrive, the first was evaluated.
    post("v7", "rules/v7-ten-screws.json", Map.of("Authorization", "v7-stage-secret"));
    String urgent = post("v7", "rules/v7-urgent-eight-screws.json", Map.of("Authorization", "v7-stage-secret"));

    String tagPath = "/v7/api/v2/teams/acme-qa/items/slots/tags";
    Recorded tag = server.await(tagPath, 1, Duration.ofSeconds(60)).get(0);
    Recorded slack = server.await("/slack/T000/B000/XXXX", slackBefore + 1, Duration.ofSeconds(60)).get(slackBefore);
    assertThat(slack.header("Idempotency-Key")).isEqualTo(urgent + ":v7-tagged-to-slack:0");
    assertThat(json(slack)).isEqualTo(MAPPER.readTree("""
        {"text": "V7 item shelf_0042.jpg reached the webhook stage tagged urgent: https://darwin.v7labs.com/workview?dataset=712345&item=0192e6b1-7c3a-7d2e-9f10-5c1a2b3c4d5e"}
        """));
    assertThat(tag.method()).isEqualTo("POST");
    assertThat(tag.header("Authorization")).isEqualTo("ApiKey v7-api-key");
    assertThat(tag.header("Idempotency-Key")).isEqualTo(urgent + ":v7-missing-annotations:0");
    assertThat(json(tag)).isEqualTo(MAPPER.readTree("""
        {"filters": {"dataset_ids": [712345], "item_ids": ["0192e6b1-7c3a-7d2e-9f10-5c1a2b3c4d5e"]}, "annotation_class_id": 4242}
        """));
    assertThat(server.all().stream().filter(r -> r.path().startsWith("/v7/")).toList()).hasSize(v7Before + 1);
    assertThat(server.requests("/slack/T000/B000/XXXX")).hasSize(slackBefore + 1);
  }

  @Test
  void v7WorkflowCompleteSignedWithTheTeamsKeyGetsItsSlackMessage() throws Exception {
    int slackBefore = server.requests("/slack/T000/B000/XXXX").size();
    String body = RuleFixtures.text("v7-workflow-complete-invoice.json");
    long t = System.currentTimeMillis() / 1000;
    // Signed as V7 signs (v7-signature, upper-case hex), by Stripe's library: the same scheme.
    String v1 = com.stripe.net.Webhook.Util.computeHmacSha256(V7_SIGNING_KEY, t + "." + body).toUpperCase(Locale.ROOT);
    String done = postBody("v7", body, Map.of("v7-signature", "t=" + t + ",v1=" + v1));

    Recorded slack = server.await("/slack/T000/B000/XXXX", slackBefore + 1, Duration.ofSeconds(60)).get(slackBefore);
    assertThat(slack.header("Idempotency-Key")).isEqualTo(done + ":v7-completed-to-slack:0");
    assertThat(json(slack)).isEqualTo(MAPPER.readTree("""
        {"text": "V7 file invoice_2024_0042.png of dataset 722931 is complete with 7 annotations"}
        """));
  }

  @Test
  void aquariumIssueExportedBecomesTheSeedsRelabelMutation() throws Exception {
    String id = post("aquarium", "rules/aquarium-issue-exported.json", Map.of("X-Aquarium-Secret", "aquarium-org-key"));
    Recorded call = server.await("/aquarium/graphql", 1, Duration.ofSeconds(60)).get(0);
    assertThat(call.header("Authorization")).isEqualTo("Bearer labeling-key");
    assertThat(call.header("Idempotency-Key")).isEqualTo(id + ":aquarium-relabel-graphql:0");
    ObjectNode expected = MAPPER.createObjectNode().put("query", SeedRulesTest.AQUARIUM_BULK_DELETE);
    expected.set("variables", MAPPER.readTree("""
        {"projectId": "warehouse-detection", "labelIds": ["lbl-11111111", "lbl-22222222", "lbl-33333333", "lbl-55555555"]}
        """));
    assertThat(json(call)).isEqualTo(expected);
    assertThat(server.requests("/aquarium/batches")).as("the REST variant is disabled in the example").isEmpty();
  }

  @Test
  void isahitFinishedTaskCallsTheEndpointWithItsIds() throws Exception {
    String id = post("isahit", "rules/isahit-review-done.json", Map.of("Authorization", "isahit-header"));
    Recorded call = server.await("/isahit/tasks/task_91b0e5/finished", 1, Duration.ofSeconds(60)).get(0);
    assertThat(call.method()).isEqualTo("POST");
    assertThat(call.header("Idempotency-Key")).isEqualTo(id + ":isahit-task-finished:0");
    assertThat(json(call)).isEqualTo(MAPPER.readTree("""
        {"taskId": "task_91b0e5", "type": "review", "batchId": "batch_3a7c55", "projectId": "proj_2e8d10", "workflowId": "wf_6f1d2c"}
        """));
  }

  @Test
  void genericEventIsForwardedAsASignedCloudEventThatAStockVerifierAccepts() throws Exception {
    String body = RuleFixtures.text("rules/generic-order-created.json");
    long now = System.currentTimeMillis() / 1000;
    String signature = new Webhook(GENERIC_SECRET).sign("msg_order_1001", now, body);
    String id = postBody("generic", body, Map.of("webhook-id", "msg_order_1001", "webhook-timestamp",
        Long.toString(now), "webhook-signature", signature));

    Recorded call = server.await("/subscriber", 1, Duration.ofSeconds(60)).get(0);
    assertThat(call.header("webhook-id")).isEqualTo(id + ":generic-forward:0");
    assertThat(call.header("Content-Type")).startsWith("application/cloudevents+json");
    new Webhook(SUBSCRIBER_SECRET).verify(call.body(), HttpHeaders.of(call.headers(), (a, b) -> true));
    JsonNode event = MAPPER.readTree(call.body());
    assertThat(event.path("id").asText()).isEqualTo(id);
    assertThat(event.path("type").asText()).isEqualTo("webhook.received");
    assertThat(event.path("source").asText()).isEqualTo("/sources/generic");
    assertThat(event.path("data").path("original")).isEqualTo(MAPPER.readTree(body));
  }

  private String post(String source, String fixture, Map<String, String> headers) throws Exception {
    return postBody(source, RuleFixtures.text(fixture), headers);
  }

  /** Posts a webhook; returns the event id of the 202. */
  private String postBody(String source, String body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.webhookUrl(source)))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    return MAPPER.readTree(response.body()).path("id").asText();
  }

  private static JsonNode json(Recorded r) throws Exception {
    return MAPPER.readTree(r.body());
  }

  private static JsonNode createIssue(String label, String mid, String text) {
    ObjectNode body = MAPPER.createObjectNode().put("query", SeedRulesTest.KILI_CREATE_ISSUES);
    ObjectNode variables = body.putObject("variables");
    variables.putArray("issues").addObject().put("labelID", label).put("objectMid", mid).put("type", "ISSUE")
        .putNull("assetId").put("text", text);
    variables.putObject("where").putObject("project").put("id", "clfcblkni05pq0jrq8wgib142");
    return body;
  }

  private static JsonNode sendBack() {
    ObjectNode body = MAPPER.createObjectNode().put("query", SeedRulesTest.KILI_SEND_BACK);
    body.putObject("variables").putObject("where").putArray("idIn").add("clfcblmgn0h4y0js5b2yy7qvx");
    return body;
  }
}
