package io.hookgate.connections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.admin.ApiClient;
import io.hookgate.admin.ApiGateways;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Connecting a kili source to a Kili that records what it is sent: the mutations as Kili's SDK sends them, the
 * platform's refusals, rotation with its overlap, disconnection, and webhooks sent with the generated secret.
 */
@ExtendWith(KafkaBrokerExtension.class)
class KiliConnectionTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String API_KEY = "kili-api-key-never-shown";
  private static final String PUBLIC_URL = "https://hooks.example.com";
  private static RecordingHttpServer kili;
  private static GatewayHarness gateway;
  private static ApiClient admin;
  private static String webhook;

  @BeforeAll
  static void start(KafkaBroker broker) throws Exception {
    kili = RecordingHttpServer.start();
    kili.respond("/graphql", KiliConnectionTest::answer);
    kili.respond("/down", r -> Reply.of(500, "internal error"));
    kili.respond("/refusing", r -> Reply.of(401, "{\"message\": \"Unauthorized\"}"));
    Map<String, String> env = new HashMap<>(ApiGateways.env());
    env.put("KILI_API_KEY", API_KEY);
    env.put("KILI_TOKEN", "configured-kili-token");
    gateway = GatewayHarness.start(broker, ApiGateways.yaml() + """
        ingress:
          publicUrl: %s/
        sources:
          kili:
            kind: kili
            auth: { type: header, header: Authorization, secrets: [ env:KILI_TOKEN ] }
            connect: { endpoint: "%s/graphql", apiKey: env:KILI_API_KEY, secretOverlap: 3s }
          kili-down:
            kind: kili
            auth: { type: header, header: Authorization, secrets: [ env:KILI_TOKEN ] }
            connect: { endpoint: "%s/down", apiKey: env:KILI_API_KEY }
          kili-refusing:
            kind: kili
            auth: { type: header, header: Authorization, secrets: [ env:KILI_TOKEN ] }
            connect: { endpoint: "%s/refusing", apiKey: env:KILI_API_KEY }
        """.formatted(PUBLIC_URL, kili.baseUrl(), kili.baseUrl(), kili.baseUrl()), env);
    admin = new ApiClient(gateway.managementPort(), ApiGateways.ADMIN_TOKEN);
    webhook = new String(KiliConnectionTest.class.getResourceAsStream("/fixtures/kili-onsubmit-one-box.json")
        .readAllBytes());
  }

  /** Kili's answers: errors for the projects named for them, the plugin's answer otherwise. */
  private static Reply answer(Recorded r) {
    JsonNode body = json(r.body());
    String query = body.path("query").asText();
    JsonNode variables = body.path("variables");
    String plugin = variables.path("pluginName").asText();
    if (query.contains("createWebhook") && plugin.endsWith("-p-exists")) {
      return Reply.of(200, "{\"data\": null, \"errors\": [{\"message\": \"Error: an entity Plugin already exists "
          + "with value " + plugin + "\"}]}");
    }
    if (query.contains("activatePluginOnProject") && plugin.endsWith("-p-exists")) {
      return Reply.of(200, "{\"data\": null, \"errors\": [{\"message\": \"an entity Project already exists with "
          + "value p-exists\"}]}");
    }
    if (plugin.endsWith("-p-echo")) {
      // A platform that repeats what it was sent: the secret must not reach the answer or the state.
      return Reply.of(200, "{\"data\": null, \"errors\": [{\"message\": \"invalid header "
          + variables.path("header").asText() + " from " + r.header("Authorization") + "\"}]}");
    }
    return Reply.of(200, "{\"data\": {\"data\": \"ok\"}}");
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (kili != null) {
      kili.close();
    }
  }

  private static JsonNode json(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Recorded> calls(String plugin) {
    return kili.requests("/graphql").stream()
        .filter(r -> json(r.body()).path("variables").path("pluginName").asText().equals(plugin)).toList();
  }

  private static int postWebhook(String authorization) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.webhookUrl("kili")))
        .header("Content-Type", "application/json").header("Authorization", authorization)
        .POST(HttpRequest.BodyPublishers.ofString(webhook)).build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Test
  void connectingCreatesAWebhookPluginAndActivatesItAsKilisSdkDoesThenItsSecretIsAccepted() throws Exception {
    HttpResponse<String> r = admin.post("/api/v1/sources/kili/connections", "{\"projectId\": \"p-1\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    assertThat(r.headers().firstValue("Location")).hasValue("/api/v1/sources/kili/connections/p-1");
    JsonNode c = ApiClient.json(r);
    assertThat(c.path("state").asText()).isEqualTo("connected");
    assertThat(c.path("webhookUrl").asText()).isEqualTo(PUBLIC_URL + "/webhooks/kili");
    assertThat(c.path("lastCheck").asText()).isNotBlank();

    List<Recorded> calls = calls("hookgate-kili-p-1");
    assertThat(calls).hasSize(2);
    Recorded create = calls.get(0);
    assertThat(create.method()).isEqualTo("POST");
    assertThat(create.header("Authorization")).isEqualTo("X-API-Key: " + API_KEY);
    assertThat(create.header("Content-Type")).isEqualTo("application/json");
    JsonNode createBody = json(create.body());
    assertThat(createBody.path("query").asText()).isEqualTo(KiliPluginDocuments.CREATE_WEBHOOK);
    JsonNode variables = createBody.path("variables");
    assertThat(variables.fieldNames()).toIterable()
        .containsExactly("handlerTypes", "pluginName", "webhookUrl", "header");
    assertThat(variables.path("handlerTypes")).extracting(JsonNode::asText).containsExactly("onSubmit", "onReview");
    assertThat(variables.path("webhookUrl").asText()).isEqualTo(PUBLIC_URL + "/webhooks/kili");
    String secret = variables.path("header").asText();
    assertThat(secret).hasSizeGreaterThanOrEqualTo(43);
    JsonNode activate = json(calls.get(1).body());
    assertThat(activate.path("query").asText()).isEqualTo(KiliPluginDocuments.ACTIVATE_PLUGIN_ON_PROJECT);
    assertThat(activate.path("variables")).isEqualTo(json("{\"pluginName\": \"hookgate-kili-p-1\", "
        + "\"projectId\": \"p-1\"}"));
    assertThat(calls.get(1).header("Authorization")).isEqualTo("X-API-Key: " + API_KEY);

    assertThat(r.body()).doesNotContain(secret).doesNotContain(API_KEY);
    HttpResponse<String> list = admin.get("/api/v1/sources/kili/connections");
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.body()).doesNotContain(secret);
    assertThat(ApiClient.json(list).path("items")).extracting(n -> n.path("projectId").asText()).contains("p-1");

    assertThat(postWebhook(secret)).isEqualTo(202);
    assertThat(postWebhook("configured-kili-token")).as("the configured token still passes").isEqualTo(202);
    assertThat(postWebhook(secret + "x")).isEqualTo(401);
  }

  @Test
  void connectingAgainUpdatesTheSamePluginWithTheSameSecret() {
    assertThat(admin.post("/api/v1/sources/kili/connections", "{\"projectId\": \"p-again\"}").statusCode())
        .isEqualTo(201);
    String secret = json(calls("hookgate-kili-p-again").get(0).body()).path("variables").path("header").asText();
    HttpResponse<String> again = admin.post("/api/v1/sources/kili/connections", "{\"projectId\": \"p-again\"}");
    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
    List<Recorded> calls = calls("hookgate-kili-p-again");
    assertThat(calls).hasSize(4);
    JsonNode update = json(calls.get(2).body());
    assertThat(update.path("query").asText()).isEqualTo(KiliPluginDocuments.UPDATE_WEBHOOK);
    assertThat(update.path("variables").path("header").asText()).isEqualTo(secret);
    assertThat(ApiClient.json(admin.get("/api/v1/sources/kili/connections")).path("items"))
        .filteredOn(n -> n.path("projectId").asText().equals("p-again")).hasSize(1);
  }

  @Test
  void aPluginOrActivationThatExistsAlreadyIsUpdatedNotAnError() {
    HttpResponse<String> r = admin.post("/api/v1/sources/kili/connections", "{\"projectId\": \"p-exists\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    assertThat(ApiClient.json(r).path("state").asText()).isEqualTo("connected");
    assertThat(calls("hookgate-kili-p-exists")).extracting(c -> json(c.body()).path("query").asText())
        .containsExactly(KiliPluginDocuments.CREATE_WEBHOOK, KiliPluginDocuments.UPDATE_WEBHOOK,
            KiliPluginDocuments.ACTIVATE_PLUGIN_ON_PROJECT);
  }

  @Test
  void kilisRefusalsAre502WithWhatKiliSaidAndTheConnectionInError() {
    HttpResponse<String> echo = admin.post("/api/v1/sources/kili/connections", "{\"projectId\": \"p-echo\"}");
    assertThat(echo.statusCode()).as(echo.body()).isEqualTo(502);
    String secret = json(calls("hookgate-kili-p-echo").get(0).body()).path("variables").path("header").asText();
    JsonNode problem = ApiClient.json(echo);
    assertThat(problem.path("type").asText()).isEqualTo("urn:hookgate:problem:platform-error");
    assertThat(problem.path("detail").asText())
        .contains("Kili refused createWebhook: invalid header **** from X-API-Key: ****").doesNotContain(secret)
        .doesNotContain(API_KEY);
    HttpResponse<String> state = admin.get("/api/v1/sources/kili/connections/p-echo");
    assertThat(ApiClient.json(state).path("state").asText()).isEqualTo("error");
    assertThat(ApiClient.json(state).path("message").asText()).contains("invalid header ****");
    assertThat(state.body()).doesNotContain(secret);

    HttpResponse<String> down = admin.post("/api/v1/sources/kili-down/connections", "{\"projectId\": \"p-1\"}");
    assertThat(down.statusCode()).isEqualTo(502);
    assertThat(ApiClient.json(down).path("detail").asText()).contains("HTTP 500");
    HttpResponse<String> refusing = admin.post("/api/v1/sources/kili-refusing/connections",
        "{\"projectId\": \"p-1\"}");
    assertThat(refusing.statusCode()).isEqualTo(502);
    assertThat(ApiClient.json(refusing).path("detail").asText()).contains("refused the API key")
        .doesNotContain(API_KEY);
    assertThat(ApiClient.json(admin.get("/api/v1/sources/kili-refusing/connections/p-1")).path("state").asText())
        .isEqualTo("error");
  }

  @Test
  void aRotatedSecretIsSetOnKiliAndTheOldOneIsRefusedOnceTheOverlapEnds() throws Exception {
    assertThat(admin.post("/api/v1/sources/kili/connections", "{\"projectId\": \"p-rotate\"}").statusCode())
        .isEqualTo(201);
    String old = json(calls("hookgate-kili-p-rotate").get(0).body()).path("variables").path("header").asText();
    HttpResponse<String> rotated = admin.post("/api/v1/sources/kili/connections/p-rotate/rotate", null);
    assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
    assertThat(ApiClient.json(rotated).path("previousSecretAcceptedUntil").asText()).isNotBlank();
    List<Recorded> calls = calls("hookgate-kili-p-rotate");
    JsonNode update = json(calls.get(2).body());
    assertThat(update.path("query").asText()).isEqualTo(KiliPluginDocuments.UPDATE_WEBHOOK);
    String fresh = update.path("variables").path("header").asText();
    assertThat(fresh).isNotEqualTo(old);
    assertThat(rotated.body()).doesNotContain(fresh).doesNotContain(old);

    assertThat(postWebhook(fresh)).isEqualTo(202);
    assertThat(postWebhook(old)).as("within the overlap").isEqualTo(202);
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
        .until(() -> postWebhook(old) == 401);
    assertThat(postWebhook(fresh)).isEqualTo(202);
  }

  @Test
  void disconnectingDeactivatesAndDeletesThePluginThenItsSecretIsRefused() throws Exception {
    assertThat(admin.post("/api/v1/sources/kili/connections", "{\"projectId\": \"p-gone\"}").statusCode())
        .isEqualTo(201);
    String secret = json(calls("hookgate-kili-p-gone").get(0).body()).path("variables").path("header").asText();
    assertThat(postWebhook(secret)).isEqualTo(202);
    HttpResponse<String> deleted = admin.delete("/api/v1/sources/kili/connections/p-gone");
    assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
    List<Recorded> calls = calls("hookgate-kili-p-gone");
    assertThat(calls).hasSize(4);
    JsonNode deactivate = json(calls.get(2).body());
    assertThat(deactivate.path("query").asText()).isEqualTo(KiliPluginDocuments.DEACTIVATE_PLUGIN_ON_PROJECT);
    assertThat(deactivate.path("variables")).isEqualTo(json("{\"pluginName\": \"hookgate-kili-p-gone\", "
        + "\"projectId\": \"p-gone\"}"));
    JsonNode delete = json(calls.get(3).body());
    assertThat(delete.path("query").asText()).isEqualTo(KiliPluginDocuments.DELETE_PLUGIN);
    assertThat(delete.path("variables")).isEqualTo(json("{\"pluginName\": \"hookgate-kili-p-gone\"}"));
    assertThat(postWebhook(secret)).isEqualTo(401);
    assertThat(admin.get("/api/v1/sources/kili/connections/p-gone").statusCode()).isEqualTo(404);
  }

  @Test
  void aViewerReadsButCannotConnectAndABadProjectIdIs400() {
    ApiClient viewer = new ApiClient(gateway.managementPort(), ApiGateways.VIEWER_TOKEN);
    assertThat(viewer.get("/api/v1/sources/kili/connections").statusCode()).isEqualTo(200);
    assertThat(viewer.post("/api/v1/sources/kili/connections", "{\"projectId\": \"p-2\"}").statusCode())
        .isEqualTo(403);
    assertThat(admin.post("/api/v1/sources/kili/connections", "{\"projectId\": \"../x\"}").statusCode())
        .isEqualTo(400);
    assertThat(admin.post("/api/v1/sources/kili/connections", "{\"projectId\": \"p\", \"more\": 1}").statusCode())
        .isEqualTo(400);
  }
}
