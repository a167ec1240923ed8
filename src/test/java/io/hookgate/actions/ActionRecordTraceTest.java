package io.hookgate.actions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hookgate.event.TraceContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The trace context rides in the action record, so every later form of the action keeps it. */
class ActionRecordTraceTest {
  private static final TraceContext TRACE = new TraceContext("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "congo=t61rcWkgMzE");
  private final ActionCodec codec = new ActionCodec();

  private static ActionRecord action(TraceContext trace, List<ActionRecord> then) {
    return new ActionRecord("evt-1:r:0", "evt-1", "labeling.label.submitted", "kili", "p1", "r", "sink", "http",
        "POST", "/x", Map.of(), null, then, 1, Instant.parse("2025-01-31T10:00:00Z"), null, null, trace);
  }

  @Test
  void itIsWrittenAsATraceObjectAndReadBack() throws Exception {
    ActionRecord chained = action(TRACE, List.of(action(TRACE, List.of())));
    byte[] bytes = codec.write(chained);
    JsonNode json = codec.mapper().readTree(bytes);
    assertThat(json.path("trace").path("traceparent").asText()).isEqualTo(TRACE.traceparent());
    assertThat(json.path("trace").path("tracestate").asText()).isEqualTo(TRACE.tracestate());
    assertThat(json.path("trace").has("traceId")).isFalse();
    ActionRecord read = codec.read(bytes);
    assertThat(read).isEqualTo(chained);
    assertThat(read.then().get(0).trace()).isEqualTo(TRACE);
  }

  @Test
  void retriesDeferralsDeadLettersAndThenActionsKeepIt() {
    ActionRecord a = action(TRACE, List.of(action(TRACE, List.of())));
    assertThat(a.retry(Instant.now(), "HTTP 503").trace()).isEqualTo(TRACE);
    assertThat(ActionCodec.deferred(a, Instant.now()).trace()).isEqualTo(TRACE);
    assertThat(ActionCodec.failed(a, "gave up").trace()).isEqualTo(TRACE);
    assertThat(ActionCodec.fresh(a.then().get(0), Instant.now()).trace()).isEqualTo(TRACE);
  }

  @Test
  void aRecordWithoutOneHasNoTraceAndOlderRecordsStillRead() {
    ActionRecord untraced = action(null, List.of());
    assertThat(new String(codec.write(untraced), StandardCharsets.UTF_8)).doesNotContain("trace");
    ActionRecord old = codec.read("""
        {"id":"e:r:0","eventId":"e","target":"sink","kind":"http","attempt":2,"createdAt":"2025-01-31T10:00:00Z"}"""
        .getBytes(StandardCharsets.UTF_8));
    assertThat(old.trace()).isNull();
    assertThat(old.attempt()).isEqualTo(2);
  }
}
