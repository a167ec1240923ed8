package io.hookgate.actions;

import static io.hookgate.actions.ActionsGateway.action;
import static io.hookgate.actions.ActionsGateway.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import io.hookgate.testing.RecordingHttpServer;
import io.hookgate.testing.RecordingHttpServer.Recorded;
import io.hookgate.testing.RecordingHttpServer.Reply;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Actions produced onto the actions topic, executed against a real local HTTP server: retries with the
 * same idempotency key, Retry-After, dead letters, GraphQL and Slack semantics, then-chains, and the
 * delivery status after each.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ActionDeliveryTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String TOKEN = "tok-secret-1234567890";
  private static RecordingHttpServer server;
  private static ActionsGateway gateway;

  @BeforeAll
  static void start(KafkaBroker broker) throws Exception {
    server = RecordingHttpServer.start();
    String base = server.baseUrl();
    String fast = "retry: { initialBackoff: 10ms, maxBackoff: 40ms, maxAttempts: 5 }";
    gateway = ActionsGateway.start(broker, ActionsGateway.Topics.fresh(), """
        targets:
          flaky:
            baseUrl: %1$s
            allowedHosts: [ 127.0.0.1 ]
            %2$s
          busy:
            baseUrl: %1$s
            allowedHosts: [ 127.0.0.1 ]
            %2$s
          capped:
            baseUrl: %1$s
            allowedHosts: [ 127.0.0.1 ]
            retry: { initialBackoff: 10ms, maxBackoff: 40ms, maxAttempts: 5, maxRetryAfter: 300ms }
          strict:
            baseUrl: %1$s
            allowedHosts: [ 127.0.0.1 ]
            %2$s
          kili:
            baseUrl: %1$s/graphql
            allowedHosts: [ 127.0.0.1 ]
            auth: { header: Authorization, prefix: "X-API-Key: ", secret: env:KILI_API_KEY }
            %2$s
          slack:
            baseUrlSecret: env:SLACK_WEBHOOK_URL
            allowedHosts: [ 127.0.0.1 ]
            %2$s
          chain:
            baseUrl: %1$s
            allowedHosts: [ 127.0.0.1 ]
            %2$s
          waiting:
            baseUrl: %1$s
            allowedHosts: [ 127.0.0.1 ]
            %2$s
          slow:
            baseUrl: %1$s
            allowedHosts: [ 127.0.0.1 ]
            concurrency: 1
            %2$s
          quick:
            baseUrl: %1$s
            allowedHosts: [ 127.0.0.1 ]
            %2$s
          sluggish:
            baseUrl: %1$s
            allowedHosts: [ 127.0.0.1 ]
            timeout: 300ms
            retry: { initialBackoff: 10ms, maxBackoff: 20ms, maxAttempts: 2 }
          twice:
            baseUrl: %1$s
            allowedHosts: [ 127.0.0.1 ]
            %2$s
          echo:
            baseUrl: %1$s
            allowedHosts: [ 127.0.0.1 ]
            auth: { header: Authorization, prefix: "Bearer ", secret: env:ECHO_TOKEN }
            %2$s
        """.formatted(base, fast), Map.of(
        "KILI_API_KEY", "kili-key-0987654321",
        "SLACK_WEBHOOK_URL", base + "/services/T000/B000/XXXXSECRETXXXX",
        "ECHO_TOKEN", TOKEN));
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (server != null) {
      server.close();
    }
  }

  /**
   * Two records of one action (as a rules consumer writes when its first write timed out in a broker outage
   * but was stored): the second, arriving while the first is being called or after it was delivered, is not
   * called again; a dead-lettered action written back (a replay) is.
   */
  @Test
  void anActionDeliveredAlreadyIsNotCalledAgain() throws Exception {
    server.respond("/twice",
        r -> r.body().contains("refused") ? Reply.of(400, "no") : Reply.ok().after(Duration.ofMillis(300)));
    gateway.send(action("twice-1", "twice", "http", "/twice", json("{\"n\":1}")));
    gateway.send(action("twice-1", "twice", "http", "/twice", json("{\"n\":1}")));
    server.await("/twice", 1, WAIT);
    awaitStatus("twice", s -> s.path("counts").path("successes").asInt() == 1);
    gateway.send(action("twice-1", "twice", "http", "/twice", json("{\"n\":1}")));
    // A different action of the same target afterwards: once it is called, the partition is past the copies.
    gateway.send(action("twice-2", "twice", "http", "/twice", json("{\"n\":2}")));
    server.await("/twice", 2, WAIT);
    awaitStatus("twice", s -> s.path("counts").path("successes").asInt() == 2);
    assertThat(server.requests("/twice")).extracting(r -> r.header("Idempotency-Key")).containsExactly("twice-1",
        "twice-2");
    assertThat(gateway.status("twice").path("counts").path("attempts").asInt()).isEqualTo(2);
    assertThat(gateway.metrics()).contains("hookgate_action_duplicates_total{target=\"twice\"} 2.0");

    // Not delivered (dead-lettered at once on a 400): written back, it is called again.
    gateway.send(action("twice-3", "twice", "http", "/twice", json("{\"refused\":true}")));
    server.await("/twice", 3, WAIT);
    awaitStatus("twice", s -> s.path("counts").path("deadLetters").asInt() == 1);
    gateway.send(action("twice-3", "twice", "http", "/twice", json("{\"refused\":true}")));
    server.await("/twice", 4, WAIT);
    assertThat(server.requests("/twice")).extracting(r -> r.header("Idempotency-Key"))
        .containsExactly("twice-1", "twice-2", "twice-3", "twice-3");
  }

  @Test
  void targetFailingTwiceIsRetriedWithTheSameKeyAndDeliveredOnce() throws Exception {
    server.script("/flaky", Reply.of(503, "down for maintenance"), Reply.of(503, "still down"), Reply.of(200, "done"));
    gateway.send(action("flaky-1", "flaky", "http", "/flaky", json("{\"n\":1}")));

    List<Recorded> calls = server.await("/flaky", 3, WAIT);
    await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(3))
        .until(() -> server.requests("/flaky").size() == 3);
    assertThat(calls).extracting(r -> r.header("Idempotency-Key")).containsOnly("flaky-1");
    assertThat(calls).extracting(Recorded::body).containsOnly("{\"n\":1}");
    assertThat(calls.get(0).header("Content-Type")).isEqualTo("application/json");

    JsonNode status = awaitStatus("flaky", s -> s.path("counts").path("successes").asInt() == 1);
    assertThat(status.path("counts").path("attempts").asInt()).isEqualTo(3);
    assertThat(status.path("counts").path("failures").asInt()).isEqualTo(2);
    assertThat(status.path("counts").path("retries").asInt()).isEqualTo(2);
    assertThat(status.path("counts").path("deadLetters").asInt()).isZero();
    assertThat(status.path("lastCall").path("statusCode").asInt()).isEqualTo(200);
    assertThat(status.path("lastCall").path("message").asText()).isEqualTo("OK");
    // ISO 8601 to the millisecond, as Isahit Lab and JavaScript dates have them.
    assertThat(java.time.Instant.parse(status.path("lastCall").path("date").asText()).getNano() % 1_000_000).isZero();
    assertThat(status.path("lastCall").path("date").asText())
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{3})?Z");
    assertThat(status.path("lastError").path("statusCode").asInt()).isEqualTo(503);
    assertThat(status.path("lastError").path("message").asText()).isEqualTo("Service Unavailable");
    assertThat(status.path("lastError").path("body").asText()).isEqualTo("still down");
    assertThat(status.path("breaker").asText()).isEqualTo("closed");

    JsonNode subscription = gateway.get("/api/v1/targets/flaky/subscriptions/test/p1/status");
    assertThat(subscription.path("source").asText()).isEqualTo("test");
    assertThat(subscription.path("projectId").asText()).isEqualTo("p1");
    assertThat(subscription.path("counts").path("attempts").asInt()).isEqualTo(3);
    assertThat(gateway.get("/api/v1/targets/flaky/subscriptions").path("subscriptions")).hasSize(1);

    String metrics = gateway.metrics();
    assertThat(metrics).containsPattern("hookgate_action_attempts_total\\{outcome=\"retry\",target=\"flaky\"} 2.0");
    assertThat(metrics).containsPattern("hookgate_action_attempts_total\\{outcome=\"success\",target=\"flaky\"} 1.0");
    assertThat(metrics).containsPattern("hookgate_action_retries_total\\{target=\"flaky\"} 2.0");
    assertThat(metrics).contains("hookgate_action_duration_seconds_count{outcome=\"success\",target=\"flaky\"} 1");
  }

  @Test
  void retryAfterIsHonouredAndCapped() throws Exception {
    server.script("/busy", Reply.of(429, "slow down").header("Retry-After", "1"), Reply.ok());
    server.script("/capped", Reply.of(503, "later").header("Retry-After", "60"), Reply.ok());
    gateway.send(action("busy-1", "busy", "http", "/busy", json("{}")));
    gateway.send(action("capped-1", "capped", "http", "/capped", json("{}")));

    List<Recorded> busy = server.await("/busy", 2, WAIT);
    long gap = (busy.get(1).nanos() - busy.get(0).nanos()) / 1_000_000;
    assertThat(gap).as("the retry waited for Retry-After: 1 (backoff alone is at most 40ms)")
        .isGreaterThanOrEqualTo(950);
    assertThat(busy).extracting(r -> r.header("Idempotency-Key")).containsOnly("busy-1");

    List<Recorded> capped = server.await("/capped", 2, WAIT);
    long cappedGap = (capped.get(1).nanos() - capped.get(0).nanos()) / 1_000_000;
    assertThat(cappedGap).as("Retry-After: 60 capped at maxRetryAfter 300ms").isBetween(250L, 10_000L);

    JsonNode status = awaitStatus("busy", s -> s.path("counts").path("successes").asInt() == 1);
    assertThat(status.path("lastError").path("statusCode").asInt()).isEqualTo(429);
    assertThat(status.path("lastError").path("message").asText()).isEqualTo("Too Many Requests");
    assertThat(status.path("lastCall").path("statusCode").asInt()).isEqualTo(200);
  }

  @Test
  void permanentClientErrorGoesToTheDeadLetterTopicAtOnce() throws Exception {
    server.script("/strict", Reply.of(400, "{\"error\":\"invalid label\",\"field\":\"labelID\"}"));
    ConsumerRecord<String, byte[]> dead;
    try (io.hookgate.testing.LogCapture logs = new io.hookgate.testing.LogCapture()) {
      gateway.send(action("strict-1", "strict", "http", "/strict", json("{\"labelID\":null}")));
      dead = gateway.awaitDeadLetter("strict-1");
      // The log says what happened, not what the target's error page said (the status API has that).
      List<String> lines = logs.lines().stream().filter(l -> l.contains("strict-1")).toList();
      assertThat(lines).anySatisfy(l -> assertThat(l).contains("dead-lettered (permanent): HTTP 400 Bad Request"));
      assertThat(lines).noneSatisfy(l -> assertThat(l).contains("invalid label"));
    }
    assertThat(dead.key()).isEqualTo("strict");
    assertThat(ActionsGateway.header(dead, "hookgate-dlq-reason")).isEqualTo("permanent");
    assertThat(ActionsGateway.header(dead, "hookgate-dlq-status")).isEqualTo("400");
    ActionRecord record = ActionsGateway.decode(dead);
    assertThat(record.attempt()).isEqualTo(1);
    assertThat(record.lastError()).startsWith("HTTP 400 Bad Request").contains("invalid label");
    assertThat(record.body()).isEqualTo(json("{\"labelID\":null}"));
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3))
        .until(() -> server.requests("/strict").size() == 1);

    JsonNode status = awaitStatus("strict", s -> s.path("counts").path("deadLetters").asInt() == 1);
    assertThat(status.path("counts").path("attempts").asInt()).isEqualTo(1);
    assertThat(status.path("counts").path("retries").asInt()).isZero();
    assertThat(status.path("lastCall").path("statusCode").asInt()).isEqualTo(400);
    assertThat(status.path("lastError").path("statusCode").asInt()).isEqualTo(400);
    assertThat(status.path("lastError").path("message").asText()).isEqualTo("Bad Request");
    assertThat(status.path("lastError").path("body"))
        .isEqualTo(json("{\"error\":\"invalid label\",\"field\":\"labelID\"}"));
    assertThat(gateway.metrics())
        .contains("hookgate_action_dead_letters_total{reason=\"permanent\",target=\"strict\"} 1.0");
  }

  @Test
  void graphqlErrorsArrayWithStatus200IsAFailure() throws Exception {
    String query = "mutation($where: AssetWhere!) { data: sendBackAssetsToQueue(where: $where) { id } }";
    server.script("/graphql",
        Reply.of(200, "{\"errors\":[{\"message\":\"Too many requests, slow down\"}],\"data\":null}"),
        Reply.of(200, "{\"data\":{\"data\":{\"id\":\"project-1\"}}}"));
    JsonNode body = json("{\"query\":\"" + query + "\",\"variables\":{\"where\":{\"idIn\":[\"asset-1\"]}}}");
    gateway.send(action("gql-1", "kili", "graphql", "", body));

    List<Recorded> calls = server.await("/graphql", 2, WAIT);
    assertThat(json(calls.get(0).body())).isEqualTo(body);
    assertThat(calls.get(0).method()).isEqualTo("POST");
    assertThat(calls.get(0).header("Content-Type")).isEqualTo("application/json");
    assertThat(calls.get(0).header("Authorization")).isEqualTo("X-API-Key: kili-key-0987654321");
    assertThat(calls).extracting(r -> r.header("Idempotency-Key")).containsOnly("gql-1");

    JsonNode status = awaitStatus("kili", s -> s.path("counts").path("successes").asInt() == 1);
    assertThat(status.path("lastError").path("statusCode").asInt()).isEqualTo(200);
    assertThat(status.path("lastError").path("message").asText())
        .isEqualTo("GraphQL errors: Too many requests, slow down");
    assertThat(status.path("counts").path("retries").asInt()).isEqualTo(1);

    // A validation error cannot pass on a retry: dead letter at once.
    server.script("/graphql/invalid", Reply.of(200,
        "{\"errors\":[{\"message\":\"Unknown argument 'wher'\",\"extensions\":{\"code\":\"GRAPHQL_VALIDATION_FAILED\"}}]}"));
    gateway.send(action("gql-2", "kili", "graphql", "/invalid", body));
    ActionRecord dead = ActionsGateway.decode(gateway.awaitDeadLetter("gql-2"));
    assertThat(dead.lastError()).contains("GraphQL errors: Unknown argument 'wher'");
    assertThat(server.requests("/graphql/invalid")).hasSize(1);
  }

  @Test
  void slackSucceedsOnOkAndTheSecretUrlIsNeverShown() throws Exception {
    server.script("/services/T000/B000/XXXXSECRETXXXX", Reply.of(200, "ok"));
    gateway.send(action("slack-1", "slack", "slack", "", json("{\"text\":\"Item urgent needs review\"}")));

    Recorded call = server.await("/services/T000/B000/XXXXSECRETXXXX", 1, WAIT).get(0);
    assertThat(json(call.body())).isEqualTo(json("{\"text\":\"Item urgent needs review\"}"));
    JsonNode status = awaitStatus("slack", s -> s.path("counts").path("successes").asInt() == 1);
    assertThat(status.path("lastCall").path("statusCode").asInt()).isEqualTo(200);

    String targets = gateway.getRaw("/api/v1/targets").body();
    assertThat(targets).doesNotContain("XXXXSECRETXXXX").contains("/****");
  }

  @Test
  void thenActionsFollowOnlyASuccess() throws Exception {
    server.script("/first", Reply.of(201, "{\"id\":\"issue-1\"}"));
    server.script("/first-bad", Reply.of(422, "no"));
    ActionRecord second = action("chain-1:then:0", "chain", "http", "/second", json("{\"step\":2}"));
    gateway.send(ActionsGateway.withThen(action("chain-1", "chain", "http", "/first", json("{\"step\":1}")),
        List.of(second)));
    gateway.send(ActionsGateway.withThen(action("chain-2", "chain", "http", "/first-bad", json("{}")),
        List.of(action("chain-2:then:0", "chain", "http", "/never", json("{}")))));

    Recorded then = server.await("/second", 1, WAIT).get(0);
    Recorded first = server.requests("/first").get(0);
    assertThat(then.nanos()).isGreaterThan(first.nanos());
    assertThat(then.header("Idempotency-Key")).isEqualTo("chain-1:then:0");
    assertThat(json(then.body())).isEqualTo(json("{\"step\":2}"));

    gateway.awaitDeadLetter("chain-2");
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3))
        .until(() -> server.requests("/never").isEmpty());
  }

  @Test
  void secretsAreNeitherStoredNorServed() throws Exception {
    server.respond("/echo", r -> Reply.of(400, "{\"youSent\":\"" + r.header("Authorization") + "\"}"));
    gateway.send(action("echo-1", "echo", "http", "/echo", json("{}")));

    assertThat(server.await("/echo", 1, WAIT).get(0).header("Authorization")).isEqualTo("Bearer " + TOKEN);
    ConsumerRecord<String, byte[]> dead = gateway.awaitDeadLetter("echo-1");
    assertThat(new String(dead.value(), StandardCharsets.UTF_8)).doesNotContain(TOKEN).contains("****");

    JsonNode status = awaitStatus("echo", s -> s.path("counts").path("deadLetters").asInt() == 1);
    assertThat(status.toString()).doesNotContain(TOKEN);
    assertThat(status.path("lastError").path("body").path("youSent").asText()).isEqualTo("Bearer ****");
    List<ConsumerRecord<String, byte[]>> statusRecords = ActionsGateway.read(gateway.bootstrapServers(),
        gateway.topics().status(), rs -> rs.stream().anyMatch(r -> "echo".equals(r.key())), WAIT);
    assertThat(statusRecords).isNotEmpty()
        .allSatisfy(r -> assertThat(new String(r.value(), StandardCharsets.UTF_8)).doesNotContain(TOKEN));

    String targets = gateway.getRaw("/api/v1/targets").body();
    assertThat(targets).doesNotContain(TOKEN).contains("env:ECHO_TOKEN");
    JsonNode echo = null;
    for (JsonNode t : json(targets).path("targets")) {
      if (t.path("name").asText().equals("echo")) {
        echo = t;
      }
    }
    assertThat(echo).isNotNull();
    assertThat(echo.path("configured").asBoolean()).isTrue();
    assertThat(echo.path("settings").path("auth").path("header").asText()).isEqualTo("Authorization");
    assertThat(echo.path("settings").path("auth").path("prefix").asText()).isEqualTo("Bearer ");
    assertThat(echo.path("settings").path("auth").path("secret").asText()).isEqualTo("env:ECHO_TOKEN");
    assertThat(echo.path("status").path("counts").path("deadLetters").asInt()).isEqualTo(1);
  }

  @Test
  void unknownTargetsAndUnreadableRecordsAreDeadLettered() throws Exception {
    gateway.send(action("ghost-1", "ghost", "http", "/x", json("{}")));
    ConsumerRecord<String, byte[]> dead = gateway.awaitDeadLetter("ghost-1");
    assertThat(ActionsGateway.header(dead, "hookgate-dlq-reason")).isEqualTo("unknown-target");
    assertThat(ActionsGateway.decode(dead).lastError()).isEqualTo("no target named 'ghost' is configured");

    gateway.sendRaw("flaky", "not json".getBytes(StandardCharsets.UTF_8));
    await().atMost(WAIT).until(() -> gateway.deadLetters(Duration.ofMillis(300)).stream()
        .anyMatch(r -> "invalid".equals(ActionsGateway.header(r, "hookgate-dlq-reason"))));
    assertThat(gateway.getRaw("/api/v1/targets/nope/status").statusCode()).isEqualTo(404);
  }

  @Test
  void aRetryDueLaterDoesNotHoldUpOneDueSoonerInTheSamePartition() throws Exception {
    Instant now = Instant.now();
    // Same target, so same key and same partition of the retry topic; the later one is first in line.
    gateway.sendToRetry(ActionCodec.deferred(action("wait-late", "waiting", "http", "/wait-late", json("{}")),
        now.plusSeconds(2)));
    gateway.sendToRetry(ActionCodec.deferred(action("wait-soon", "waiting", "http", "/wait-soon", json("{}")),
        now.plusMillis(100)));

    Recorded soon = server.await("/wait-soon", 1, WAIT).get(0);
    assertThat(server.requests("/wait-late")).isEmpty();
    Recorded late = server.await("/wait-late", 1, WAIT).get(0);
    assertThat(late.nanos()).isGreaterThan(soon.nanos());
    assertThat(Instant.now()).isAfterOrEqualTo(now.plusSeconds(2));
  }

  @Test
  void timeoutsAreRetriedUntilMaxAttemptsThenDeadLettered() throws Exception {
    server.script("/sluggish", Reply.of(200, "too late").after(Duration.ofSeconds(2)));
    gateway.send(action("sluggish-1", "sluggish", "http", "/sluggish", json("{}")));

    ConsumerRecord<String, byte[]> dead = gateway.awaitDeadLetter("sluggish-1");
    assertThat(ActionsGateway.header(dead, "hookgate-dlq-reason")).isEqualTo("exhausted");
    ActionRecord record = ActionsGateway.decode(dead);
    assertThat(record.attempt()).isEqualTo(2);
    assertThat(record.lastError()).contains("gave up after 2 attempts").contains("timed out after 300ms");
    assertThat(server.requests("/sluggish")).hasSize(2)
        .extracting(r -> r.header("Idempotency-Key")).containsOnly("sluggish-1");

    JsonNode status = awaitStatus("sluggish", s -> s.path("counts").path("deadLetters").asInt() == 1);
    assertThat(status.path("counts").path("attempts").asInt()).isEqualTo(2);
    assertThat(status.path("counts").path("retries").asInt()).isEqualTo(1);
    assertThat(status.path("lastCall").path("statusCode").isNull()).isTrue();
    assertThat(status.path("lastCall").path("message").asText()).isEqualTo("timed out after 300ms");
  }

  @Test
  void aSlowTargetDoesNotHoldUpAnotherTarget() throws Exception {
    server.script("/slow", Reply.of(200, "finally").after(Duration.ofSeconds(2)));
    server.script("/quick", Reply.of(200, "ok"));
    gateway.send(action("slow-1", "slow", "http", "/slow", json("{}")));
    gateway.send(action("slow-2", "slow", "http", "/slow", json("{}")));
    server.await("/slow", 1, WAIT);
    gateway.send(action("quick-1", "quick", "http", "/quick", json("{}")));

    server.await("/quick", 1, WAIT);
    await().atMost(WAIT).until(() -> gateway.status("quick").path("counts").path("successes").asInt() == 1);
    assertThat(gateway.status("slow").path("counts").path("successes").asInt())
        .as("the quick target was served while the slow one still had its first call open").isZero();
    assertThat(server.requests("/slow")).as("concurrency 1: the second slow call waits for the first").hasSize(1);
    await().atMost(WAIT).until(() -> gateway.status("slow").path("counts").path("successes").asInt() == 2);
  }

  private static JsonNode awaitStatus(String target, java.util.function.Predicate<JsonNode> done) {
    JsonNode[] last = new JsonNode[1];
    await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
      last[0] = gateway.status(target);
      return done.test(last[0]);
    });
    return last[0];
  }
}
