package io.hookgate.admin;

import static io.hookgate.admin.ApiClient.json;
import static io.hookgate.http.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hookgate.testing.GatewayHarness;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The management API's operations on a running gateway (real broker, tokens and encryption key from the
 * environment as the shipped configuration reads them), over HTTP: each operation's success path, the
 * signing secret shown once, ETag and If-Match, pagination, and Isahit Lab's and Kili's set-ups.
 */
@ExtendWith(KafkaBrokerExtension.class)
class SubscriptionsApiTest {
  private static final String BASE = "/api/v1/subscriptions/";
  private static GatewayHarness gateway;
  private static ApiClient admin;
  private static ApiClient viewer;

  @BeforeAll
  static void start(KafkaBroker broker) throws Exception {
    gateway = ApiGateways.start(broker, ApiGateways.env());
    admin = new ApiClient(gateway.managementPort(), ApiGateways.ADMIN_TOKEN);
    viewer = admin.as(ApiGateways.VIEWER_TOKEN);
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private static JsonNode created(String id, String body) {
    HttpResponse<String> r = admin.put(BASE + id, body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return json(r);
  }

  // --- the document ------------------------------------------------------------------------------------

  @Test
  void theOpenApiDocumentNeedsNoTokenAndIsAValidOpenApiDocumentOfEveryOperation() throws Exception {
    HttpResponse<String> r = admin.as(null).get("/api/v1/openapi.json");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    Vertx vertx = Vertx.vertx();
    try {
      OpenAPIContract contract = OpenAPIContract.builder(vertx).setContract(new JsonObject(r.body()))
          .mediaTypeRegistry(ApiDocument.mediaTypes()).build().await(30, TimeUnit.SECONDS);
      assertThat(contract.operations()).extracting(Operation::getOperationId).contains("getOpenApiDocument",
          "listSubscriptions", "createSubscription", "getSubscription", "putSubscription", "deleteSubscription",
          "addSubscriptionProject", "removeSubscriptionProject", "pauseSubscription", "resumeSubscription",
          "getSubscriptionSecret", "rotateSubscriptionSecret", "testSubscription", "listSubscriptionAttempts",
          "resendSubscriptionAttempt");
      assertThat(contract.securityScheme("bearer")).isNotNull();
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  // --- create, read, replace, delete ---------------------------------------------------------------------

  @Test
  void putCreatesAndShowsTheSigningSecretOnceThenReadsMaskHeadersAndSecret() {
    HttpResponse<String> put = admin.put(BASE + "first-put", """
        {"url": "http://127.0.0.1:9/hooks", "description": "the first",
         "headers": {"Authorization": "receiver-credential-1"}}""");
    assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
    assertThat(put.headers().firstValue("Location")).hasValue(BASE + "first-put");
    assertThat(put.headers().firstValue("ETag")).hasValue("\"1\"");
    JsonNode created = json(put);
    assertThat(created.path("signingSecret").asText()).startsWith("whsec_");
    assertThat(created.path("headers").path("Authorization").asText()).isEqualTo("****");
    assertThat(put.body()).doesNotContain("receiver-credential-1");
    assertThat(created.path("revision").asLong()).isEqualTo(1);
    assertThat(created.path("format").asText()).isEqualTo("cloudevents");
    assertThat(created.path("active").asBoolean()).isTrue();
    assertThat(created.path("timeout").asText()).isEqualTo("10s");
    assertThat(created.path("retry").path("maxAge").asText()).isEqualTo("24h");
    assertThat(created.path("state").path("status").asText()).isEqualTo("active");
    // No delivery side yet: what it would tell is left out rather than made up.
    assertThat(created.has("lastCall")).isFalse();
    assertThat(created.has("counts")).isFalse();

    HttpResponse<String> get = viewer.get(BASE + "first-put");
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.headers().firstValue("ETag")).hasValue("\"1\"");
    JsonNode read = json(get);
    assertThat(read.has("signingSecret")).isFalse();
    assertThat(get.body()).doesNotContain("whsec_").doesNotContain("receiver-credential-1");
    assertThat(read.path("url").asText()).isEqualTo("http://127.0.0.1:9/hooks");
    assertThat(read.path("description").asText()).isEqualTo("the first");
    assertThat(read.path("createdAt").asText()).isEqualTo(created.path("createdAt").asText());
    assertThat(read.path("updatedAt").asText()).isNotEmpty();
  }

  @Test
  void postCreatesUnderAGeneratedId() {
    HttpResponse<String> post = admin.post("/api/v1/subscriptions", """
        {"url": "http://127.0.0.1:9/generated"}""");
    assertThat(post.statusCode()).as(post.body()).isEqualTo(201);
    String id = json(post).path("id").asText();
    assertThat(id).matches("sub_[0-9a-f]{32}");
    assertThat(post.headers().firstValue("Location")).hasValue(BASE + id);
    assertThat(json(post).path("signingSecret").asText()).startsWith("whsec_");
    assertThat(admin.get(BASE + id).statusCode()).isEqualTo(200);
  }

  @Test
  void aReplacementKeepsTheSecretAndTheCreationTimeAndChangesWhatTheBodySays() {
    JsonNode first = created("replaced", """
        {"url": "http://127.0.0.1:9/old", "format": "original", "timeout": "1500ms"}""");
    String secret = first.path("signingSecret").asText();

    HttpResponse<String> put = admin.put(BASE + "replaced", """
        {"url": "http://127.0.0.1:9/new", "retry": {"maxAttempts": 3, "maxAge": "2m"}}""");
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    assertThat(put.headers().firstValue("ETag")).hasValue("\"2\"");
    assertThat(put.headers().firstValue("Location")).isEmpty();
    JsonNode replaced = json(put);
    assertThat(replaced.has("signingSecret")).isFalse();
    assertThat(replaced.path("url").asText()).isEqualTo("http://127.0.0.1:9/new");
    // Left out of the replacement: back to the defaults.
    assertThat(replaced.path("format").asText()).isEqualTo("cloudevents");
    assertThat(replaced.path("timeout").asText()).isEqualTo("10s");
    assertThat(replaced.path("retry").path("maxAttempts").asInt()).isEqualTo(3);
    assertThat(replaced.path("retry").path("maxAge").asText()).isEqualTo("2m");
    assertThat(replaced.path("createdAt").asText()).isEqualTo(first.path("createdAt").asText());

    JsonNode secrets = json(admin.get(BASE + "replaced/secret"));
    assertThat(secrets.path("signingSecret").asText()).isEqualTo(secret);
  }

  @Test
  void deleteRemovesTheSubscription() {
    created("deleted", """
        {"url": "http://127.0.0.1:9/deleted"}""");
    assertThat(admin.delete(BASE + "deleted").statusCode()).isEqualTo(204);
    JsonNode p = assertProblem(admin.get(BASE + "deleted"), 404, "urn:hookgate:problem:unknown-subscription");
    assertThat(p.path("detail").asText()).contains("'deleted'");
    assertProblem(admin.delete(BASE + "deleted"), 404, "urn:hookgate:problem:unknown-subscription");
  }

  @Test
  void listPagesThroughEverySubscriptionInIdOrder() {
    List<String> mine = List.of("page-a", "page-b", "page-c", "page-d", "page-e");
    mine.forEach(id -> created(id, "{\"url\": \"http://127.0.0.1:9/" + id + "\"}"));

    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      String next = cursor == null ? "" : "&cursor=" + cursor;
      HttpResponse<String> r = viewer.get("/api/v1/subscriptions?limit=2" + next);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode page = json(r);
      assertThat(page.path("items").size()).isBetween(1, 2);
      page.path("items").forEach(s -> seen.add(s.path("id").asText()));
      cursor = page.path("nextCursor").isMissingNode() ? null : page.path("nextCursor").asText();
      pages++;
    } while (cursor != null && pages < 100);
    assertThat(seen).containsAll(mine).doesNotHaveDuplicates().isSorted();
    assertThat(pages).isGreaterThanOrEqualTo(3);
  }

  @Test
  void listFiltersBySourceAndProjectCountingAbsentListsAsAll() {
    created("list-kili-pa", """
        {"url": "http://127.0.0.1:9/k", "filter": {"sources": ["kili"], "projects": ["list-pa"]}}""");
    created("list-isahit-all", """
        {"url": "http://127.0.0.1:9/i", "filter": {"sources": ["isahit"]}}""");

    assertThat(ids("?source=kili&project=list-pa&limit=1000")).contains("list-kili-pa").doesNotContain(
        "list-isahit-all");
    assertThat(ids("?source=isahit&project=list-pz&limit=1000")).contains("list-isahit-all").doesNotContain(
        "list-kili-pa");
    assertThat(ids("?project=list-pz&limit=1000")).doesNotContain("list-kili-pa");
  }

  private static List<String> ids(String query) {
    HttpResponse<String> r = viewer.get("/api/v1/subscriptions" + query);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    json(r).path("items").forEach(s -> ids.add(s.path("id").asText()));
    return ids;
  }

  // --- optimistic concurrency ------------------------------------------------------------------------------

  @Test
  void writesHonourIfMatchAndAStaleOneIs412() {
    created("etags", """
        {"url": "http://127.0.0.1:9/etags"}""");
    String etag = admin.get(BASE + "etags").headers().firstValue("ETag").orElseThrow();
    assertThat(etag).isEqualTo("\"1\"");

    HttpResponse<String> ok = admin.send("PUT", BASE + "etags", "{\"url\": \"http://127.0.0.1:9/v2\"}",
        Map.of("If-Match", etag));
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(ok.headers().firstValue("ETag")).hasValue("\"2\"");

    JsonNode stale = assertProblem(admin.send("PUT", BASE + "etags", "{\"url\": \"http://127.0.0.1:9/v3\"}",
        Map.of("If-Match", etag)), 412, "urn:hookgate:problem:precondition-failed");
    assertThat(stale.path("detail").asText()).contains("\"2\"");
    assertThat(stale.path("field").asText()).isEqualTo("If-Match");
    assertProblem(admin.send("DELETE", BASE + "etags", null, Map.of("If-Match", etag)), 412,
        "urn:hookgate:problem:precondition-failed");
    assertProblem(admin.send("POST", BASE + "etags/pause", null, Map.of("If-Match", "W/\"2\"")), 412,
        "urn:hookgate:problem:precondition-failed");
    JsonNode malformed = assertProblem(admin.send("DELETE", BASE + "etags", null, Map.of("If-Match", "2")), 400,
        "urn:hookgate:problem:invalid-request");
    assertThat(malformed.path("field").asText()).isEqualTo("If-Match");
    assertThat(admin.get(BASE + "etags").headers().firstValue("ETag")).hasValue("\"2\"");

    // * means "it must exist": a PUT with it replaces and never creates.
    assertThat(admin.send("PUT", BASE + "etags", "{\"url\": \"http://127.0.0.1:9/v3\"}",
        Map.of("If-Match", "*")).statusCode()).isEqualTo(200);
    assertProblem(admin.send("PUT", BASE + "etags-missing", "{\"url\": \"http://127.0.0.1:9/v1\"}",
        Map.of("If-Match", "*")), 412, "urn:hookgate:problem:precondition-failed");
    assertProblem(admin.get(BASE + "etags-missing"), 404, "urn:hookgate:problem:unknown-subscription");
    assertThat(admin.send("DELETE", BASE + "etags", null, Map.of("If-Match", "\"1\", \"3\"")).statusCode())
        .isEqualTo(204);
  }

  @Test
  void postingAnIdThatExistsIsNotPossibleButPutReplacesIt() {
    created("exists", """
        {"url": "http://127.0.0.1:9/exists"}""");
    // POST never takes an id: the body's id would be an unknown field.
    JsonNode p = assertProblem(admin.post("/api/v1/subscriptions", """
        {"id": "exists", "url": "http://127.0.0.1:9/exists"}"""), 400, "urn:hookgate:problem:invalid-request");
    assertThat(p.path("field").asText()).isEqualTo("/id");
  }

  // --- secrets -----------------------------------------------------------------------------------------------

  @Test
  void theSecretIsReadableByAdminsOnly() {
    String secret = created("secret-read", """
        {"url": "http://127.0.0.1:9/secret"}""").path("signingSecret").asText();
    HttpResponse<String> r = admin.get(BASE + "secret-read/secret");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).path("signingSecret").asText()).isEqualTo(secret);
    assertThat(json(r).path("previous").size()).isZero();
    assertProblem(viewer.get(BASE + "secret-read/secret"), 403, "urn:hookgate:problem:forbidden");
    assertProblem(admin.as(null).get(BASE + "secret-read/secret"), 401, "urn:hookgate:problem:unauthorized");
    assertProblem(admin.get(BASE + "secret-nope/secret"), 404, "urn:hookgate:problem:unknown-subscription");
  }

