package io.hookgate.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** W3C Trace Context as hookgate checks and carries it (https://www.w3.org/TR/trace-context/). */
class TraceContextTest {
  /** The specification's own example. */
  static final String PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  static final String STATE = "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7";

  @Test
  void aValidContextIsKeptAsReceivedAndGivesItsTraceId() {
    TraceContext trace = TraceContext.fromHeaders(List.of(PARENT), List.of(STATE));
    assertThat(trace).isEqualTo(new TraceContext(PARENT, STATE));
    assertThat(trace.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(TraceContext.fromHeaders(List.of(PARENT), List.of())).isEqualTo(new TraceContext(PARENT, null));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "garbage",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",              // no flags
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",           // upper case
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",           // zero trace id
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",           // zero parent id
      "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",           // forbidden version
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",     // version 00 has four fields
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\nX-Injected: 1"})
  void anInvalidTraceparentIsDroppedWithItsTracestate(String traceparent) {
    assertThat(TraceContext.of(traceparent, STATE)).isNull();
    assertThat(TraceContext.fromHeaders(List.of(traceparent), List.of(STATE))).isNull();
  }

  @Test
  void aLaterVersionMayAppendFields() {
    String v1 = "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-abcd";
    assertThat(TraceContext.of(v1, null)).isEqualTo(new TraceContext(v1, null));
  }

  @Test
  void severalTraceparentHeadersAreInvalidAndSeveralTracestateHeadersAreOneList() {
    assertThat(TraceContext.fromHeaders(List.of(PARENT, PARENT), List.of())).isNull();
    assertThat(TraceContext.fromHeaders(List.of(), List.of(STATE))).isNull();
    assertThat(TraceContext.fromHeaders(List.of(PARENT), List.of("congo=t61rcWkgMzE", "rojo=00f067aa0ba902b7")))
        .isEqualTo(new TraceContext(PARENT, STATE));
  }

  @Test
  void aTracestateTooLongOrNotPrintableIsDroppedAloneTheTraceparentStays() {
    String tooLong = "a=" + "x".repeat(TraceContext.MAX_TRACESTATE);
    assertThat(TraceContext.of(PARENT, tooLong)).isEqualTo(new TraceContext(PARENT, null));
    assertThat(TraceContext.of(PARENT, "a=b\nc=d")).isEqualTo(new TraceContext(PARENT, null));
    assertThat(TraceContext.of(PARENT, "  ")).isEqualTo(new TraceContext(PARENT, null));
  }

  @Test
  void kafkaHeadersRoundTripAndReplaceEarlierValues() {
    RecordHeaders headers = new RecordHeaders();
    headers.add("traceparent", "stale".getBytes(StandardCharsets.UTF_8));
    new TraceContext(PARENT, STATE).addTo(headers);
    assertThat(headers.headers("traceparent")).hasSize(1);
    assertThat(TraceContext.fromKafka(headers)).isEqualTo(new TraceContext(PARENT, STATE));
    assertThat(TraceContext.fromKafka(new RecordHeaders())).isNull();
  }

  @Test
  void theCloudEventCarriesItAsTheDistributedTracingExtensionAndItsRecordAsPlainHeaders() {
    ObjectMapper mapper = new ObjectMapper();
    CloudEventFactory factory = new CloudEventFactory(mapper, Clock.systemUTC());
    LabelingEvent data = LabelingEvent.builder("isahit", "isahit", mapper.createObjectNode().put("taskId", "t1"))
        .platformEventType("review").projectId("p1").taskId("t1").build();
    NormalizedEvent normalized = new NormalizedEvent(EventTypes.TASK_COMPLETED, "t1", "p1", null, data);
    CloudEvent event = factory.toCloudEvent("evt-1", "kili", normalized, new TraceContext(PARENT, STATE));
    assertThat(event.getExtension("traceparent")).isEqualTo(PARENT);
    assertThat(event.getExtension("tracestate")).isEqualTo(STATE);
    assertThat(TraceContext.fromExtensions(event)).isEqualTo(new TraceContext(PARENT, STATE));

    ProducerRecord<String, byte[]> record = factory.toRecord("events", event);
    assertThat(new String(record.headers().lastHeader("traceparent").value(), StandardCharsets.UTF_8))
        .isEqualTo(PARENT);
    assertThat(new String(record.headers().lastHeader("ce_traceparent").value(), StandardCharsets.UTF_8))
        .isEqualTo(PARENT);
    assertThat(new String(record.headers().lastHeader("tracestate").value(), StandardCharsets.UTF_8)).isEqualTo(STATE);

    CloudEvent untraced = factory.toCloudEvent("evt-2", "kili", normalized);
    assertThat(untraced.getExtensionNames()).doesNotContain("traceparent", "tracestate");
    assertThat(factory.toRecord("events", untraced).headers().lastHeader("traceparent")).isNull();
  }
}
