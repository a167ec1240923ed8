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
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Connecting an isahit source to an Isahit Lab that records what it is sent: the login, the batches page by page,
 * the webhook set on each batch as the isahitlab SDK sets it, again on a schedule for new batches, the platform's
 * refusals, and webhooks sent with the generated secret before and after a rotation.
 */
@ExtendWith(KafkaBrokerExtension.class)
class IsahitConnectionTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String ACCESS_ID = "isahit-access-id";
  private static final String SECRET_KEY = "isahit-secret-key-never-shown";
  private static final String PUBLIC_URL = "https://hooks.example.com";
  private static final String LOGIN = "/api/user-manager/auth/login";
  private static final String BATCHES = "/api/task-manager/batches";
  private static final String SETUP = "/api/workflow-manager/workflows/setup-webhook";
  /** The batches of each project, as the fake Isahit Lab has them; a test adds some. */
  private static final Map<String, List<String>> PROJECT_BATCHES = new ConcurrentHashMap<>();
  private static RecordingHttpServer isahit;
  private static GatewayHarness gateway;
  private static ApiClient admin;

  @BeforeAll
  static void start(KafkaBroker broker) throws Exception {
    PROJECT_BATCHES.put("p-1", new CopyOnWriteArrayList<>(List.of("b-1", "b-2", "b-3")));
    PROJECT_BATCHES.put("p-new", new CopyOnWriteArrayList<>(List.of("n-1")));
    PROJECT_BATCHES.put("p-loop", new CopyOnWriteArrayList<>(List.of("l-1")));
    isahit = RecordingHttpServer.start();
    isahit.respond(LOGIN, r -> Reply.of(201, "{\"access_token\": \"token-1\", \"expires_in\": 3600}"));
    isahit.respond("/bad" + LOGIN, r -> Reply.of(401, "{\"message\": \"Unauthorized\"}"));
    isahit.respond(BATCHES, IsahitConnectionTest::batches);
    isahit.respond(SETUP, r -> query(r).get("batchId").startsWith("f-")
        ? Reply.of(400, "{\"message\": \"webhook refused for header " + json(r.body()).path("header").asText() + "\"}")
        : Reply.of(200, "{}"));
    PROJECT_BATCHES.put("p-fail", new CopyOnWriteArrayList<>(List.of("f-1")));
    Map<String, String> env = new HashMap<>(ApiGateways.env());
    env.put("ISAHIT_ID", ACCESS_ID);
    env.put("ISAHIT_KEY", SECRET_KEY);
    gateway = GatewayHarness.start(broker, ApiGateways.yaml() + """
        ingress:
          publicUrl: %s
        sources:
          isahit:
            kind: isahit
            auth: { type: header, header: Authorization, secrets: [ env:UNSET_ISAHIT_TOKEN ] }
            connect: { endpoint: "%s", accessId: env:ISAHIT_ID, secretKey: env:ISAHIT_KEY, secretOverlap: 3s,
                       recheckEvery: 2s }
          isahit-bad:
            kind: isahit
            auth: { type: header, header: Authorization, secrets: [ env:UNSET_ISAHIT_TOKEN ] }
            connect: { endpoint: "%s/bad/", accessId: env:ISAHIT_ID, secretKey: env:ISAHIT_KEY }
        """.formatted(PUBLIC_URL, isahit.baseUrl(), isahit.baseUrl()), env);
    admin = new ApiClient(gateway.managementPort(), ApiGateways.ADMIN_TOKEN);
  }

  /** Isahit Lab's paginated batches, two to a page (the SDK asks for ten; the fake pages anyway). */
  private static Reply batches(Recorded r) {
    Map<String, String> q = query(r);
    List<String> all = PROJECT_BATCHES.getOrDefault(q.get("projectId"), List.of());
    int page = Integer.parseInt(q.get("page"));
    int from = Math.min(all.size(), (page - 1) * 2);
    int to = Math.min(all.size(), from + 2);
    StringBuilder docs = new StringBuilder();
    for (String id : all.subList(from, to)) {
      docs.append(docs.isEmpty() ? "" : ",").append("{\"_id\": \"").append(id).append("\", \"name\": \"batch\"}");
    }
    boolean more = to < all.size();
    return Reply.of(200, "{\"docs\": [" + docs + "], \"totalDocs\": " + all.size() + ", \"limit\": 2, \"page\": "
        + page + ", \"hasNextPage\": " + more + ", \"nextPage\": " + (more ? page + 1 : "null") + "}");
  }

  private static Map<String, String> query(Recorded r) {
    Map<String, String> out = new HashMap<>();
    String uri = r.uri();
    int q = uri.indexOf('?');
    if (q >= 0) {
      for (String pair : uri.substring(q + 1).split("&")) {
        String[] kv = pair.split("=", 2);
        out.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
            kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
      }
    }
    return out;
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (isahit != null) {
      isahit.close();
    }
  }

  private static JsonNode json(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Recorded> setups(String batchId) {
    return isahit.requests(SETUP).stream().filter(r -> batchId.equals(query(r).get("batchId"))).toList();
  }

  private static int postWebhook(String authorization, String projectId) throws Exception {
    String body = """
        {"workflowId": "w-1", "type": "annotation", "taskId": "t-1", "batchId": "l-1", "projectId": "%s"}
        """.formatted(projectId);
    HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.webhookUrl("isahit")))
        .header("Content-Type", "application/json").header("Authorization", authorization)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Test
  void connectingLogsInThenSetsTheWebhookOnEveryBatchOfTheProjectAsTheSdkDoes() {
    HttpResponse<String> r = admin.post("/api/v1/sources/isahit/connections", "{\"projectId\": \"p-1\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    JsonNode c = ApiClient.json(r);
    assertThat(c.path("state").asText()).isEqualTo("connected");
    assertThat(c.path("batches").asInt()).isEqualTo(3);
    assertThat(c.path("nextCheck").asText()).isNotBlank();

    Recorded login = isahit.requests(LOGIN).get(0);
    assertThat(login.method()).isEqualTo("POST");
    assertThat(login.header("Content-Type")).startsWith("application/x-www-form-urlencoded");
    assertThat(login.body()).isEqualTo("access_id=" + ACCESS_ID + "&secret_key=" + SECRET_KEY);

    List<Recorded> pages = isahit.requests(BATCHES).stream()
        .filter(p -> "p-1".equals(query(p).get("projectId"))).toList();
    assertThat(pages).hasSizeGreaterThanOrEqualTo(2);
    assertThat(pages.get(0).method()).isEqualTo("GET");
    assertThat(query(pages.get(0))).containsEntry("pagination", "true").containsEntry("page", "1")
        .containsEntry("limit", "10").containsEntry("projectId", "p-1");
    assertThat(query(pages.get(1))).containsEntry("page", "2");
    assertThat(pages.get(0).header("Authorization")).isEqualTo("Bearer token-1");

    String secret = null;
    for (String batch : List.of("b-1", "b-2", "b-3")) {
      Recorded setup = setups(batch).get(0);
      assertThat(setup.method()).isEqualTo("PATCH");
      assertThat(setup.header("Authorization")).isEqualTo("Bearer token-1");
      assertThat(setup.header("Content-Type")).isEqualTo("application/json");
      JsonNode body = json(setup.body());
      assertThat(body.fieldNames()).toIterable().containsExactly("url", "header");
      assertThat(body.path("url").asText()).isEqualTo(PUBLIC_URL + "/webhooks/isahit");
      secret = secret == null ? body.path("header").asText() : secret;
      assertThat(body.path("header").asText()).isEqualTo(secret);
    }
    assertThat(secret).hasSizeGreaterThanOrEqualTo(43);
    assertThat(r.body()).doesNotContain(secret);
    assertThat(admin.get("/api/v1/sources/isahit/connections").body()).doesNotContain(secret)
        .doesNotContain(SECRET_KEY);
  }

  @Test
  void aBatchCreatedLaterGetsTheWebhookAtTheNextCheck() {
    assertThat(admin.post("/api/v1/sources/isahit/connections", "{\"projectId\": \"p-new\"}").statusCode())
        .isEqualTo(201);
    String secret = json(setups("n-1").get(0).body()).path("header").asText();
    String firstCheck = ApiClient.json(admin.get("/api/v1/sources/isahit/connections/p-new")).path("lastCheck")
        .asText();
    PROJECT_BATCHES.get("p-new").add("n-2");
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> !setups("n-2").isEmpty());
    assertThat(json(setups("n-2").get(0).body()).path("header").asText()).isEqualTo(secret);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      JsonNode now = ApiClient.json(admin.get("/api/v1/sources/isahit/connections/p-new"));
      assertThat(now.path("batches").asInt()).isEqualTo(2);
      assertThat(now.path("lastCheck").asText()).isGreaterThan(firstCheck);
    });
  }

  @Test
  void isahitsRefusalsAre502AndTheConnectionIsInError() {
    HttpResponse<String> r = admin.post("/api/v1/sources/isahit/connections", "{\"projectId\": \"p-fail\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
    String secret = json(setups("f-1").get(0).body()).path("header").asText();
    JsonNode problem = ApiClient.json(r);
    assertThat(problem.path("type").asText()).isEqualTo("urn:hookgate:problem:platform-error");
    assertThat(problem.path("detail").asText())
        .contains("Isahit Lab answered setup-webhook of batch f-1 with HTTP 400").contains("****")
        .doesNotContain(secret);
    JsonNode state = ApiClient.json(admin.get("/api/v1/sources/isahit/connections/p-fail"));
    assertThat(state.path("state").asText()).isEqualTo("error");
    assertThat(state.path("message").asText()).contains("HTTP 400");

    HttpResponse<String> bad = admin.post("/api/v1/sources/isahit-bad/connections", "{\"projectId\": \"p-1\"}");
    assertThat(bad.statusCode()).isEqualTo(502);
    assertThat(ApiClient.json(bad).path("detail").asText()).contains("refused the credentials")
        .doesNotContain(SECRET_KEY);
  }

  @Test
  void theGeneratedSecretIsAcceptedAndAfterARotationTheOldOneIsRefusedOnceTheOverlapEnds() throws Exception {
    assertThat(postWebhook("anything", "p-loop")).as("before connecting").isEqualTo(401);
    assertThat(admin.post("/api/v1/sources/isahit/connections", "{\"projectId\": \"p-loop\"}").statusCode())
        .isEqualTo(201);
    String old = json(setups("l-1").get(0).body()).path("header").asText();
    assertThat(postWebhook(old, "p-loop")).isEqualTo(202);

    HttpResponse<String> rotated = admin.post("/api/v1/sources/isahit/connections/p-loop/rotate", null);
    assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
    String fresh = json(setups("l-1").get(setups("l-1").size() - 1).body()).path("header").asText();
    assertThat(fresh).isNotEqualTo(old);
    assertThat(postWebhook(fresh, "p-loop")).isEqualTo(202);
    assertThat(postWebhook(old, "p-loop")).as("within the overlap").isEqualTo(202);
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
        .until(() -> postWebhook(old, "p-loop") == 401);
    assertThat(postWebhook(fresh, "p-loop")).isEqualTo(202);

    assertThat(admin.delete("/api/v1/sources/isahit/connections/p-loop").statusCode()).isEqualTo(204);
    assertThat(postWebhook(fresh, "p-loop")).as("forgotten").isEqualTo(401);
  }
}
