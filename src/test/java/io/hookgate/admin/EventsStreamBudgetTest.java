package io.hookgate.admin;

import static io.hookgate.admin.TailGateway.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import io.hookgate.testing.SseStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The live tail held to a small CPU budget ({@code management.streams.cpuShare}) on a running gateway with a real
 * broker: a stream, following or reading back from its {@code Last-Event-ID}, falls behind while the budget is
 * spent, then has every event, in order, once.
 */
@ExtendWith(KafkaBrokerExtension.class)
class EventsStreamBudgetTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int EVENTS = 300;
  private static final String THROTTLED_SHARED = "hookgate_tail_throttled_seconds_total{reader=\"shared\"}";
  private static final String THROTTLED_CATCH_UP = "hookgate_tail_throttled_seconds_total{reader=\"catch_up\"}";
  private static TailGateway gateway;

  @BeforeAll
  static void start(KafkaBroker broker) throws Exception {
    // 1% of the processors: a few hundred events cost the tail more than that, so it has to wait for its budget.
    gateway = TailGateway.start(broker, "{ heartbeat: 500ms }",
        Map.of("HOOKGATE_MANAGEMENT_STREAMS_CPU_SHARE", "0.01"));
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void aStreamOverItsBudgetFallsBehindAndStillGetsEveryEventInOrderOnce() throws Exception {
    double sent = gateway.metric("hookgate_tail_events_sent_total");
    try (SseStream s = gateway.open(Map.of("project", "p-budget"), null)) {
      await().atMost(seconds(10)).until(() -> s.lastEventId() != null);
      List<String> posted = new ArrayList<>();
      for (int i = 0; i < EVENTS; i++) {
        String id = "budget-" + i;
        gateway.post(id, "p-budget", "\"pad\":\"" + "x".repeat(1024) + "\"");
        posted.add(id);
        if (i % 10 == 0) {
          // Events of another project: read and checked by the tail, and charged, but not for this stream.
          gateway.post("elsewhere-" + i, "p-elsewhere");
        }
      }
      assertThat(ids(s, EVENTS)).containsExactlyElementsOf(posted);
      assertThat(gateway.metric(THROTTLED_SHARED)).as("time the shared reader waited for the budget").isPositive();
      assertThat(gateway.metric("hookgate_tail_events_sent_total")).isEqualTo(sent + EVENTS);
    }
  }

  @Test
  void aStreamReadingBackFromItsLastEventIdSpendsTheSameBudgetAndGetsEveryEventInOrderOnce() throws Exception {
    String from;
    List<String> posted = new ArrayList<>();
    try (SseStream first = gateway.open(Map.of("project", "p-back"), null)) {
      await().atMost(seconds(10)).until(() -> first.lastEventId() != null);
      from = first.lastEventId();
      for (int i = 0; i < EVENTS; i++) {
        String id = "back-" + i;
        gateway.post(id, "p-back", "\"pad\":\"" + "y".repeat(1024) + "\"");
        posted.add(id);
      }
      // Once the first stream has them all, so has the shared reader: a stream from before them reads them back
      // on its own.
      assertThat(ids(first, EVENTS)).containsExactlyElementsOf(posted);
    }
    double waited = gateway.metric(THROTTLED_CATCH_UP);
    try (SseStream back = gateway.open(Map.of("project", "p-back"), from)) {
      assertThat(ids(back, EVENTS)).containsExactlyElementsOf(posted);
    }
    assertThat(gateway.metric(THROTTLED_CATCH_UP)).as("time the catch-up reader waited for the budget")
        .isGreaterThan(waited);
  }

  private static List<String> ids(SseStream s, int count) throws Exception {
    List<String> received = new ArrayList<>();
    while (received.size() < count) {
      for (SseStream.Message m : s.events(1, seconds(60))) {
        received.add(MAPPER.readTree(m.data()).path("id").asText());
      }
    }
    return received;
  }
}
