package io.hookgate.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.KafkaMessageFactory;
import java.net.URI;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Turns a normalized webhook into a CloudEvents 1.0 event and into its Kafka record in the CloudEvents
 * Kafka binary binding: attributes as {@code ce_*} headers, {@code content-type} header, data as the value,
 * key = the partition key (the project).
 */
public final class CloudEventFactory {
  /**
   * The schema of {@code data}, also its {@code $id}: src/main/resources/schema/labeling-event.v1.json, in the jar
   * as {@code schema/labeling-event.v1.json}.
   */
  public static final URI DATA_SCHEMA = URI.create("urn:hookgate:schema:labeling-event:v1");
  public static final String EXT_PLATFORM = "platform";
  public static final String EXT_PLATFORM_EVENT = "platformevent";
  public static final String EXT_PARTITION_KEY = "partitionkey";

  private static final byte[] ORIGINAL_FIELD = ",\"original\":".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  private final ObjectWriter dataWriter;
  private final ObjectWriter dataWithoutOriginal;
  private final Clock clock;

  public CloudEventFactory(ObjectMapper mapper, Clock clock) {
    this.dataWriter = mapper.writerFor(LabelingEvent.class);
    this.dataWithoutOriginal = mapper.copy().addMixIn(LabelingEvent.class, WithoutOriginal.class)
        .writerFor(LabelingEvent.class);
    this.clock = clock;
  }

  @JsonIgnoreProperties("original")
  private abstract static class WithoutOriginal {
  }

  /** Builds the event with {@code data.original} re-serialized from the parsed payload. */
  public CloudEvent toCloudEvent(String id, String sourceName, NormalizedEvent normalized) {
    return toCloudEvent(id, sourceName, normalized, null, null);
  }

  /** Builds the event with a trace context and {@code data.original} re-serialized. */
  public CloudEvent toCloudEvent(String id, String sourceName, NormalizedEvent normalized, TraceContext trace) {
    return toCloudEvent(id, sourceName, normalized, trace, null);
  }

  /**
   * Builds the event; when the sender's raw JSON body is given, {@code data.original} is those very bytes
   * (byte-identical to what was sent, and the costliest part of serializing {@code data} is skipped). The
   * body must be one complete JSON value, as the ingress's parser guarantees.
   *
   * @param trace the webhook request's trace context, or null: set as the CloudEvents distributed-tracing
   *     extension ({@code traceparent}, {@code tracestate}), whose meaning is the context in which the event
   *     was created, so that it stays with the event in structured mode too (forwards, stored copies)
   */
  public CloudEvent toCloudEvent(String id, String sourceName, NormalizedEvent normalized, TraceContext trace,
      byte[] rawBody) {
    byte[] data;
    try {
      data = rawBody != null && isPlainUtf8(rawBody)
          ? withRawOriginal(dataWithoutOriginal.writeValueAsBytes(normalized.data()), rawBody)
          : dataWriter.writeValueAsBytes(normalized.data());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not serialize event data", e);
    }
    CloudEventBuilder builder = CloudEventBuilder.v1()
        .withId(id)
        .withSource(URI.create("/sources/" + sourceName))
        .withType(normalized.type())
        .withTime(OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC))
        .withDataSchema(DATA_SCHEMA)
        .withData("application/json", data)
        .withExtension(EXT_PLATFORM, normalized.data().platform())
        .withExtension(EXT_PARTITION_KEY, normalized.partitionKey());
    if (normalized.subject() != null) {
      builder.withSubject(normalized.subject());
    }
    if (normalized.data().platformEventType() != null) {
      builder.withExtension(EXT_PLATFORM_EVENT, normalized.data().platformEventType());
    }
    if (trace != null) {
      builder.withExtension(TraceContext.TRACEPARENT, trace.traceparent());
      if (trace.tracestate() != null) {
        builder.withExtension(TraceContext.TRACESTATE, trace.tracestate());
      }
    }
    return builder.build();
  }

  /** {@code original} is the last property: replace the closing brace of the rest with it. */
  private static byte[] withRawOriginal(byte[] rest, byte[] raw) {
    byte[] out = new byte[rest.length - 1 + ORIGINAL_FIELD.length + raw.length + 1];
    System.arraycopy(rest, 0, out, 0, rest.length - 1);
    System.arraycopy(ORIGINAL_FIELD, 0, out, rest.length - 1, ORIGINAL_FIELD.length);
    System.arraycopy(raw, 0, out, rest.length - 1 + ORIGINAL_FIELD.length, raw.length);
    out[out.length - 1] = '}';
    return out;
  }

  /**
   * UTF-8 without a byte-order mark: the only encoding that can be embedded as is. Jackson also reads
   * UTF-16/32 and a BOM; such rare bodies are re-serialized instead.
   */
  private static boolean isPlainUtf8(byte[] raw) {
    if (raw.length >= 3 && raw[0] == (byte) 0xEF && raw[1] == (byte) 0xBB && raw[2] == (byte) 0xBF) {
      return false;
    }
    for (int i = 0; i < Math.min(4, raw.length); i++) {
      if (raw[i] == 0 || raw[i] == (byte) 0xFE || raw[i] == (byte) 0xFF) {
        return false;
      }
    }
    return true;
  }

  /**
   * The record in the binary binding. When the event carries a trace context, it is also set as the plain
   * {@code traceparent}/{@code tracestate} headers, where OpenTelemetry's Kafka instrumentation looks for it.
   */
  public ProducerRecord<String, byte[]> toRecord(String topic, CloudEvent event) {
    String key = (String) event.getExtension(EXT_PARTITION_KEY);
    ProducerRecord<String, byte[]> record = KafkaMessageFactory.createWriter(topic, key).writeBinary(event);
    TraceContext trace = TraceContext.fromExtensions(event);
    if (trace != null) {
      trace.addTo(record.headers());
    }
    return record;
  }
}
