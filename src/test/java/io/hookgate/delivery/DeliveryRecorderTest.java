package io.hookgate.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.actions.ActionCodec;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** How one outcome changes a log (the Kafka side is covered by DeliveryStatusStoreTest). */
class DeliveryRecorderTest {
  private static final Instant T1 = Instant.parse("2025-01-31T10:00:00Z");
  private static final Instant T2 = Instant.parse("2025-01-31T10:00:05Z");
  private final ObjectMapper mapper = new ActionCodec().mapper();
  private final DeliveryRecorder recorder = new DeliveryRecorder(null, null, "status", mapper);

  @Test
  void failureThenSuccessKeepsTheLastErrorAndCountsBoth() {
    DeliveryStatus empty = DeliveryStatus.empty("kili", null, null);
    DeliveryStatus failed = recorder.next(empty, new DeliveryOutcome("kili", "kili", "p1", true,
        DeliveryOutcome.Result.RETRY, 503, "Service Unavailable", "{\"error\":\"busy\"}", T1, "closed"), true);
    DeliveryStatus ok = recorder.next(failed, new DeliveryOutcome("kili", "kili", "p1", true,
        DeliveryOutcome.Result.SUCCESS, 200, "OK", "{}", T2, "closed"), true);

    assertThat(ok.version()).isEqualTo(2);
    assertThat(ok.counts()).isEqualTo(new DeliveryStatus.Counts(2, 1, 1, 1, 0, 0));
    assertThat(ok.lastCall()).isEqualTo(new DeliveryStatus.LastCall(200, "OK", T2));
    assertThat(ok.lastError().statusCode()).isEqualTo(503);
    assertThat(ok.lastError().body().path("error").asText()).isEqualTo("busy");
    assertThat(ok.lastError().date()).isEqualTo(T1);
    assertThat(ok.breaker()).isEqualTo("closed");
    assertThat(ok.updatedAt()).isEqualTo(T2);
  }

  @Test
  void deadLetterWithoutACallLeavesLastCallAlone() {
    DeliveryStatus s = recorder.next(DeliveryStatus.empty("kili", "kili", "p1"), new DeliveryOutcome("kili", "kili",
        "p1", false, DeliveryOutcome.Result.DEAD_LETTER, null, "gave up: too old", null, T1, "open"), false);
    assertThat(s.lastCall()).isNull();
    assertThat(s.lastError().message()).isEqualTo("gave up: too old");
    assertThat(s.counts()).isEqualTo(new DeliveryStatus.Counts(0, 0, 0, 0, 1, 0));
    assertThat(s.breaker()).as("breaker state only on the target's own log").isNull();
  }

  @Test
  void bodyIsKeptAsJsonWhenCompleteElseTruncatedText() {
    assertThat(recorder.body("{\"a\":[1,2]}").isObject()).isTrue();
    assertThat(recorder.body("plain text").asText()).isEqualTo("plain text");
    String big = "{\"x\":\"" + "y".repeat(5000) + "\"}";
    assertThat(recorder.body(big).isTextual()).isTrue();
    assertThat(recorder.body(big).asText()).hasSize(DeliveryRecorder.MAX_BODY_CHARS + 1).endsWith("…");
    assertThat(recorder.body(null)).isNull();
  }
}
