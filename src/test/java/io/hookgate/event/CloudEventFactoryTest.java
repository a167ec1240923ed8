package io.hookgate.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.message.MessageReader;
import io.cloudevents.kafka.KafkaMessageFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

class CloudEventFactoryTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  // A clock in another zone: the event time must still be written in UTC.
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-23T07:00:00.123Z"), ZoneId.of("Europe/Paris"));
  private final CloudEventFactory factory = new CloudEventFactory(MAPPER, clock);

  private static NormalizedEvent isahit(String subject) {
    LabelingEvent data = LabelingEvent.builder("isahit", "isahit", MAPPER.createObjectNode().put("taskId", "t1"))
        .platformEventType("review").projectId("p1").taskId("t1").build();
    return new NormalizedEvent(EventTypes.TASK_COMPLETED, subject, "p1", null, data);
  }

  @Test
  void everyAttributeIsSet() throws Exception {
    CloudEvent event = factory.toCloudEvent("evt-1", "isahit-eu", isahit("t1"));
    assertThat(event.getSpecVersion().toString()).isEqualTo("1.0");
    assertThat(event.getId()).isEqualTo("evt-1");
    assertThat(event.getSource()).hasToString("/sources/isahit-eu");
    assertThat(event.getType()).isEqualTo("labeling.task.completed");
    assertThat(event.getSubject()).isEqualTo("t1");
    assertThat(event.getTime()).isEqualTo(OffsetDateTime.of(2026, 11, 23, 7, 0, 0, 123_000_000, ZoneOffset.UTC));
    assertThat(event.getDataContentType()).isEqualTo("application/json");
    assertThat(event.getDataSchema()).isEqualTo(CloudEventFactory.DATA_SCHEMA);
    assertThat(event.getExtension("platform")).isEqualTo("isahit");
    assertThat(event.getExtension("platformevent")).isEqualTo("review");
    assertThat(event.getExtension("partitionkey")).isEqualTo("p1");
    assertThat(MAPPER.readTree(event.getData().toBytes()).path("taskId").asText()).isEqualTo("t1");
  }

  /** {@code data.original} is the body as the sender posted it, not a re-serialization of what was parsed. */
  @Test
  void theRawBodyIsTheOriginalByteForByte() throws Exception {
    String body = "{ \"taskId\" : \"t1\",\n  \"note\": \"caf\\u00e9 \u2713\", \"n\": 1.50 }";
    ProducerRecord<String, byte[]> record = factory.toRecord("hookgate.events", "evt-1", "isahit", isahit("t1"), null,
        body.getBytes(StandardCharsets.UTF_8));
    String value = new String(record.value(), StandardCharsets.UTF_8);
    assertThat(value).endsWith(",\"original\":" + body + "}");
    assertThat(MAPPER.readTree(record.value()).path("taskId").asText()).isEqualTo("t1");
    // A UTF-8 byte order mark cannot stand inside data: the rest of the body is the original.
    byte[] withBom = ("\uFEFF" + body).getBytes(StandardCharsets.UTF_8);
    assertThat(new String(factory.toRecord("t", "evt-1", "isahit", isahit("t1"), null, withBom).value(),
        StandardCharsets.UTF_8)).isEqualTo(value);
    // UTF-16 cannot be embedded in UTF-8 data: the tree the source read is written instead.
    byte[] utf16 = body.getBytes(StandardCharsets.UTF_16BE);
    assertThat(MAPPER.readTree(factory.toRecord("t", "evt-1", "isahit", isahit("t1"), null, utf16).value())
        .path("original")).isEqualTo(MAPPER.createObjectNode().put("taskId", "t1"));
  }

  @Test
  void noSubjectMeansNoSubjectAttribute() {
    CloudEvent event = factory.toCloudEvent("evt-1", "isahit", isahit(null));
    assertThat(event.getSubject()).isNull();
    assertThat(headers(factory.toRecord("t", event))).doesNotContainKey("ce_subject");
  }

  @Test
  void theRecordIsTheKafkaBinaryBindingKeyedByProject() {
    CloudEvent event = factory.toCloudEvent("evt-1", "isahit", isahit("t1"));
    ProducerRecord<String, byte[]> record = factory.toRecord("hookgate.events", event);
    assertThat(record.topic()).isEqualTo("hookgate.events");
    assertThat(record.key()).isEqualTo("p1");
    assertThat(record.partition()).isNull();
    Map<String, String> headers = headers(record);
    assertThat(headers).containsEntry("ce_specversion", "1.0")
        .containsEntry("ce_id", "evt-1")
        .containsEntry("ce_source", "/sources/isahit")
        .containsEntry("ce_type", "labeling.task.completed")
        .containsEntry("ce_subject", "t1")
        .containsEntry("ce_time", "2026-11-23T07:00:00.123Z")
        .containsEntry("ce_dataschema", "urn:hookgate:schema:labeling-event:v1")
        .containsEntry("ce_platform", "isahit")
        .containsEntry("ce_platformevent", "review")
        .containsEntry("ce_partitionkey", "p1")
        .containsEntry("content-type", "application/json")
        .hasSize(11);
    assertThat(record.value()).isEqualTo(event.getData().toBytes());

    // And a consumer using the SDK reads the same event back.
    ConsumerRecord<String, byte[]> consumed = new ConsumerRecord<>(record.topic(), 0, 0L, record.key(), record.value());
    record.headers().forEach(h -> consumed.headers().add(h));
    MessageReader reader = KafkaMessageFactory.createReader(consumed);
    assertThat(reader.toEvent()).isEqualTo(event);
  }

  private static Map<String, String> headers(ProducerRecord<String, byte[]> record) {
    Map<String, String> out = new HashMap<>();
    for (Header h : record.headers()) {
      out.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
    }
    return out;
  }
}
