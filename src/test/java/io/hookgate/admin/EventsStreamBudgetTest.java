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
 * broker: the stream falls behind while its budget is spent, then has every event, in order, once.
 */
@ExtendWith(KafkaBrokerExtension.class)
class EventsStreamBudgetTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int EVENTS = 300;
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
      List<String> received = new ArrayList<>();
      while (received.size() < EVENTS) {
        for (SseStream.Message m : s.events(1, seconds(60))) {
          received.add(MAPPER.readTree(m.data()).path("id").asText());
        }
      }
      assertThat(received).containsExactlyElementsOf(posted);
      assertThat(gateway.metric("hookgate_tail_throttled_seconds_total")).as("time waited for the budget")
          .isPositive();
      assertThat(gateway.metric("hookgate_tail_events_sent_total")).isEqualTo(EVENTS);
    }
  }
}
