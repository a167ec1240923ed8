package io.hookgate.admin;

import static io.hookgate.admin.ApiClient.json;
import static io.hookgate.http.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The rule dry-run, {@code POST /api/v1/rules/test}, against real events of a running gateway: a CEL expression
 * (boolean or not) and a subscription's filter evaluated on the last events, newest first, narrowed to a source
 * or project; compile errors with their position; a viewer may call it.
 */
@ExtendWith(KafkaBrokerExtension.class)
class RulesTestApiTest {
  private static final String PATH = "/api/v1/rules/test";
  private static final String INVALID = "urn:hookgate:problem:invalid-request";
  private static TailGateway gateway;
  private static ApiClient viewer;

  @BeforeAll
  static void start(KafkaBroker broker) throws Exception {
    gateway = TailGateway.start(broker, "{}", Map.of());
    viewer = new ApiClient(gateway.port(), ApiGateways.VIEWER_TOKEN);
    for (int n = 1; n <= 5; n++) {
      gateway.post("dry-" + n, "p-dry", "\"n\":" + n + ",\"label\":{\"boxes\":" + (n % 2) + "}");
    }
    gateway.post("other-1", "p-other", "\"n\":100");
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private static List<String> ids(JsonNode answer, String field) {
    List<String> out = new ArrayList<>();
    answer.path("results").forEach(r -> out.add(r.path(field).asText()));
    return out;
  }

  @Test
  void aBooleanExpressionOnTheLastEventsOfAProjectSaysWhichMatchedNewestFirst() {
    HttpResponse<String> r = viewer.post(PATH, """
        {"match": "int(event.data.original.n) >= 3", "project": "p-dry", "last": 4}""");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode answer = json(r);
    assertThat(answer.path("checked").asInt()).isEqualTo(4);
    assertThat(answer.path("scanned").asInt()).isGreaterThanOrEqualTo(6);
    assertThat(ids(answer, "id")).containsExactly("dry-5", "dry-4", "dry-3", "dry-2");
    assertThat(answer.path("matched")).extracting(JsonNode::asText).containsExactly("dry-5", "dry-4", "dry-3");
    JsonNode newest = answer.path("results").get(0);
    assertThat(newest.path("matched").asBoolean()).isTrue();
    assertThat(newest.path("value").asBoolean()).isTrue();
    assertThat(newest.path("type").asText()).isEqualTo("webhook.received");
    assertThat(newest.path("source").asText()).isEqualTo("feed");
    assertThat(newest.path("project").asText()).isEqualTo("p-dry");
    assertThat(newest.path("time").asText()).isNotBlank();
    assertThat(answer.path("results").get(3).path("value").asBoolean()).isFalse();
  }

  @Test
  void anExpressionOfAnotherTypeShowsItsValueAndAFailureOnAnEventIsThatEventsError() {
    JsonNode values = json(viewer.post(PATH, """
        {"match": "event.data.original.label", "project": "p-dry", "last": 2}"""));
    assertThat(values.path("results").get(0).path("value").path("boxes").asInt()).isEqualTo(1);
    assertThat(values.path("results").get(1).path("value").path("boxes").asInt()).isZero();
    assertThat(values.path("matched")).isEmpty();
    JsonNode failing = json(viewer.post(PATH, """
        {"match": "event.data.original.missing == 1", "source": "feed", "last": 3}"""));
    assertThat(failing.path("checked").asInt()).isEqualTo(3);
    failing.path("results").forEach(result -> {
      assertThat(result.path("matched").asBoolean()).isFalse();
      assertThat(result.path("error").asText()).contains("missing");
    });
  }

  @Test
  void aSubscriptionsFilterBeforeItIsSavedSaysWhichFieldRefusedEachEvent() {
    JsonNode answer = json(viewer.post(PATH, """
        {"filter": {"sources": ["feed"], "projects": ["p-dry"], "types": ["webhook.*"],
                    "match": "int(event.data.original.n) % 2 == 1"}, "last": 6}"""));
    assertThat(answer.path("checked").asInt()).isEqualTo(6);
    for (JsonNode result : answer.path("results")) {
      String id = result.path("id").asText();
      if (id.equals("other-1")) {
        assertThat(result.path("refusedBy").asText()).isEqualTo("projects");
      } else if (answer.path("matched").toString().contains("\"" + id + "\"")) {
        assertThat(result.has("refusedBy")).isFalse();
      } else {
        assertThat(result.path("refusedBy").asText()).isEqualTo("match");
      }
    }
    assertThat(answer.path("matched")).extracting(JsonNode::asText)
        .containsExactlyInAnyOrder("dry-1", "dry-3", "dry-5");
    JsonNode types = json(viewer.post(PATH, """
        {"filter": {"types": ["labeling.label.*"]}, "project": "p-dry", "last": 1}"""));
    assertThat(types.path("results").get(0).path("refusedBy").asText()).isEqualTo("types");
  }

  @Test
  void whatDoesNotCompileIsA400WithItsPositionAndTheRequestMustSayWhatToTry() {
    JsonNode p = assertProblem(viewer.post(PATH, """
        {"match": "event.data.original.n >"}"""), 400, INVALID);
    assertThat(p.path("field").asText()).isEqualTo("/match");
    assertThat(p.path("detail").asText()).contains("line 1, column");
    p = assertProblem(viewer.post(PATH, """
        {"filter": {"match": "nope == 1"}}"""), 400, INVALID);
    assertThat(p.path("field").asText()).isEqualTo("/filter/match");
    assertThat(p.path("detail").asText()).contains("line 1, column 1").contains("nope");
    p = assertProblem(viewer.post(PATH, """
        {"filter": {"match": "size(event.type) + 1"}}"""), 400, INVALID);
    assertThat(p.path("detail").asText()).contains("boolean");
    p = assertProblem(viewer.post(PATH, """
        {"filter": {"types": ["label*"]}}"""), 400, INVALID);
    assertThat(p.path("field").asText()).isEqualTo("/filter/types/0");
    assertProblem(viewer.post(PATH, "{\"last\": 5}"), 400, INVALID);
    assertProblem(viewer.post(PATH, """
        {"match": "true", "filter": {}}"""), 400, INVALID);
    p = assertProblem(viewer.post(PATH, """
        {"match": "true", "last": 1001}"""), 400, INVALID);
    assertThat(p.path("field").asText()).isEqualTo("/last");
    assertProblem(viewer.as(null).post(PATH, "{\"match\": \"true\"}"), 401, "urn:hookgate:problem:unauthorized");
  }
}