  @Test
  void aRotationMakesANewSecretAndKeepsThePreviousSigningForTheOverlap() {
    String old = created("rotated", """
        {"url": "http://127.0.0.1:9/rotated"}""").path("signingSecret").asText();
    Instant before = Instant.now();
    HttpResponse<String> r = admin.post(BASE + "rotated/secret/rotate", null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("ETag")).hasValue("\"2\"");
    JsonNode rotated = json(r);
    String fresh = rotated.path("signingSecret").asText();
    assertThat(fresh).startsWith("whsec_").isNotEqualTo(old);
    assertThat(rotated.path("previous").size()).isEqualTo(1);
    JsonNode previous = rotated.path("previous").get(0);
    assertThat(previous.path("signingSecret").asText()).isEqualTo(old);
    Instant expires = Instant.parse(previous.path("expiresAt").asText());
    assertThat(expires).isBetween(before.plus(Duration.ofHours(24)).minusSeconds(5),
        Instant.now().plus(Duration.ofHours(24)).plusSeconds(5));
    assertThat(json(admin.get(BASE + "rotated/secret"))).isEqualTo(rotated);
    assertProblem(viewer.post(BASE + "rotated/secret/rotate", null), 403, "urn:hookgate:problem:forbidden");
  }

  // --- pause and resume --------------------------------------------------------------------------------------

