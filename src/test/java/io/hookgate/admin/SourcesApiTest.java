package io.hookgate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.testing.GatewayHarness;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The sources and their last requests over HTTP: what each request was answered, whether its credentials passed,
 * the event it became, and that no credential is ever shown.
 */
@ExtendWith(KafkaBrokerExtension.class)
class SourcesApiTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String KILI_TOKEN = "kili-token-that-must-not-show";
  private static final String CUSTOM_SECRET = "custom-header-secret-value";
  private static GatewayHarness gateway;
  private static ApiClient viewer;
  private static String acceptedId;

  @BeforeAll
  static void start(KafkaBroker broker) throws Exception {
    Map<String, String> env = new HashMap<>(ApiGateways.env());
    env.put("KILI_TOKEN", KILI_TOKEN);
    env.put("GENERIC_TOKEN", CUSTOM_SECRET);
    gateway = GatewayHarness.start(broker, ApiGateways.yaml() + """
        sources:
          kili: { kind: kili, auth: { type: header, header: Authorization, secrets: [ env:KILI_TOKEN ] } }
          custom:
            kind: generic
            auth: { type: header, header: X-Hook-Pass, secrets: [ env:GENERIC_TOKEN ] }
            mapping: { eventType: /type }
          quiet: { kind: isahit, auth: { type: none } }
        """, env);
    viewer = new ApiClient(gateway.managementPort(), ApiGateways.VIEWER_TOKEN);
    HttpClient http = HttpClient.newHttpClient();
    String kili = new String(SourcesApiTest.class.getResourceAsStream("/fixtures/kili-onsubmit-three-boxes.json")
        .readAllBytes());
    HttpResponse<String> accepted = post(http, "kili", kili, Map.of("Authorization", KILI_TOKEN,
        "X-Request-Id", "req-accepted"));
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    acceptedId = MAPPER.readTree(accepted.body()).path("id").asText();
    assertThat(post(http, "kili", kili, Map.of("Authorization", "wrong-" + KILI_TOKEN, "X-Request-Id", "req-401"))
        .statusCode()).isEqualTo(401);
    assertThat(post(http, "kili", "{\"nope\": ", Map.of("Authorization", KILI_TOKEN, "X-Request-Id", "req-400"))
        .statusCode()).isEqualTo(400);
    assertThat(post(http, "custom", "{\"type\": \"x\"}", Map.of("X-Hook-Pass", CUSTOM_SECRET,
        "X-Request-Id", "req-custom")).statusCode()).isEqualTo(202);
    assertThat(post(http, "nowhere", "{}", Map.of()).statusCode()).isEqualTo(404);
  }

  private static HttpResponse<String> post(HttpClient http, String source, String body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.webhookUrl(source)))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return MAPPER.readTree(r.body());
  }

  @Test
  void aSourcesRequestsSayWhatEachWasAnsweredNewestFirst() throws Exception {
    HttpResponse<String> r = viewer.get("/api/v1/sources/kili/requests");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode page = json(r);
    assertThat(page.path("replica").asText()).isNotBlank();
    assertThat(page.path("source").asText()).isEqualTo("kili");
    JsonNode items = page.path("items");
    assertThat(items).hasSize(3);
    JsonNode malformed = items.get(0);
    assertThat(malformed.path("id").asText()).isEqualTo("req-400");
    assertThat(malformed.path("status").asInt()).isEqualTo(400);
    assertThat(malformed.path("auth").asText()).as("the token was checked before the JSON").isEqualTo("accepted");
    assertThat(malformed.path("problemType").asText()).isEqualTo("urn:hookgate:problem:malformed-json");
    assertThat(malformed.path("detail").asText()).isNotBlank();
    assertThat(malformed.path("eventId").isNull()).isTrue();

    JsonNode refused = items.get(1);
    assertThat(refused.path("id").asText()).isEqualTo("req-401");
    assertThat(refused.path("status").asInt()).isEqualTo(401);
    assertThat(refused.path("auth").asText()).isEqualTo("refused");
    assertThat(refused.path("authReason").asText()).isEqualTo("auth_invalid");
    assertThat(refused.path("headers").path("authorization").asText()).isEqualTo("***");

    JsonNode accepted = items.get(2);
    assertThat(accepted.path("id").asText()).isEqualTo("req-accepted");
    assertThat(accepted.path("status").asInt()).isEqualTo(202);
    assertThat(accepted.path("auth").asText()).isEqualTo("accepted");
    assertThat(accepted.path("eventId").asText()).isEqualTo(acceptedId);
    assertThat(accepted.path("problemType").isNull()).isTrue();
    assertThat(accepted.path("method").asText()).isEqualTo("POST");
    assertThat(accepted.path("path").asText()).isEqualTo("/webhooks/kili");
    assertThat(accepted.path("contentType").asText()).isEqualTo("application/json");
    assertThat(accepted.path("bodyBytes").asLong()).isPositive();
    assertThat(accepted.path("remoteAddress").asText()).isEqualTo("127.0.0.1");
    assertThat(accepted.path("headers").path("authorization").asText()).isEqualTo("***");
    assertThat(accepted.path("receivedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

    assertThat(r.body()).doesNotContain(KILI_TOKEN);
    assertThat(json(viewer.get("/api/v1/sources/kili/requests?limit=1")).path("items")).hasSize(1);
  }

  @Test
  void aHeaderTheSourceAuthenticatesWithIsMaskedWhateverItsName() throws Exception {
    HttpResponse<String> r = viewer.get("/api/v1/sources/custom/requests");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).path("items").get(0).path("headers").path("x-hook-pass").asText()).isEqualTo("***");
    assertThat(r.body()).doesNotContain(CUSTOM_SECRET);
  }

  @Test
  void theSourcesListCountsWhatEachAnsweredWithTheRefusalsByType() throws Exception {
    HttpResponse<String> r = viewer.get("/api/v1/sources");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode items = json(r).path("items");
    assertThat(items).extracting(n -> n.path("name").asText()).containsExactly("custom", "kili", "quiet");
    JsonNode kili = items.get(1);
    assertThat(kili.path("kind").asText()).isEqualTo("kili");
    assertThat(kili.path("authType").asText()).isEqualTo("header");
    JsonNode recent = kili.path("recent");
    assertThat(recent.path("window").asText()).isEqualTo("PT15M");
    assertThat(recent.path("accepted").asLong()).isEqualTo(1);
    assertThat(recent.path("refused").asLong()).isEqualTo(2);
    assertThat(recent.path("refusals")).extracting(n -> n.path("problemType").asText() + " " + n.path("count"))
        .containsExactlyInAnyOrder("urn:hookgate:problem:unauthorized 1", "urn:hookgate:problem:malformed-json 1");
    assertThat(items.get(2).path("recent").path("accepted").asLong()).isZero();
  }

  @Test
  void anUnknownSourceIs404AndAnUnknownTokenIs401() throws Exception {
    HttpResponse<String> unknown = viewer.get("/api/v1/sources/nowhere/requests");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(json(unknown).path("type").asText()).isEqualTo("urn:hookgate:problem:unknown-source");
    assertThat(viewer.as("not-a-token").get("/api/v1/sources").statusCode()).isEqualTo(401);
    assertThat(viewer.get("/api/v1/sources/kili/requests?limit=0").statusCode()).isEqualTo(400);
  }
}
