package io.hookgate.actions;

import static io.hookgate.actions.ActionsGateway.action;
import static io.hookgate.actions.ActionsGateway.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import io.hookgate.testing.MutableClock;
import io.hookgate.testing.RecordingHttpServer;
import io.hookgate.testing.RecordingHttpServer.Recorded;
import io.hookgate.testing.RecordingHttpServer.Reply;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The circuit breaker: its state machine on a controlled clock, and end to end, opening after repeated
 * failures, holding calls back while open (actions postponed, not called), then closing after a probe.
 */
@ExtendWith(KafkaBrokerExtension.class)
class CircuitBreakerTest {
  private static final Duration OPEN = Duration.ofMillis(1500);
  private static final Duration HANG_TIMEOUT = Duration.ofMillis(300);
  private static final Duration HANG_OPEN = Duration.ofSeconds(3);
  private static RecordingHttpServer server;
  private static ActionsGateway gateway;

  @BeforeAll
  static void start(KafkaBroker broker) throws Exception {
    server = RecordingHttpServer.start();
    gateway = ActionsGateway.start(broker, ActionsGateway.Topics.fresh(), """
        targets:
          fragile:
            baseUrl: %s
            allowedHosts: [ 127.0.0.1 ]
            retry: { initialBackoff: 10ms, maxBackoff: 20ms, maxAttempts: 20 }
            breaker: { failureThreshold: 2, openDuration: %dms }
          hanging:
            baseUrl: %s
            allowedHosts: [ 127.0.0.1 ]
            timeout: %dms
            concurrency: 1
            retry: { initialBackoff: 10ms, maxBackoff: 20ms, maxAttempts: 20 }
            breaker: { failureThreshold: 2, openDuration: %dms }
        """.formatted(server.baseUrl(), OPEN.toMillis(), server.baseUrl(), HANG_TIMEOUT.toMillis(),
        HANG_OPEN.toMillis()), Map.of());
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
  void opensAfterRepeatedFailuresHoldsCallsBackThenClosesAfterAProbe() throws Exception {
    AtomicBoolean healthy = new AtomicBoolean(false);
    server.respond("/fragile", r -> healthy.get() ? Reply.of(200, "ok") : Reply.of(503, "overloaded"));
    gateway.send(action("fragile-1", "fragile", "http", "/fragile", json("{\"n\":1}")));

    server.await("/fragile", 2, Duration.ofSeconds(20));
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
        .until(() -> gateway.status("fragile").path("breaker").asText().equals("open"));
    assertThat(gateway.metrics()).contains("hookgate_breaker_state{target=\"fragile\"} 1.0");
    // Another action while open is postponed, not called.
    gateway.send(action("fragile-2", "fragile", "http", "/fragile", json("{\"n\":2}")));
    await().atMost(Duration.ofSeconds(10))
        .until(() -> gateway.status("fragile").path("counts").path("deferred").asInt() >= 1);
    assertThat(server.requests("/fragile")).hasSize(2);
    healthy.set(true);

    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
        .until(() -> gateway.status("fragile").path("counts").path("successes").asInt() == 2);
    List<Recorded> calls = server.requests("/fragile");
    assertThat(calls).hasSize(4);
    long quiet = (calls.get(2).nanos() - calls.get(1).nanos()) / 1_000_000;
    assertThat(quiet).as("no call while the breaker was open").isGreaterThanOrEqualTo(OPEN.toMillis() - 50);
    assertThat(calls.subList(2, 4)).extracting(r -> r.header("Idempotency-Key"))
        .containsExactlyInAnyOrder("fragile-1", "fragile-2");

    JsonNode status = gateway.status("fragile");
    assertThat(status.path("breaker").asText()).isEqualTo("closed");
    assertThat(status.path("counts").path("attempts").asInt()).isEqualTo(4);
    assertThat(status.path("lastError").path("statusCode").asInt()).isEqualTo(503);
    assertThat(gateway.metrics()).contains("hookgate_breaker_state{target=\"fragile\"} 0.0");
  }

  /**
   * A target that stops answering, with one connection: the actions queued behind the first calls are waiting
   * for the slot when the breaker opens, and none of them is called while it is open (they used to be, one
   * after the other, for as long as the queue lasted).
   */
  @Test
  void actionsWaitingForASlotAreNotCalledOnceTheBreakerOpens() throws Exception {
    server.respond("/hanging", r -> Reply.of(200, "too late").after(Duration.ofSeconds(5)));
    for (int i = 1; i <= 8; i++) {
      gateway.send(action("hanging-" + i, "hanging", "http", "/hanging", json("{\"n\":" + i + "}")));
    }
    List<Recorded> first = server.await("/hanging", 2, Duration.ofSeconds(20));
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
        .until(() -> gateway.status("hanging").path("breaker").asText().equals("open"));
    long opened = first.get(1).nanos() + HANG_TIMEOUT.toNanos();
    // Past the open duration the half-open probe goes out: wait for it, then look at what came before.
    List<Recorded> calls = server.await("/hanging", 3, Duration.ofSeconds(20));
    long quiet = (calls.get(2).nanos() - opened) / 1_000_000;
    assertThat(quiet).as("ms from the breaker opening to the next call").isGreaterThanOrEqualTo(
        HANG_OPEN.toMillis() - 100);
    assertThat(gateway.status("hanging").path("counts").path("deferred").asInt())
        .as("the queued actions were postponed").isGreaterThanOrEqualTo(6);
  }

  @Test
  void stateMachine() {
    MutableClock clock = new MutableClock();
    CircuitBreaker breaker = new CircuitBreaker("t", 3, Duration.ofSeconds(10), clock);
    assertThat(breaker.tryAcquire().allowed()).isTrue();
    breaker.onFailure(false);
    breaker.onFailure(false);
    breaker.onSuccess(false);
    breaker.onFailure(false);
    breaker.onFailure(false);
    assertThat(breaker.state()).as("a success resets the count").isEqualTo(CircuitBreaker.State.CLOSED);
    breaker.onFailure(false);
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    CircuitBreaker.Permit held = breaker.tryAcquire();
    assertThat(held.allowed()).isFalse();
    assertThat(held.retryAt()).isEqualTo(clock.instant().plusSeconds(10));

    clock.advance(Duration.ofSeconds(10));
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    CircuitBreaker.Permit probe = breaker.tryAcquire();
    assertThat(probe.allowed()).isTrue();
    assertThat(probe.probe()).isTrue();
    assertThat(breaker.tryAcquire().allowed()).as("one probe at a time").isFalse();
    breaker.onFailure(true);
    assertThat(breaker.state()).as("a failed probe opens it again").isEqualTo(CircuitBreaker.State.OPEN);

    clock.advance(Duration.ofSeconds(10));
    CircuitBreaker.Permit second = breaker.tryAcquire();
    assertThat(second.probe()).isTrue();
    breaker.onNeutral(true);
    CircuitBreaker.Permit third = breaker.tryAcquire();
    assertThat(third.probe()).as("a neutral outcome frees the probe slot").isTrue();
    breaker.onSuccess(true);
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(breaker.tryAcquire().probe()).isFalse();
  }
}
