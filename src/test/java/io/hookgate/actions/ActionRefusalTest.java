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
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An action from which no valid request can be built is refused at once: dead letter {@code refused} with
 * a message that says what is invalid, no request sent, no retry, and its target's breaker neither counts
 * it nor holds back the target's next action. The black-box finding this guards against: an event id with
 * a line break (the action id, so the {@code Idempotency-Key} and {@code webhook-id} values) was retried
 * for hours as an "unexpected error" and opened the target's breaker, delaying every other action of it.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ActionRefusalTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  /**
   * Well under the breaker's openDuration below: a refusal miscounted as a failure of the target opens the
   * breaker after two, and the valid action that follows is then held back for a minute, past this.
   */
  private static final Duration PROMPT = Duration.ofSeconds(10);
  private static RecordingHttpServer server;
  private static ActionsGateway gateway;

  @BeforeAll
  static void start(KafkaBroker broker) throws Exception {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    server = RecordingHttpServer.start();
    // Fast retries and a touchy breaker, so that the old behaviour (retryable, counted) shows within the test.
    String strict = """
        allowedHosts: [ 127.0.0.1 ]
            retry: { initialBackoff: 10ms, maxBackoff: 20ms, maxAttempts: 20 }
            breaker: { failureThreshold: 2, openDuration: 60s }""";
    gateway = ActionsGateway.start(broker, ActionsGateway.Topics.fresh(), """
        targets:
          subscriber:
            baseUrl: %1$s/sub
            signingSecret: env:SUBSCRIBER_SIGNING_SECRET
            %2$s
          templated:
            baseUrl: %1$s/tpl
            %2$s
        """.formatted(server.baseUrl(), strict), Map.of(
        "SUBSCRIBER_SIGNING_SECRET", "whsec_" + Base64.getEncoder().encodeToString(key)));
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

  @Test
  void anActionIdWithALineBreakIsRefusedAtOnceAndTheTargetStaysAvailable() throws Exception {
    JsonNode event = json("{\"specversion\":\"1.0\",\"id\":\"e\",\"source\":\"/sources/open\",\"type\":\"x\"}");
    // Three: more than the breaker's threshold, as in the finding (six bad webhooks, then a good one).
    List<String> bad = List.of("bad-1\n:generic-forward:0", "bad-2\r\n:generic-forward:0", "bad-3\n:generic-forward:0");
    for (String id : bad) {
      gateway.send(action(id, "subscriber", "forward", "", event));
    }
    String expected = "invalid header value for Idempotency-Key (the action id): contains a line break";
    for (String id : bad) {
      assertRefused(id, expected);
    }
    JsonNode status = awaitDeadLetters("subscriber", bad.size());
    assertThat(status.path("lastError").path("message").asText()).isEqualTo(expected);
    assertThat(status.path("lastError").path("statusCode").isNull()).isTrue();
    assertThat(status.path("counts").path("retries").asInt()).as("never retried").isZero();
    assertThat(status.path("counts").path("attempts").asInt()).as("no request was made").isZero();
    assertThat(status.path("lastCall").isNull()).as("no request was made").isTrue();
    assertThat(status.path("breaker").asText()).isEqualTo("closed");
    assertThat(gateway.metrics())
        .contains("hookgate_breaker_state{target=\"subscriber\"} 0.0")
        .contains("hookgate_action_dead_letters_total{reason=\"refused\",target=\"subscriber\"} 3.0");

    Recorded delivered = sendAndAwait(action("good-1:generic-forward:0", "subscriber", "forward", "", event), "/sub");
    assertThat(delivered.header("webhook-id")).isEqualTo("good-1:generic-forward:0");
    assertThat(server.requests("/sub")).as("only the valid action reached the subscriber").hasSize(1);
  }

  @Test
  void headersAndMethodsHttpCannotCarryAreRefused() throws Exception {
    // Header values come from rule templates fed with event data (X-Label: "{{ event.data.labelId }}").
    assertRefused(withHeaders("tpl-crlf", Map.of("X-Label", "l1\r\nX-Injected: yes"), null),
        "invalid header value for X-Label (from the action's headers): contains a line break");
    assertRefused(withHeaders("tpl-nul", Map.of("X-Label", "l1\u0000"), null),
        "invalid header value for X-Label (from the action's headers): contains a control character (U+0000)");
    assertRefused(withHeaders("tpl-name", Map.of("X Label\n", "v"), null),
        "invalid header name \"X Label\\n\" in the action's headers: not an HTTP token");
    // The HTTP client would put this one on the request line as it is.
    assertRefused(withHeaders("tpl-method", Map.of(), "POST\n"), "invalid HTTP method \"POST\\n\": not an HTTP token");

    JsonNode status = awaitDeadLetters("templated", 4);
    assertThat(status.path("counts").path("attempts").asInt()).isZero();
    assertThat(status.path("breaker").asText()).isEqualTo("closed");

    Recorded delivered = sendAndAwait(withHeaders("tpl-ok", Map.of("X-Label", "l1\tl2"), "PUT"), "/tpl/a");
    assertThat(delivered.method()).isEqualTo("PUT");
    assertThat(delivered.header("X-Label")).isEqualTo("l1\tl2");
    assertThat(server.requests("/tpl/a")).hasSize(1);
  }

  private static ActionRecord withHeaders(String id, Map<String, String> headers, String method) {
    return new ActionRecord(id, "evt-" + id, "labeling.label.submitted", "test", "p1", "test-rule", "templated",
        "http", method, "/a", headers, json("{}"), List.of(), 1, Instant.now(), null, null);
  }

  private static ActionRecord assertRefused(ActionRecord action, String expected) throws Exception {
    gateway.send(action);
    return assertRefused(action.id(), expected);
  }

  /** The dead letter of {@code id}: refused on its first attempt, with no HTTP status since nothing was sent. */
  private static ActionRecord assertRefused(String id, String expected) {
    ConsumerRecord<String, byte[]> dead = gateway.awaitDeadLetter(id);
    assertThat(ActionsGateway.header(dead, "hookgate-dlq-reason")).isEqualTo("refused");
    assertThat(ActionsGateway.header(dead, "hookgate-dlq-status")).isNull();
    ActionRecord record = ActionsGateway.decode(dead);
    assertThat(record.lastError()).isEqualTo(expected);
    assertThat(record.attempt()).isEqualTo(1);
    return record;
  }

  private static JsonNode awaitDeadLetters(String target, int count) {
    JsonNode[] status = new JsonNode[1];
    await().atMost(WAIT).until(() -> {
      status[0] = gateway.status(target);
      return status[0].path("counts").path("deadLetters").asInt() == count;
    });
    return status[0];
  }

  private static Recorded sendAndAwait(ActionRecord action, String path) throws Exception {
    long sent = System.nanoTime();
    gateway.send(action);
    Recorded received = server.await(path, 1, WAIT).get(0);
    assertThat(Duration.ofNanos(received.nanos() - sent)).as("delivered promptly, not held by the breaker")
        .isLessThan(PROMPT);
    assertThat(received.header("Idempotency-Key")).isEqualTo(action.id());
    return received;
  }
}
