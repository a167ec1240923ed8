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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The gateway is stopped while an action waits for its retry, and a new gateway is started on the same
 * topics: the retry is not lost, waits for its due time, and the action is delivered once, with the same
 * idempotency key. The delivery log survives both restarts (rebuilt from the compacted topic), also when
 * the target's settings changed meanwhile.
 */
@ExtendWith(KafkaBrokerExtension.class)
class RetryAcrossRestartTest {
  private static final String TARGETS = """
      targets:
        later:
          baseUrl: %s
          allowedHosts: [ 127.0.0.1 ]
          timeout: %s
          retry: { initialBackoff: 10ms, maxBackoff: 20ms, maxRetryAfter: 10s }
      """;

  @Test
  void retryWaitingDuringARestartIsDeliveredOnceWithTheSameKey(KafkaBroker broker) throws Exception {
    ActionsGateway.Topics topics = ActionsGateway.Topics.fresh();
    try (RecordingHttpServer server = RecordingHttpServer.start()) {
      server.script("/later", Reply.of(503, "{\"error\":\"maintenance\"}").header("Retry-After", "3"),
          Reply.of(200, "done"));
      Recorded first;
      try (ActionsGateway before = ActionsGateway.start(broker, topics, TARGETS.formatted(server.baseUrl(), "5s"),
          Map.of())) {
        before.send(action("later-1", "later", "http", "/later", json("{\"asset\":\"a1\"}")));
        first = server.await("/later", 1, Duration.ofSeconds(20)).get(0);
        // The retry record is written before the delivery log: once the log counts it, it is durable.
        await().atMost(Duration.ofSeconds(10))
            .until(() -> before.status("later").path("counts").path("retries").asInt() == 1);
      }
      assertThat(server.requests("/later")).as("nothing sent while the gateway was down").hasSize(1);

      // A new gateway with a changed setting for the target: its log carries on.
      try (ActionsGateway after = ActionsGateway.start(broker, topics, TARGETS.formatted(server.baseUrl(), "7s"),
          Map.of())) {
        JsonNode rebuilt = after.status("later");
        assertThat(rebuilt.path("counts").path("attempts").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(rebuilt.path("lastError").path("statusCode").asInt()).isEqualTo(503);
        assertThat(rebuilt.path("lastError").path("body")).isEqualTo(json("{\"error\":\"maintenance\"}"));

        List<Recorded> calls = server.await("/later", 2, Duration.ofSeconds(30));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
            .until(() -> server.requests("/later").size() == 2);
        assertThat(calls).extracting(r -> r.header("Idempotency-Key")).containsExactly("later-1", "later-1");
        long gap = (calls.get(1).nanos() - first.nanos()) / 1_000_000;
        assertThat(gap).as("Retry-After: 3 honoured across the restart").isGreaterThanOrEqualTo(2950);

        await().atMost(Duration.ofSeconds(10))
            .until(() -> after.status("later").path("counts").path("successes").asInt() == 1);
        assertThat(after.get("/api/v1/targets").path("targets").get(0).path("settings").path("timeoutMs").asLong())
            .isEqualTo(7000);
      }

      // Started once more: the log, as left by the previous gateway, is read back from the compacted topic.
      try (ActionsGateway again = ActionsGateway.start(broker, topics, TARGETS.formatted(server.baseUrl(), "7s"),
          Map.of())) {
        JsonNode status = again.status("later");
        assertThat(status.path("counts").path("attempts").asInt()).isEqualTo(2);
        assertThat(status.path("counts").path("successes").asInt()).isEqualTo(1);
        assertThat(status.path("counts").path("retries").asInt()).isEqualTo(1);
        assertThat(status.path("lastCall").path("statusCode").asInt()).isEqualTo(200);
        assertThat(status.path("lastCall").path("message").asText()).isEqualTo("OK");
        assertThat(status.path("lastError").path("statusCode").asInt()).isEqualTo(503);
        assertThat(status.path("lastError").path("message").asText()).isEqualTo("Service Unavailable");
        JsonNode subscription = again.get("/api/v1/targets/later/subscriptions/test/p1/status");
        assertThat(subscription.path("counts").path("attempts").asInt()).isEqualTo(2);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3))
            .until(() -> server.requests("/later").size() == 2);
      }
    }
  }
}
