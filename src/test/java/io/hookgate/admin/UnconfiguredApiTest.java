package io.hookgate.admin;

import static io.hookgate.http.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hookgate.testing.GatewayHarness;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The management API of a gateway that lacks what it needs: no token (everything but the document answers 503,
 * saying how to set one), no encryption key (reads work, writes answer 503 saying how to set one), and no
 * {@code subscriptions.allowedHosts} (a loopback URL is refused when written).
 */
@ExtendWith(KafkaBrokerExtension.class)
class UnconfiguredApiTest {

  @Test
  void withoutAnyTokenTheApiFailsClosedSayingHowToConfigureOne(KafkaBroker broker) throws Exception {
    Map<String, String> env = ApiGateways.env();
    env.remove("HOOKGATE_ADMIN_TOKEN");
    env.remove("HOOKGATE_VIEWER_TOKEN");
    try (GatewayHarness gateway = ApiGateways.start(broker, env)) {
      ApiClient client = new ApiClient(gateway.managementPort(), ApiGateways.ADMIN_TOKEN);
      for (HttpResponse<String> r : List.of(client.get("/api/v1/subscriptions"), client.as(null).get(
          "/api/v1/subscriptions/x"), client.put("/api/v1/subscriptions/x", "{\"url\": \"http://127.0.0.1/a\"}"))) {
        JsonNode p = assertProblem(r, 503, "urn:hookgate:problem:api-not-configured");
        assertThat(p.path("detail").asText()).contains("HOOKGATE_ADMIN_TOKEN", "HOOKGATE_VIEWER_TOKEN", "api.tokens");
      }
      assertThat(client.as(null).get("/api/v1/openapi.json").statusCode()).isEqualTo(200);
      assertThat(client.as(null).get("/health/live").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void withoutAnEncryptionKeyWritesAnswer503AndWithoutAllowedHostsLoopbackIsRefused(KafkaBroker broker)
      throws Exception {
    Map<String, String> env = ApiGateways.env();
    env.remove("HOOKGATE_ENCRYPTION_KEY");
    env.remove("HOOKGATE_SUBSCRIPTIONS_ALLOWED_HOSTS");
    try (GatewayHarness gateway = ApiGateways.start(broker, env)) {
      ApiClient admin = new ApiClient(gateway.managementPort(), ApiGateways.ADMIN_TOKEN);
      JsonNode loopback = assertProblem(admin.put("/api/v1/subscriptions/local", """
          {"url": "http://127.0.0.1:8080/hook"}"""), 400, "urn:hookgate:problem:invalid-request");
      assertThat(loopback.path("field").asText()).isEqualTo("/url");
      assertThat(loopback.path("detail").asText()).contains("loopback", "subscriptions.allowedHosts");
      assertProblem(admin.put("/api/v1/subscriptions/local", """
          {"url": "http://10.0.0.8/hook"}"""), 400, "urn:hookgate:problem:invalid-request");

      // TEST-NET-3, a public address that nothing is sent to: the request is fine, the gateway cannot store it.
      for (HttpResponse<String> r : List.of(admin.put("/api/v1/subscriptions/public", """
          {"url": "http://203.0.113.10/hook"}"""), admin.post("/api/v1/subscriptions", """
          {"url": "http://203.0.113.10/hook"}"""), admin.post("/api/v1/subscriptions/public/pause", null),
          admin.delete("/api/v1/subscriptions/public"))) {
        JsonNode p = assertProblem(r, 503, "urn:hookgate:problem:encryption-key-missing");
        assertThat(p.path("detail").asText()).contains("HOOKGATE_ENCRYPTION_KEY");
      }
      HttpResponse<String> list = admin.as(ApiGateways.VIEWER_TOKEN).get("/api/v1/subscriptions");
      assertThat(list.statusCode()).isEqualTo(200);
      assertProblem(admin.get("/api/v1/subscriptions/public"), 404, "urn:hookgate:problem:unknown-subscription");
    }
  }
}