  @Test
  void pauseAndResumeShowInTheState() {
    created("paused", """
        {"url": "http://127.0.0.1:9/paused"}""");
    HttpResponse<String> paused = admin.post(BASE + "paused/pause", """
        {"reason": "receiver maintenance"}""");
    assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
    JsonNode state = json(paused).path("state");
    assertThat(state.path("status").asText()).isEqualTo("paused");
    assertThat(state.path("reason").asText()).isEqualTo("receiver maintenance");
    assertThat(Instant.parse(state.path("since").asText())).isBefore(Instant.now().plusSeconds(1));
    assertThat(json(viewer.get(BASE + "paused")).path("state")).isEqualTo(state);

    HttpResponse<String> resumed = admin.post(BASE + "paused/resume", null);
    assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(200);
    assertThat(json(resumed).path("state").path("status").asText()).isEqualTo("active");

    // Without a body, and with active: false, which the state says too.
    assertThat(json(admin.post(BASE + "paused/pause", null)).path("state").path("status").asText())
        .isEqualTo("paused");
    created("disabled", """
        {"url": "http://127.0.0.1:9/disabled", "active": false}""");
    assertThat(json(admin.get(BASE + "disabled")).path("state").path("status").asText()).isEqualTo("disabled");
    assertProblem(admin.post(BASE + "pause-nope/pause", null), 404, "urn:hookgate:problem:unknown-subscription");
  }

