package io.hookgate.admin;

import static io.hookgate.admin.ApiClient.json;
import static io.hookgate.http.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hookgate.testing.GatewayHarness;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import io.hookgate.testing.LogCapture;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the management API refuses, on a configured gateway: every refusal an RFC 9457 problem, a 400 naming the
 * field (JSON Pointer into the body, or the parameter); 401 and 403 by token and role; 404, 405, 413, 415.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ApiRefusalsTest {
  private static final String PATH = "/api/v1/subscriptions/refused";
  private static final String INVALID = "urn:hookgate:problem:invalid-request";
  private static GatewayHarness gateway;
  private static ApiClient admin;

  @BeforeAll
  static void start(KafkaBroker broker) throws Exception {
    gateway = ApiGateways.start(broker, ApiGateways.env());
    admin = new ApiClient(gateway.managementPort(), ApiGateways.ADMIN_TOKEN);
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  /** Asserts a 400 naming {@code field}; returns the problem. */
  private static JsonNode invalid(String body, String field) {
    JsonNode p = assertProblem(admin.put(PATH, body), 400, INVALID);
    assertThat(p.path("field").asText()).as(p.toString()).isEqualTo(field);
    assertThat(p.path("instance").asText()).isEqualTo(PATH);
    return p;
  }

  @Test
  void malformedJsonIsA400() {
    JsonNode p = assertProblem(admin.put(PATH, "{\"url\": "), 400, "urn:hookgate:problem:malformed-json");
    assertThat(p.path("detail").asText()).contains("not valid JSON");
    assertProblem(admin.put(PATH, "[1, 2]"), 400, INVALID);
    assertThat(assertProblem(admin.send("PUT", PATH, null, Map.of()), 400, INVALID).path("detail").asText())
        .contains("body is required");
  }

  @Test
  void unknownFieldsAreRefusedWhereverTheyAre() {
    assertThat(invalid("{\"url\": \"http://127.0.0.1/a\", \"bogus\": 1}", "/bogus").path("detail").asText())
        .isEqualTo("bogus: unknown field");
    assertThat(invalid("{\"url\": \"http://127.0.0.1/a\", \"filter\": {\"project\": [\"p\"]}}", "/filter/project")
        .path("detail").asText()).isEqualTo("filter.project: unknown field");
    invalid("{\"url\": \"http://127.0.0.1/a\", \"retry\": {\"attempts\": 3}}", "/retry/attempts");
  }

  @Test
  void aMissingUrlOrAValueOfTheWrongTypeNamesTheField() {
    assertThat(invalid("{\"description\": \"no url\"}", "/url").path("detail").asText()).isEqualTo("url: is required");
    assertThat(invalid("{\"url\": \"http://127.0.0.1/a\", \"filter\": {\"sources\": [\"kili\", 7]}}",
        "/filter/sources/1").path("detail").asText()).startsWith("filter.sources[1]: ").contains("string");
    invalid("{\"url\": \"http://127.0.0.1/a\", \"active\": \"yes\"}", "/active");
    invalid("{\"url\": \"http://127.0.0.1/a\", \"format\": \"xml\"}", "/format");
    invalid("{\"url\": \"http://127.0.0.1/a\", \"timeout\": \"soon\"}", "/timeout");
    invalid("{\"url\": \"http://127.0.0.1/a\", \"headers\": {\"X-Count\": 3}}", "/headers/X-Count");
    invalid("{\"url\": \"http://127.0.0.1/a\", \"retry\": {\"maxAttempts\": 0}}", "/retry/maxAttempts");
    assertThat(invalid("{\"url\": \"http://127.0.0.1/a\", \"retry\": {\"initialBackoff\": \"10s\", "
        + "\"maxBackoff\": \"1s\"}}", "/retry/maxBackoff").path("detail").asText()).contains("initialBackoff");
  }

  @Test
  void aUrlMustBeAbsoluteHttpOrHttpsWithoutCredentials() {
    assertThat(invalid("{\"url\": \"ftp://files.example.com/drop\"}", "/url").path("detail").asText())
        .isEqualTo("url: must start with http:// or https://");
    invalid("{\"url\": \"/relative/path\"}", "/url");
    JsonNode credentials = invalid("{\"url\": \"https://user:pa55@hooks.example.com/x\"}", "/url");
    assertThat(credentials.path("detail").asText()).contains("credentials").doesNotContain("pa55");
  }

  @Test
  void privateAddressesAreRefusedUnlessSubscriptionsAllowedHostsAllowsThem() {
    // HOOKGATE_SUBSCRIPTIONS_ALLOWED_HOSTS=127.0.0.1,10.0.0.0/8: those pass, other private ranges do not.
    JsonNode p = invalid("{\"url\": \"http://192.168.1.20/hook\"}", "/url");
    assertThat(p.path("detail").asText()).contains("192.168.1.20", "private", "subscriptions.allowedHosts");
    invalid("{\"url\": \"http://169.254.169.254/latest/meta-data\"}", "/url");
    invalid("{\"url\": \"http://[::1]:8080/hook\"}", "/url");
    List<String> allowed = List.of("http://127.0.0.1:9/hook", "http://10.20.30.40/hook");
    for (int i = 0; i < allowed.size(); i++) {
      HttpResponse<String> r = admin.put("/api/v1/subscriptions/allowed-" + i,
          "{\"url\": \"" + allowed.get(i) + "\"}");
      assertThat(r.statusCode()).as(allowed.get(i) + ": " + r.body()).isEqualTo(201);
    }
  }

  @Test
  void aFilterMatchThatDoesNotCompileIsRefusedWithItsPosition() {
    JsonNode p = invalid("{\"url\": \"http://127.0.0.1/a\", \"filter\": {\"match\": \"event.type == \"}}",
        "/filter/match");
    assertThat(p.path("detail").asText()).startsWith("filter.match").contains("line 1, column 15");
    JsonNode undeclared = invalid("{\"url\": \"http://127.0.0.1/a\", \"filter\": {\"match\": \"\\nnope > 1\"}}",
        "/filter/match");
    assertThat(undeclared.path("detail").asText()).contains("line 2, column 1").contains("nope");
    assertThat(invalid("{\"url\": \"http://127.0.0.1/a\", \"filter\": {\"match\": \"1 + 2\"}}",
        "/filter/match").path("detail").asText()).contains("boolean");
    assertThat(admin.put("/api/v1/subscriptions/cel-ok", """
        {"url": "http://127.0.0.1:9/a", "filter": {"match": "event.type.startsWith('labeling.')"}}""")
        .statusCode()).isEqualTo(201);
  }

  @Test
  void eventTypesAreExactOrPrefixesEndingInDotStar() {
    invalid("{\"url\": \"http://127.0.0.1/a\", \"filter\": {\"types\": [\"labeling.label.*\", \"labeling.*.done\"]}}",
        "/filter/types/1");
    invalid("{\"url\": \"http://127.0.0.1/a\", \"filter\": {\"types\": [\"*\"]}}", "/filter/types/0");
  }

  @Test
  void headersMustBeValidHttpAndNotHookgatesOwn() {
    assertThat(invalid("{\"url\": \"http://127.0.0.1/a\", \"headers\": {\"X Bad\": \"v\"}}", "/headers/X Bad")
        .path("detail").asText()).contains("not a valid HTTP header name");
    JsonNode value = invalid("{\"url\": \"http://127.0.0.1/a\", \"headers\": {\"Authorization\": "
        + "\"secret-1\\r\\nX-Injected: 1\"}}", "/headers/Authorization");
    assertThat(value.path("detail").asText()).contains("not a valid HTTP header value").doesNotContain("secret-1");
    for (String reserved : List.of("Host", "content-type", "Content-Length", "webhook-signature", "Idempotency-Key",
        "traceparent", "ce-id")) {
      invalid("{\"url\": \"http://127.0.0.1/a\", \"headers\": {\"" + reserved + "\": \"v\"}}", "/headers/" + reserved);
    }
    invalid("{\"url\": \"http://127.0.0.1/a\", \"headers\": {\"X-Key\": \"a\", \"x-key\": \"b\"}}", "/headers/x-key");
  }

  @Test
  void anOversizedBodyIs413AndAnotherContentTypeIs415() {
    String big = "{\"url\": \"http://127.0.0.1/a\", \"description\": \"" + "d".repeat(70 * 1024) + "\"}";
    JsonNode p = assertProblem(admin.put(PATH, big), 413, "urn:hookgate:problem:body-too-large");
    assertThat(p.path("detail").asText()).contains("64 KiB");
    assertProblem(admin.send("PUT", PATH, "{\"url\": \"http://127.0.0.1/a\"}", Map.of("Content-Type", "text/plain")),
        415, "urn:hookgate:problem:unsupported-media-type");
    assertProblem(admin.send("PUT", PATH, "url=http://127.0.0.1/a",
        Map.of("Content-Type", "application/x-www-form-urlencoded")), 415,
        "urn:hookgate:problem:unsupported-media-type");
    assertThat(admin.send("PUT", PATH, "{\"url\": \"http://127.0.0.1:9/a\"}",
        Map.of("Content-Type", "application/json; charset=utf-8")).statusCode()).isIn(200, 201);
  }

  @Test
  void parametersAreValidatedAndNamed() {
    JsonNode id = assertProblem(admin.put("/api/v1/subscriptions/-starts-with-a-dash",
        "{\"url\": \"http://127.0.0.1/a\"}"), 400, INVALID);
    assertThat(id.path("field").asText()).isEqualTo("id");
    assertThat(id.path("detail").asText()).startsWith("path parameter id: ");
    assertProblem(admin.get("/api/v1/subscriptions/" + "x".repeat(129)), 400, INVALID);
    for (String query : List.of("limit=0", "limit=1001", "limit=ten")) {
      JsonNode p = assertProblem(admin.get("/api/v1/subscriptions?" + query), 400, INVALID);
      assertThat(p.path("field").asText()).isEqualTo("limit");
      assertThat(p.path("detail").asText()).startsWith("query parameter limit: ");
    }
    assertThat(assertProblem(admin.get("/api/v1/subscriptions?cursor=%25%25"), 400, INVALID).path("field").asText())
        .isEqualTo("cursor");
  }

  @Test
  void unknownPathsAre404AndWrongMethods405WithAllow() {
    JsonNode p = assertProblem(admin.get("/api/v1/subscriptions/x/nope"), 404, "urn:hookgate:problem:not-found");
    assertThat(p.path("instance").asText()).isEqualTo("/api/v1/subscriptions/x/nope");
    assertProblem(admin.get("/api/v1/nothing-here"), 404, "urn:hookgate:problem:not-found");
    HttpResponse<String> patch = admin.send("PATCH", "/api/v1/subscriptions/x", "{}", Map.of());
    assertProblem(patch, 405, "urn:hookgate:problem:method-not-allowed");
    assertThat(patch.headers().allValues("Allow")).containsExactly("DELETE, GET, PUT");
    HttpResponse<String> get = admin.get("/api/v1/subscriptions/x/pause");
    assertProblem(get, 405, "urn:hookgate:problem:method-not-allowed");
    assertThat(get.headers().allValues("Allow")).containsExactly("POST");
    // The health endpoints are as they were.
    assertThat(admin.as(null).get("/health/live").statusCode()).isEqualTo(200);
  }

  @Test
  void aTokenIsNeededAndAViewerOnlyReads() {
    ApiClient nobody = admin.as(null);
    ApiClient viewer = admin.as(ApiGateways.VIEWER_TOKEN);
    for (HttpResponse<String> r : List.of(nobody.get("/api/v1/subscriptions"), admin.as("wrong").get(
        "/api/v1/subscriptions"), nobody.put(PATH, "{\"url\": \"http://127.0.0.1/a\"}"),
        nobody.send("GET",
            "/api/v1/subscriptions", null, Map.of("Authorization", "Basic " + ApiGateways.ADMIN_TOKEN)))) {
      assertProblem(r, 401, "urn:hookgate:problem:unauthorized");
      assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"hookgate\"");
    }
    assertThat(viewer.get("/api/v1/subscriptions").statusCode()).isEqualTo(200);
    assertThat(admin.send("GET", "/api/v1/subscriptions", null, Map.of("Authorization", "bearer "
        + ApiGateways.ADMIN_TOKEN)).statusCode()).as("the scheme is case-insensitive").isEqualTo(200);
    for (HttpResponse<String> r : List.of(viewer.put(PATH, "{\"url\": \"http://127.0.0.1/a\"}"),
        viewer.post("/api/v1/subscriptions", "{\"url\": \"http://127.0.0.1/a\"}"), viewer.delete(PATH),
        viewer.post(PATH + "/pause", null), viewer.post(PATH + "/projects/p1", null))) {
      JsonNode p = assertProblem(r, 403, "urn:hookgate:problem:forbidden");
      assertThat(p.path("detail").asText()).contains("admin role");
    }
    // Authorization comes before validation: a viewer's invalid write is a 403, not a 400.
    assertProblem(viewer.put(PATH, "{nope"), 403, "urn:hookgate:problem:forbidden");
  }

  @Test
  void tokensNeverReachTheLogsAndEachRequestHasAnAccessLogLine() {
    try (LogCapture logs = new LogCapture("hookgate.api")) {
      admin.as(ApiGateways.VIEWER_TOKEN).delete(PATH);
      admin.get("/api/v1/subscriptions");
      admin.as("not-a-token-" + ApiGateways.ADMIN_TOKEN).get("/api/v1/subscriptions");
      List<String> lines = logs.lines();
      assertThat(lines).noneMatch(l -> l.contains(ApiGateways.ADMIN_TOKEN) || l.contains(ApiGateways.VIEWER_TOKEN));
      assertThat(lines).anyMatch(l -> l.contains("hookgate.api DELETE " + PATH + " 403") && l.contains("role=viewer"));
      assertThat(lines).anyMatch(l -> l.contains("GET /api/v1/subscriptions 200") && l.contains("role=admin"));
      assertThat(lines).anyMatch(l -> l.contains("GET /api/v1/subscriptions 401") && l.contains("role=-"));
    }
    assertThat(json(admin.get("/api/v1/subscriptions")).toString()).doesNotContain(ApiGateways.ADMIN_TOKEN);
  }
}
