package io.hookgate.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudevents.CloudEvent;
import io.hookgate.event.EventIds;
import io.hookgate.testing.EventConsumer;
import io.hookgate.testing.GatewayHarness;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import io.hookgate.testing.KiliFake;
import io.hookgate.testing.LogCapture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.GroupState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A {@code kili-subscription} source against a local server that speaks Kili's subscription protocol with code we
 * did not write (Apollo's {@code subscriptions-transport-ws} and graphql-js, see {@link KiliFake}), and a real
 * Kafka broker.
 */
@ExtendWith(KafkaBrokerExtension.class)
class KiliPullTest {
  private static final String KEY = "kili-test-key-" + UUID.randomUUID();
  private static final String ADMIN = "admin-token-for-pull-tests";
  private static final String VIEWER = "viewer-token-for-pull-tests";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static KiliFake kili;
  private static KafkaBroker broker;

  @BeforeAll
  static void startKili(KafkaBroker kafka) throws Exception {
    broker = kafka;
    kili = KiliFake.start(KEY);
  }

  @AfterAll
  static void stopKili() {
    kili.close();
  }

  private static String project() {
    return "proj-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static GatewayHarness gateway(String project, String key, String extraYaml) throws Exception {
    return gateway(project, key, extraYaml, "");
  }

  /** @param pullLine one more key of {@code pull}, such as {@code renewEvery: 1s} */
  private static GatewayHarness gateway(String project, String key, String extraYaml, String pullLine)
      throws Exception {
    String yaml = """
        api:
          tokens:
            - { role: admin, secret: env:HOOKGATE_ADMIN_TOKEN }
            - { role: viewer, secret: env:HOOKGATE_VIEWER_TOKEN }
        sources:
          kili-live:
            kind: kili-subscription
            pull:
              endpoint: "%s"
              apiKey: env:KILI_API_KEY
              projects: [ %s ]
              initialBackoff: 50ms
              maxBackoff: 400ms
              keepAliveTimeout: 5s
              requestTimeout: 5s
              %s
        """.formatted(kili.wsEndpoint(), project, pullLine) + extraYaml;
    return GatewayHarness.start(broker, yaml, Map.of("KILI_API_KEY", key, "HOOKGATE_ADMIN_TOKEN", ADMIN,
        "HOOKGATE_VIEWER_TOKEN", VIEWER));
  }

  /** Topics of the test's own: events {@code pull-events-<run>}, positions {@code pull-positions-<what>-<run>}. */
  private static String ownTopics(String run, String what) {
    return """
        kafka:
          topics:
            events: { name: pull-events-%s }
            pullPositions: { name: pull-positions-%s-%s }
        """.formatted(run, what, run);
  }

  /** A label as Kili's subscription pushes it: its jsonResponse is a JSON string with one box. */
  private static String label(String id, String assetId) {
    String box = "{\"JOB_0\": {\"annotations\": [{\"mid\": \"m1\", \"type\": \"rectangle\","
        + " \"categories\": [{\"name\": \"CAR\"}], \"boundingPoly\": [{\"normalizedVertices\":"
        + " [{\"x\": 0.1, \"y\": 0.2}, {\"x\": 0.5, \"y\": 0.6}]}]}]}}";
    return MAPPER.createObjectNode().put("id", id).put("labelType", "DEFAULT").put("secondsToLabel", 12)
        .put("isLatestLabelForUser", true).put("jsonResponse", box)
        .<ObjectNode>set("author", MAPPER.createObjectNode().put("id", "user-1").put("email", "labeler@example.com")
            .put("firstname", "Ada").put("lastname", "L"))
        .<ObjectNode>set("labelOf", MAPPER.createObjectNode().put("id", assetId).put("externalId", "image-1.jpg"))
        .toString();
  }

  private static JsonNode health(GatewayHarness g) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.managementPort()
        + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
    return ((ObjectNode) MAPPER.readTree(r.body())).put("httpStatus", r.statusCode());
  }

  private static JsonNode projectStatus(GatewayHarness g) throws Exception {
    return health(g).path("checks").path("kiliPull").path("sources").path("kili-live").path("projects").path(0);
  }

  private static void awaitState(GatewayHarness g, String state) {
    await().atMost(WAIT).until(() -> {
      JsonNode s = projectStatus(g);
      return state.equals(s.path("state").asText()) && !s.path("backfilling").asBoolean();
    });
  }

  private static HttpResponse<String> api(GatewayHarness g, String method, String path, String token)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.managementPort() + path))
        .header("Authorization", "Bearer " + token);
    b = "POST".equals(method) ? b.POST(HttpRequest.BodyPublishers.noBody()) : b.GET();
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static List<String> labelIds(List<ConsumerRecord<String, byte[]>> records) {
    return records.stream().map(r -> data(r).path("labelId").asText()).toList();
  }

  private static JsonNode data(ConsumerRecord<String, byte[]> r) {
    try {
      return MAPPER.readTree(EventConsumer.toCloudEvent(r).getData().toBytes());
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private static Predicate<List<ConsumerRecord<String, byte[]>>> hasLabels(int n) {
    return rs -> rs.size() >= n;
  }

  @Test
  void pushedLabelsArriveAsTheEventsAKiliWebhookWouldMake() throws Exception {
    String project = project();
    try (GatewayHarness g = gateway(project, KEY, ""); EventConsumer events = g.consumer()) {
      awaitState(g, "connected");
      JsonNode pushed = kili.push(project, label("label-a", "asset-a"));
      // The same label pushed twice (same id, same createdAt) is one event.
      String again = label("label-b", "asset-b").replaceFirst("\\{", "{\"createdAt\": \"2026-01-02T03:04:05.678Z\", ");
      kili.push(project, again);
      kili.push(project, again);

      List<ConsumerRecord<String, byte[]>> got = events.pollUntil(hasLabels(2), WAIT);
      assertThat(labelIds(events.drain(Duration.ofSeconds(1)))).containsExactly("label-a", "label-b");

      ConsumerRecord<String, byte[]> first = got.get(0);
      CloudEvent ce = EventConsumer.toCloudEvent(first);
      assertThat(ce.getType()).isEqualTo("labeling.label.created_or_updated");
      assertThat(ce.getId()).isEqualTo(EventIds.fromParts("kili-live", project, "label-a",
          pushed.path("createdAt").asText()));
      assertThat(ce.getSource()).hasToString("/sources/kili-live");
      assertThat(ce.getSubject()).isEqualTo("asset-a");
      assertThat(ce.getExtension("platform")).isEqualTo("kili");
      assertThat(ce.getExtension("platformevent")).isEqualTo("labelCreatedOrUpdated");
      assertThat(first.key()).isEqualTo(project);
      JsonNode data = data(first);
      assertThat(data.path("projectId").asText()).isEqualTo(project);
      assertThat(data.path("itemId").asText()).isEqualTo("asset-a");
      assertThat(data.path("labelType").asText()).isEqualTo("DEFAULT");
      assertThat(data.path("author").path("email").asText()).isEqualTo("labeler@example.com");
      assertThat(data.path("author").path("name").asText()).isEqualTo("Ada L");
      // Kili's normalization read the jsonResponse string: one box.
      assertThat(data.path("annotations")).hasSize(1);
      assertThat(data.path("annotations").path(0).path("kind").asText()).isEqualTo("bounding_box");
      assertThat(data.path("annotationCounts").path("JOB_0.CAR").asInt()).isEqualTo(1);
      // data.original is the body of a Kili webhook carrying the label as Kili pushed it.
      assertThat(data.path("original").path("eventType").asText()).isEqualTo("labelCreatedOrUpdated");
      assertThat(data.path("original").path("payload").path("label").path("id").asText()).isEqualTo("label-a");

      JsonNode status = projectStatus(g);
      assertThat(status.path("labels").asInt()).isEqualTo(2);
      assertThat(status.path("lastLabelId").asText()).isEqualTo("label-b");
      assertThat(status.path("connectedSince").asText()).isNotEmpty();
      String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.managementPort()
          + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
      assertThat(metrics).contains("hookgate_pull_connected{project=\"" + project + "\",source=\"kili-live\"} 1.0")
          .contains("hookgate_pull_labels_total{project=\"" + project + "\",source=\"kili-live\",via=\"live\"} 2.0");
    }
  }

  @Test
  void aDroppedConnectionIsReopenedAndWhatWasMissedIsBackfilledOnce() throws Exception {
    String project = project();
    try (GatewayHarness g = gateway(project, KEY, ""); EventConsumer events = g.consumer()) {
      awaitState(g, "connected");
      kili.push(project, label("label-1", "asset-1"));
      events.pollUntil(hasLabels(1), WAIT);
      int queriesBefore = kili.stats().path("labelQueries").asInt();

      // Labels made while the gateway does not hear them, then the connection is cut.
      kili.storeOnly(project, label("label-2", "asset-2"));
      kili.storeOnly(project, label("label-3", "asset-3"));
      assertThat(kili.drop()).isPositive();

      events.pollUntil(hasLabels(3), WAIT);
      awaitState(g, "connected");
      kili.push(project, label("label-4", "asset-4"));
      events.pollUntil(hasLabels(4), WAIT);
      assertThat(labelIds(events.drain(Duration.ofSeconds(1))))
          .containsExactly("label-1", "label-2", "label-3", "label-4");
      assertThat(kili.stats().path("labelQueries").asInt()).isGreaterThan(queriesBefore);
      JsonNode status = projectStatus(g);
      assertThat(status.path("backfilled").asInt()).isEqualTo(2);
      assertThat(status.path("lastError").asText()).contains("closed");
    }
  }

  @Test
  void connectionsAreRenewedOnScheduleWithoutLosingOrRepeatingALabel() throws Exception {
    String project = project();
    try (GatewayHarness g = gateway(project, KEY, "", "renewEvery: 1s"); EventConsumer events = g.consumer()) {
      awaitState(g, "connected");
      int before = kili.stats().path("subscriptions").asInt();
      for (int i = 1; i <= 4; i++) {
        kili.push(project, label("label-" + i, "asset-" + i));
        int n = i;
        events.pollUntil(hasLabels(n), WAIT);
        // The next label once at least one more subscription was opened: each one crosses a renewal.
        await().atMost(WAIT).until(() -> kili.stats().path("subscriptions").asInt() > before + n);
      }
      assertThat(labelIds(events.drain(Duration.ofSeconds(1))))
          .containsExactly("label-1", "label-2", "label-3", "label-4");
    }
  }

  @Test
  void aRestartedGatewayStartsWhereTheLastOneStopped() throws Exception {
    String project = project();
    String run = UUID.randomUUID().toString().substring(0, 8);
    String topics = ownTopics(run, "restart");
    String eventsTopic = "pull-events-" + run;
    try (GatewayHarness g = gateway(project, KEY, topics)) {
      awaitState(g, "connected");
      kili.push(project, label("label-1", "asset-1"));
      await().atMost(WAIT).until(() -> projectStatus(g).path("labels").asInt() == 1);
    }
    kili.storeOnly(project, label("label-2", "asset-2"));
    kili.storeOnly(project, label("label-3", "asset-3"));
    try (GatewayHarness g = gateway(project, KEY, topics);
        EventConsumer events = new EventConsumer(broker.bootstrapServers(), eventsTopic)) {
      events.pollUntil(hasLabels(3), WAIT);
      assertThat(labelIds(events.drain(Duration.ofSeconds(1)))).containsExactly("label-1", "label-2", "label-3");
      assertThat(projectStatus(g).path("backfilled").asInt()).isEqualTo(2);
    }
  }

  @Test
  void aWrongApiKeyIsAClearErrorInHealthAndLogsWithoutTheKeyAndTheGatewayStaysReady() throws Exception {
    String project = project();
    String wrong = "wrong-key-" + UUID.randomUUID();
    try (LogCapture logs = new LogCapture(); GatewayHarness g = gateway(project, wrong, "")) {
      await().atMost(WAIT).until(() -> projectStatus(g).path("errors").asInt() >= 2);
      JsonNode health = health(g);
      JsonNode status = projectStatus(g);
      assertThat(status.path("lastError").asText())
          .isEqualTo("Kili refused the connection: Invalid API key; check pull.apiKey");
      assertThat(status.path("state").asText()).isIn("backing_off", "connecting");
      assertThat(health.path("checks").path("kiliPull").path("status").asText()).isEqualTo("DEGRADED");
      assertThat(health.path("checks").path("kiliPull").path("affectsReadiness").asBoolean()).isFalse();
      assertThat(health.path("status").asText()).isEqualTo("UP");
      assertThat(health.path("httpStatus").asInt()).isEqualTo(200);
      assertThat(logs.lines()).anyMatch(l -> l.contains("Kili pull kili-live project " + project
          + ": Kili refused the connection: Invalid API key; check pull.apiKey"));
      assertThat(logs.lines()).noneMatch(l -> l.contains(wrong));
      assertThat(health.toString()).doesNotContain(wrong);
      assertThat(api(g, "GET", "/api/v1/sources/kili-live/pull", VIEWER).body()).doesNotContain(wrong);
    }
  }

  @Test
  void pauseClosesTheSubscriptionAndResumeBackfillsWhatWasMadeMeanwhile() throws Exception {
    String project = project();
    try (GatewayHarness g = gateway(project, KEY, ""); EventConsumer events = g.consumer()) {
      awaitState(g, "connected");
      kili.push(project, label("label-1", "asset-1"));
      events.pollUntil(hasLabels(1), WAIT);

      assertThat(api(g, "POST", "/api/v1/sources/kili-live/pull/pause", VIEWER).statusCode()).isEqualTo(403);
      HttpResponse<String> paused = api(g, "POST", "/api/v1/sources/kili-live/pull/pause", ADMIN);
      assertThat(paused.statusCode()).isEqualTo(200);
      JsonNode body = MAPPER.readTree(paused.body());
      assertThat(body.path("paused").asBoolean()).isTrue();
      assertThat(body.path("projects").path(0).path("state").asText()).isEqualTo("paused");
      // Pushed while paused: no subscriber hears it; nothing is written.
      kili.push(project, label("label-2", "asset-2"));
      assertThat(labelIds(events.drain(Duration.ofSeconds(2)))).containsExactly("label-1");

      assertThat(api(g, "POST", "/api/v1/sources/kili-live/pull/resume", ADMIN).statusCode()).isEqualTo(200);
      events.pollUntil(hasLabels(2), WAIT);
      assertThat(labelIds(events.drain(Duration.ofSeconds(1)))).containsExactly("label-1", "label-2");
      HttpResponse<String> read = api(g, "GET", "/api/v1/sources/kili-live/pull", VIEWER);
      assertThat(read.statusCode()).isEqualTo(200);
      JsonNode state = MAPPER.readTree(read.body());
      assertThat(state.path("paused").asBoolean()).isFalse();
      assertThat(state.path("projects").path(0).path("backfilled").asInt()).isEqualTo(1);
      assertThat(api(g, "GET", "/api/v1/sources/nope/pull", VIEWER).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void twoReplicasHoldASourceOnceAPauseAskedOfEitherReachesItAndTheOtherTakesOver() throws Exception {
    String project = project();
    String run = UUID.randomUUID().toString().substring(0, 8);
    String topics = ownTopics(run, "replicas");
    GatewayHarness a = gateway(project, KEY, topics);
    GatewayHarness b = null;
    GatewayHarness stopped = null;
    try (EventConsumer events = new EventConsumer(broker.bootstrapServers(), "pull-events-" + run)) {
      b = gateway(project, KEY, topics);
      GatewayHarness first = a;
      GatewayHarness second = b;
      // Both replicas in the owners' group, which has settled: one holds the subscription, the other waits.
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
        String group = "pull-positions-replicas-" + run + ".owners";
        await().atMost(WAIT).until(() -> {
          ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
          return d.members().size() == 2 && d.groupState() == GroupState.STABLE;
        });
      }
      await().atMost(WAIT).until(() -> {
        List<String> states = List.of(projectStatus(first).path("state").asText(),
            projectStatus(second).path("state").asText());
        return states.contains("connected") && states.contains("standby");
      });
      GatewayHarness holder = "connected".equals(projectStatus(a).path("state").asText()) ? a : b;
      GatewayHarness other = holder == a ? b : a;
      assertThat(health(other).path("checks").path("kiliPull").path("sources").path("kili-live").path("held")
          .asBoolean()).isFalse();
      assertThat(health(other).path("checks").path("kiliPull").path("status").asText()).isEqualTo("UP");
      kili.push(project, label("label-1", "asset-1"));
      events.pollUntil(hasLabels(1), WAIT);
      // Pushed to one subscriber only: written once.
      assertThat(labelIds(events.drain(Duration.ofSeconds(2)))).containsExactly("label-1");

      // A pause asked of the replica that does not hold the source reaches the one that does.
      HttpResponse<String> paused = api(other, "POST", "/api/v1/sources/kili-live/pull/pause", ADMIN);
      assertThat(paused.statusCode()).isEqualTo(200);
      assertThat(MAPPER.readTree(paused.body()).path("held").asBoolean()).isFalse();
      GatewayHarness held = holder;
      await().atMost(WAIT).until(() -> "paused".equals(projectStatus(held).path("state").asText()));
      kili.push(project, label("label-2", "asset-2"));
      assertThat(labelIds(events.drain(Duration.ofSeconds(2)))).containsExactly("label-1");
      assertThat(api(other, "POST", "/api/v1/sources/kili-live/pull/resume", ADMIN).statusCode()).isEqualTo(200);
      events.pollUntil(hasLabels(2), WAIT);
      assertThat(labelIds(events.drain(Duration.ofSeconds(1)))).containsExactly("label-1", "label-2");

      // The holder stops: the other takes the source over from the stored position.
      stopped = holder;
      holder.close();
      awaitState(other, "connected");
      kili.push(project, label("label-3", "asset-3"));
      events.pollUntil(hasLabels(3), WAIT);
      assertThat(labelIds(events.drain(Duration.ofSeconds(2)))).containsExactly("label-1", "label-2", "label-3");
      assertThat(projectStatus(other).path("backfilled").asInt()).isZero();
    } finally {
      for (GatewayHarness g : Arrays.asList(a, b)) {
        if (g != null && g != stopped) {
          g.close();
        }
      }
    }
  }
}