  // --- the delivery side's operations -----------------------------------------------------------------------

  @Test
  void testAttemptsAndResendWorkOnAGatewayWithoutWebhookSources() {
    // Subscriptions are delivered wherever they exist (hookgate's own events reach them too), sources or not.
    created("deliveries", """
        {"url": "http://127.0.0.1:9/deliveries"}""");
    HttpResponse<String> test = admin.post(BASE + "deliveries/test", null);
    assertThat(test.statusCode()).as(test.body()).isEqualTo(200);
    assertThat(json(test).path("error").asText()).contains("Connection refused");
    HttpResponse<String> attempts = viewer.get(BASE + "deliveries/attempts?status=failure&limit=5");
    assertThat(attempts.statusCode()).as(attempts.body()).isEqualTo(200);
    assertProblem(admin.post(BASE + "deliveries/attempts/a1/resend", null), 404,
        "urn:hookgate:problem:unknown-attempt");
    assertProblem(admin.post(BASE + "deliveries-nope/test", null), 404, "urn:hookgate:problem:unknown-subscription");
    assertProblem(viewer.post(BASE + "deliveries/test", null), 403, "urn:hookgate:problem:forbidden");
    assertProblem(viewer.get(BASE + "deliveries/attempts?status=bogus"), 400, "urn:hookgate:problem:invalid-request");
  }

  // --- the platforms' set-ups ---------------------------------------------------------------------------------

