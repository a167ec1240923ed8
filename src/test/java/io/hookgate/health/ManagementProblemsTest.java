package io.hookgate.health;

import static io.hookgate.http.ProblemAssert.assertProblem;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Errors of the management port (health, metrics, delivery status API) on a running gateway: RFC 9457
 * problems with the same fields as the ingress's ({@code type}, {@code title}, {@code status},
 * {@code detail}, {@code instance}, {@code reason}), and 405 with {@code Allow} for a wrong method on a path
 * that exists.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ManagementProblemsTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static GatewayHarness gateway;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start(KafkaBroker broker) throws Exception {
    // A target, so that the delivery status API is mounted; no rule, so it is never called.
    gateway = GatewayHarness.start(broker, """
        sources:
          open:
            kind: generic
            auth: { type: none }
            mapping: { eventType: /type }
        targets:
          echo:
            baseUrl: http://127.0.0.1:9/never-called
        """, Map.of());
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void anUnknownPathIsA404ProblemShapedLikeTheIngresss() throws Exception {
    JsonNode ingress = assertProblem(send("GET", "http://127.0.0.1:" + gateway.ingressPort() + "/nope"), 404,
        "urn:hookgate:problem:not-found");
    for (String path : List.of("/nope", "/health/nope", "/api/v1/nope", "/api/v1/targets/echo/nope")) {
      JsonNode p = assertProblem(send("GET", management(path)), 404, "urn:hookgate:problem:not-found");
      assertThat(p.path("instance").asText()).isEqualTo(path);
      assertThat(p.path("reason").asText()).isEqualTo("not_found");
      assertThat(p.path("detail").asText()).contains(path);
      assertThat(fields(p)).as(path).isEqualTo(fields(ingress));
    }
  }

  @Test
  void anUnknownTargetOrSubscriptionIsA404ProblemSayingWhich() throws Exception {
    assertThat(send("GET", management("/api/v1/targets/echo/status")).statusCode()).isEqualTo(200);

    for (String path : List.of("/api/v1/targets/nope/status", "/api/v1/targets/nope/subscriptions")) {
      JsonNode p = assertProblem(send("GET", management(path)), 404, "urn:hookgate:problem:unknown-target");
      assertThat(p.path("title").asText()).isEqualTo("Unknown Target");
      assertThat(p.path("detail").asText()).isEqualTo("no target named 'nope'");
      assertThat(p.path("instance").asText()).isEqualTo(path);
      assertThat(p.path("reason").asText()).isEqualTo("unknown_target");
    }

    String path = "/api/v1/targets/echo/subscriptions/open/-/status";
    JsonNode p = assertProblem(send("GET", management(path)), 404, "urn:hookgate:problem:unknown-subscription");
    assertThat(p.path("detail").asText()).contains("'echo'", "'open'");
    assertThat(p.path("instance").asText()).isEqualTo(path);
    assertThat(p.path("reason").asText()).isEqualTo("unknown_subscription");
  }

  @Test
  void aWrongMethodOnAnExistingPathIs405WithAllowAndAProblem() throws Exception {
    Map<String, String> cases = Map.of(
        "/health/live", "POST",
        "/health/ready", "PUT",
        "/metrics", "DELETE",
        "/api/v1/targets", "POST",
        "/api/v1/targets/echo/status", "PATCH",
        "/api/v1/targets/nope/subscriptions/open/-/status", "POST");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      HttpResponse<String> r = send(c.getValue(), management(c.getKey()));
      JsonNode p = assertProblem(r, 405, "urn:hookgate:problem:method-not-allowed");
      assertThat(r.headers().allValues("Allow")).as(c.toString()).containsExactly("GET");
      assertThat(p.path("instance").asText()).isEqualTo(c.getKey());
      assertThat(p.path("reason").asText()).isEqualTo("method_not_allowed");
      assertThat(p.path("detail").asText()).contains(c.getValue());
      // The path still answers GET.
      assertThat(send("GET", management(c.getKey())).statusCode()).as(c.getKey()).isIn(200, 404);
    }
    // HEAD: the same status and Allow, without a body.
    HttpResponse<String> head = send("HEAD", management("/health/live"));
    assertThat(head.statusCode()).isEqualTo(405);
    assertThat(head.headers().allValues("Allow")).containsExactly("GET");
    assertThat(head.body()).isEmpty();
  }

  private HttpResponse<String> send(String method, String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static List<String> fields(JsonNode problem) {
    List<String> names = new ArrayList<>();
    problem.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static String management(String path) {
    return "http://127.0.0.1:" + gateway.managementPort() + path;
  }
}
