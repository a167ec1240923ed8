package io.hookgate.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.testing.GatewayHarness;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import io.hookgate.testing.RecordingHttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Recover, jobs and dead letters over HTTP: the dry run's count, the job's progress, its refusals. */
@ExtendWith(KafkaBrokerExtension.class)
class JobsApiTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static GatewayHarness gateway;
  private static RecordingHttpServer receiver;
  private static ApiClient admin;
  private static ApiClient viewer;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start(KafkaBroker broker) throws Exception {
    receiver = RecordingHttpServer.start();
    gateway = ApiGateways.startDelivering(broker, ApiGateways.env());
    admin = new ApiClient(gateway.managementPort(), ApiGateways.ADMIN_TOKEN);
    viewer = admin.as(ApiGateways.VIEWER_TOKEN);
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

  private static JsonNode json(HttpResponse<String> r) {
    try {
      return MAPPER.readTree(r.body());
    } catch (Exception e) {
      throw new IllegalStateException(r.body(), e);
    }
  }

  private void post(String task) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(gateway.webhookUrl("isahit")))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("""
            {"workflowId": "wf", "type": "annotation", "taskId": "%s", "batchId": "b1", "projectId": "jobs-p"}"""
            .formatted(task)))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
  }

  @Test
  void aRecoverDryRunCountsThenTheJobSendsThatManyAndSaysSo() throws Exception {
    Instant since = Instant.now();
    for (int i = 0; i < 3; i++) {
      post("r-" + i);
    }
    await().atMost(Duration.ofSeconds(2)).pollDelay(Duration.ofMillis(50)).until(() -> true);
    String body = """
        {"url": "%s/recovered", "filter": {"sources": ["isahit"], "projects": ["jobs-p"]}}"""
        .formatted(receiver.baseUrl());
    assertThat(admin.put("/api/v1/subscriptions/recovered", body).statusCode()).isEqualTo(201);
    String range = """
        {"since": "%s", "until": "%s"%s}""";
    HttpResponse<String> dry = admin.post("/api/v1/subscriptions/recovered/recover",
        range.formatted(since, Instant.now(), ", \"dryRun\": true"));
    assertThat(dry.statusCode()).as(dry.body()).isEqualTo(200);
    assertThat(json(dry).path("count").asInt()).isEqualTo(3);
    assertThat(json(dry).path("sample")).hasSize(3);

    HttpResponse<String> started = admin.post("/api/v1/subscriptions/recovered/recover",
        range.formatted(since, Instant.now(), ""));
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    String job = json(started).path("jobId").asText();
    assertThat(started.headers().firstValue("Location")).hasValue("/api/v1/jobs/" + job);
    await().atMost(Duration.ofSeconds(60)).until(() -> json(viewer.get("/api/v1/jobs/" + job)).path("status")
        .asText().equals("done"));
    assertThat(json(viewer.get("/api/v1/jobs/" + job)).path("progress").path("sent").asInt()).isEqualTo(3);
    receiver.await("/recovered", 3, Duration.ofSeconds(30));
    assertThat(json(viewer.get("/api/v1/jobs")).path("items").toString()).contains(job);
  }

  @Test
  void refusals() {
    assertThat(admin.post("/api/v1/subscriptions/nope/recover", "{\"since\": \"2026-01-01T00:00:00Z\"}")
        .statusCode()).isEqualTo(404);
    assertThat(admin.post("/api/v1/subscriptions/nope/recover", "{}").statusCode()).as("since is required")
        .isEqualTo(400);
    assertThat(viewer.post("/api/v1/dead-letters/redrive", "{\"target\": \"x\"}").statusCode()).isEqualTo(403);
    HttpResponse<String> both = admin.post("/api/v1/dead-letters/redrive",
        "{\"target\": \"x\", \"subscription\": \"y\"}");
    assertThat(both.statusCode()).isEqualTo(400);
    assertThat(viewer.get("/api/v1/jobs/job_missing").statusCode()).isEqualTo(404);
    HttpResponse<String> list = viewer.get("/api/v1/dead-letters?since=2026-01-01T00:00:00Z&limit=5");
    assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
    assertThat(json(list).path("items").isArray()).isTrue();
    assertThat(admin.put("/api/v1/subscriptions/cursors", "{\"url\": \"%s/cursors\"}".formatted(receiver.baseUrl()))
        .statusCode()).isEqualTo(201);
    for (String path : new String[] {"/api/v1/dead-letters?cursor=%25%25not-base64",
        "/api/v1/subscriptions?cursor=%25%25not-base64", "/api/v1/subscriptions/cursors/attempts?cursor=%25%25"}) {
      HttpResponse<String> badCursor = viewer.get(path);
      assertThat(badCursor.statusCode()).as(path + " " + badCursor.body()).isEqualTo(400);
      assertThat(badCursor.body()).contains("cursor");
    }
  }
}