  /**
   * Isahit Lab's {@code setup_webhook(project_id, batch_id=None, webhook_url, webhook_header)}: one subscription
   * per project, or per batch, or for every batch of the project (batches created later included); calling it
   * again updates the subscription and keeps its secret.
   */
  @Test
  void isahitSetupWebhookForAProjectABatchAndAllBatchesThenAnUpdateThatKeepsTheSecret() {
    JsonNode project = created("isahit-p42", """
        {"url": "http://127.0.0.1:9/isahit", "format": "original",
         "filter": {"sources": ["isahit"], "projects": ["p42"]},
         "headers": {"Authorization": "isahit-webhook-header"}}""");
    assertThat(project.path("filter").path("projects")).hasSize(1);
    assertThat(project.path("filter").has("batches")).as("all batches: batches absent").isFalse();

    JsonNode batch = created("isahit-p42-b7", """
        {"url": "http://127.0.0.1:9/isahit", "format": "original",
         "filter": {"sources": ["isahit"], "projects": ["p42"], "batches": ["b7"]},
         "headers": {"Authorization": "isahit-webhook-header"}}""");
    assertThat(batch.path("filter").path("batches").get(0).asText()).isEqualTo("b7");

    HttpResponse<String> update = admin.put(BASE + "isahit-p42", """
        {"url": "http://127.0.0.1:9/isahit-v2", "format": "original",
         "filter": {"sources": ["isahit"], "projects": ["p42"]},
         "headers": {"Authorization": "isahit-webhook-header-2"}}""");
    assertThat(update.statusCode()).as(update.body()).isEqualTo(200);
    JsonNode read = json(viewer.get(BASE + "isahit-p42"));
    assertThat(read.path("url").asText()).isEqualTo("http://127.0.0.1:9/isahit-v2");
    assertThat(read.path("headers").path("Authorization").asText()).isEqualTo("****");
    assertThat(read.path("updatedAt").asText()).isNotEqualTo(project.path("updatedAt").asText());
    assertThat(read.path("state").path("status").asText()).isEqualTo("active");
    assertThat(json(admin.get(BASE + "isahit-p42/secret")).path("signingSecret").asText())
        .isEqualTo(project.path("signingSecret").asText());
  }

  /**
   * Kili's {@code create_webhook} then {@code activate_webhook_on_project} / {@code deactivate_webhook_on_project}:
   * a subscription created on no project, activated on projects, deactivated down to none, which stops it rather
   * than widening it to every project.
   */
  @Test
  void kiliCreateWebhookThenActivateAndDeactivateOnProjects() {
    JsonNode none = created("kili-hook", """
        {"url": "http://127.0.0.1:9/kili", "format": "original",
         "filter": {"sources": ["kili"], "projects": [], "types": ["labeling.label.*"]},
         "headers": {"Authorization": "kili-webhook-header"}}""");
    assertThat(none.path("filter").path("projects")).isEmpty();

    assertThat(projects(admin.post(BASE + "kili-hook/projects/pA", null))).containsExactly("pA");
    assertThat(projects(admin.post(BASE + "kili-hook/projects/pB", null))).containsExactly("pA", "pB");
    assertThat(projects(admin.post(BASE + "kili-hook/projects/pB", null))).containsExactly("pA", "pB");
    assertThat(projects(admin.delete(BASE + "kili-hook/projects/pA"))).containsExactly("pB");
    HttpResponse<String> last = admin.delete(BASE + "kili-hook/projects/pB");
    assertThat(projects(last)).isEmpty();
    assertThat(json(last).path("filter").has("projects")).as("[] stays [], not absent").isTrue();
    assertThat(json(admin.get(BASE + "kili-hook")).path("filter").path("types").get(0).asText())
        .isEqualTo("labeling.label.*");

    // A subscription to every project is left as it is by an activation, and cannot lose one.
    created("kili-all", """
        {"url": "http://127.0.0.1:9/kili", "filter": {"sources": ["kili"]}}""");
    assertThat(json(admin.post(BASE + "kili-all/projects/pA", null)).path("filter").has("projects")).isFalse();
    JsonNode refused = assertProblem(admin.delete(BASE + "kili-all/projects/pA"), 409,
        "urn:hookgate:problem:change-refused");
    assertThat(refused.path("detail").asText()).contains("filter.projects");
    assertProblem(admin.post(BASE + "kili-nope/projects/pA", null), 404, "urn:hookgate:problem:unknown-subscription");
  }

  private static List<String> projects(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    List<String> out = new ArrayList<>();
    json(r).path("filter").path("projects").forEach(p -> out.add(p.asText()));
    return out;
  }
}
