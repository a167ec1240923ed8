package io.hookgate.admin;

import static io.hookgate.admin.ApiClient.json;
import static io.hookgate.admin.TailGateway.seconds;
import static io.hookgate.http.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import io.hookgate.testing.SseStream;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The live tail, {@code GET /api/v1/events/stream}, on a running gateway with a real broker, read with an SSE
 * client on the JDK's HttpClient: events as one line of structured JSON with a resumable id, filters, the
 * heartbeat, reconnecting with {@code Last-Event-ID}, retention, the token in the query for browsers, and the
 * stream limit set from the environment.
 */
@ExtendWith(KafkaBrokerExtension.class)
class EventsStreamTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int MAX_CLIENTS = 5;
  private static TailGateway gateway;
  private static ApiClient viewer;

  @BeforeAll
  static void start(KafkaBroker broker) throws Exception {
    gateway = TailGateway.start(broker, "{ heartbeat: 300ms }",
        Map.of("HOOKGATE_MANAGEMENT_STREAMS_MAX_CLIENTS", String.valueOf(MAX_CLIENTS)));
    viewer = new ApiClient(gateway.port(), ApiGateways.VIEWER_TOKEN);
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  /** Each test starts with every stream of the one before closed, so that the limit is the test's own. */
  @BeforeEach
  void noStreamOpen() {
    await().atMost(seconds(10)).until(() -> gateway.metric("hookgate_tail_streams") == 0);
  }

  private static JsonNode data(SseStream.Message m) throws Exception {
    assertThat(m.data()).as("one line").doesNotContain("\n");
    return MAPPER.readTree(m.data());
  }

  private static List<String> ids(List<SseStream.Message> events) throws Exception {
    List<String> out = new ArrayList<>();
    for (SseStream.Message m : events) {
      out.add(data(m).path("id").asText());
    }
    return out;
  }

  /** Reads events until the one with id {@code last}, and gives their event ids. */
  private static List<String> until(SseStream s, String last) throws Exception {
    List<String> out = new ArrayList<>();
    while (!out.contains(last)) {
      out.addAll(ids(s.events(1, seconds(20))));
    }
    return out;
  }

  @Test
  void aStreamStartsNowAndCarriesEachEventAsOneLineOfStructuredJsonWithAResumableId() throws Exception {
    gateway.post("now-before", "p-now");
    try (SseStream s = gateway.open(Map.of(), null)) {
      assertThat(s.status()).isEqualTo(200);
      assertThat(s.response().headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
      assertThat(s.response().headers().firstValue("Cache-Control")).hasValue("no-cache");
      // The first message has no event but the position: a client that reconnects before any event resumes there.
      await().atMost(seconds(10)).until(() -> s.lastEventId() != null);
      String start = s.lastEventId();
      assertThat(start).matches("0:\\d+,1:\\d+,2:\\d+");
      gateway.post("now-1", "p-now", "\"n\":1");
      gateway.post("now-2", "p-now", "\"note\":\"two\\nlines\"");
      List<SseStream.Message> events = s.events(2, seconds(20));
      JsonNode first = data(events.get(0));
      assertThat(first.path("specversion").asText()).isEqualTo("1.0");
      assertThat(first.path("id").asText()).isEqualTo("now-1");
      assertThat(first.path("source").asText()).isEqualTo("/sources/feed");
      assertThat(first.path("type").asText()).isEqualTo("webhook.received");
      assertThat(first.path("data").path("projectId").asText()).isEqualTo("p-now");
      assertThat(first.path("data").path("original").path("n").asInt()).isEqualTo(1);
      assertThat(data(events.get(1)).path("data").path("original").path("note").asText()).isEqualTo("two\nlines");
      assertThat(events.get(0).id()).isNotEqualTo(start).isNotEqualTo(events.get(1).id());
      assertThat(s.comments()).anyMatch(c -> c.startsWith("hookgate live tail of"));
    }
  }

  @Test
  void filtersKeepTheirEventsAndTheOthersStillMoveThePosition() throws Exception {
    try (SseStream byProject = gateway.open(Map.of("project", "p-f2"), null);
        SseStream byOtherProject = gateway.open(Map.of("project", "p-f1"), null);
        SseStream byMatch = gateway.open(Map.of("match", "int(event.data.original.n) >= 2"), null);
        SseStream byTypeAndSource = gateway.open(Map.of("type", "webhook.*", "source", "feed"), null);
        SseStream none = gateway.open(Map.of("type", "labeling.label.submitted"), null)) {
      await().atMost(seconds(10)).until(() -> none.lastEventId() != null);
      String noneStart = none.lastEventId();
      gateway.post("f-1", "p-f1", "\"n\":1");
      gateway.post("f-2", "p-f2", "\"n\":1");
      gateway.post("f-3", "p-f2", "\"n\":2");
      gateway.post("f-4", "p-f1", "\"n\":3");
      assertThat(ids(byProject.events(2, seconds(20)))).containsExactly("f-2", "f-3");
      assertThat(ids(byOtherProject.events(2, seconds(20)))).containsExactly("f-1", "f-4");
      assertThat(ids(byMatch.events(2, seconds(20)))).containsExactlyInAnyOrder("f-3", "f-4");
      assertThat(ids(byTypeAndSource.events(4, seconds(20)))).containsExactlyInAnyOrder("f-1", "f-2", "f-3", "f-4");
      // No event for this one, but the heartbeat's id moves it past the four.
      await().atMost(seconds(10)).until(() -> !none.lastEventId().equals(noneStart)
          && none.lastEventId().equals(byTypeAndSource.lastEventId()));
      assertThat(none.pending()).isEmpty();
      assertThat(none.comments()).contains("keep-alive");
    }
  }

  @Test
  void aFilterThatDoesNotCompileIsA400WithItsPosition() {
    HttpResponse<String> badMatch = viewer.get("/api/v1/events/stream?match=event.data.nope%20%2B%2B");
    assertProblem(badMatch, 400, "urn:hookgate:problem:invalid-request");
    assertThat(json(badMatch).path("field").asText()).isEqualTo("match");
    assertThat(json(badMatch).path("detail").asText()).contains("line 1, column");
    HttpResponse<String> badType = viewer.get("/api/v1/events/stream?type=label*x");
    assertProblem(badType, 400, "urn:hookgate:problem:invalid-request");
    assertThat(json(badType).path("field").asText()).isEqualTo("type");
    HttpResponse<String> badId = viewer.send("GET", "/api/v1/events/stream", null, Map.of("Last-Event-ID", "x"));
    assertProblem(badId, 400, "urn:hookgate:problem:invalid-request");
    assertThat(json(badId).path("field").asText()).isEqualTo("Last-Event-ID");
  }

  @Test
  void aBrowserGivesItsTokenInTheQueryOfThisOperationOnly() throws Exception {
    HttpResponse<String> none = viewer.as(null).get("/api/v1/events/stream");
    assertProblem(none, 401, "urn:hookgate:problem:unauthorized");
    assertThat(json(none).path("detail").asText()).contains("access_token");
    assertProblem(viewer.as(null).get("/api/v1/events/stream?access_token=wrong"), 401,
        "urn:hookgate:problem:unauthorized");
    assertProblem(viewer.as(null).get("/api/v1/subscriptions?access_token=" + ApiGateways.ADMIN_TOKEN), 401,
        "urn:hookgate:problem:unauthorized");
    try (SseStream s = SseStream.open(gateway.streamUri(Map.of("access_token", ApiGateways.VIEWER_TOKEN)),
        Map.of())) {
      assertThat(s.status()).isEqualTo(200);
      await().atMost(seconds(10)).until(() -> s.lastEventId() != null);
      gateway.post("q-1", "p-q");
      assertThat(ids(s.events(1, seconds(20)))).containsExactly("q-1");
    }
  }

  @Test
  void beyondTheLimitSetFromTheEnvironmentAStreamIsA429UntilOneCloses() throws Exception {
    List<SseStream> open = new ArrayList<>();
    try {
      for (int i = 0; i < MAX_CLIENTS; i++) {
        SseStream s = gateway.open(Map.of(), null);
        open.add(s);
        assertThat(s.status()).isEqualTo(200);
      }
      HttpResponse<String> refused = viewer.get("/api/v1/events/stream");
      assertProblem(refused, 429, "urn:hookgate:problem:too-many-streams");
      assertThat(refused.headers().firstValue("Retry-After")).hasValue(EventsStreamApi.RETRY_AFTER_SECONDS);
      assertThat(json(refused).path("detail").asText()).contains("management.streams.maxClients");
      open.remove(0).close();
      await().atMost(seconds(10)).until(() -> gateway.metric("hookgate_tail_streams") < MAX_CLIENTS);
      SseStream again = gateway.open(Map.of(), null);
      open.add(again);
      assertThat(again.status()).isEqualTo(200);
    } finally {
      open.forEach(SseStream::close);
    }
  }

  @Test
  void aClientThatReconnectsWithLastEventIdMissesAndRepeatsNothing() throws Exception {
    Map<String, String> query = Map.of("project", "p-r");
    String resumeAt;
    try (SseStream first = gateway.open(query, null)) {
      await().atMost(seconds(10)).until(() -> first.lastEventId() != null);
      for (int i = 1; i <= 3; i++) {
        gateway.post("r-" + i, "p-r");
      }
      assertThat(ids(first.events(3, seconds(20)))).containsExactly("r-1", "r-2", "r-3");
      resumeAt = first.lastEventId();
    }
    // Written while no client was connected, in this project and others.
    for (int i = 4; i <= 6; i++) {
      gateway.post("r-" + i, "p-r");
      gateway.post("other-" + i, "p-other");
    }
    try (SseStream again = gateway.open(query, resumeAt)) {
      assertThat(again.status()).isEqualTo(200);
      assertThat(until(again, "r-6")).containsExactly("r-4", "r-5", "r-6");
      // Then live, through the shared reader.
      gateway.post("r-7", "p-r");
      gateway.post("r-8", "p-r");
      assertThat(until(again, "r-8")).containsExactly("r-7", "r-8");
    }
  }

  @Test
  void eventsDeletedByRetentionAreSkippedAndTheStreamSaysSo() throws Exception {
    String resumeAt;
    try (SseStream first = gateway.open(Map.of("project", "p-ret"), null)) {
      await().atMost(seconds(10)).until(() -> first.lastEventId() != null);
      gateway.post("ret-1", "p-ret");
      first.events(1, seconds(20));
      resumeAt = first.lastEventId();
    }
    gateway.post("ret-2", "p-ret");
    gateway.post("ret-3", "p-ret");
    deleteEverythingSoFar();
    gateway.post("ret-4", "p-ret");
    try (SseStream again = gateway.open(Map.of("project", "p-ret"), resumeAt)) {
      assertThat(until(again, "ret-4")).containsExactly("ret-4");
      assertThat(again.comments()).anyMatch(c -> c.contains("were deleted by retention"));
    }
  }

  /** What retention does to old segments: every record of the events topic so far is gone. */
  private static void deleteEverythingSoFar() throws Exception {
    String topic = gateway.harness.eventsTopic();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        gateway.harness.gateway().bootstrapServers()))) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < 3; p++) {
        latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
      Map<TopicPartition, RecordsToDelete> delete = new HashMap<>();
      admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS)
          .forEach((tp, info) -> delete.put(tp, RecordsToDelete.beforeOffset(info.offset())));
      admin.deleteRecords(delete).all().get(10, TimeUnit.SECONDS);
    }
  }
}
