package io.hookgate.event;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.KafkaMessageFactory;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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

  private final ObjectWriter dataWriter;
  private final Clock clock;
  /** {@code /sources/{name}} per source: parsing a URI per event costs more than the lookup. */
  private final Map<String, URI> sourceUris = new ConcurrentHashMap<>();

  public CloudEventFactory(ObjectMapper mapper, Clock clock) {
    this.dataWriter = mapper.writerFor(LabelingEvent.class);
    this.clock = clock;
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
   * (byte-identical to what was sent, and re-serializing the tree is skipped). The body must be one complete
   * JSON value, as the ingress's parser guarantees.
   *
   * @param trace the webhook request's trace context, or null: set as the CloudEvents distributed-tracing
   *     extension ({@code traceparent}, {@code tracestate}), whose meaning is the context in which the event
   *     was created, so that it stays with the event in structured mode too (forwards, stored copies)
   */
  public CloudEvent toCloudEvent(String id, String sourceName, NormalizedEvent normalized, TraceContext trace,
      byte[] rawBody) {
    byte[] data = data(normalized, rawBody);
    CloudEventBuilder builder = CloudEventBuilder.v1()
        .withId(id)
        .withSource(source(sourceName))
        .withType(normalized.type())
        .withTime(OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
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

  /**
   * The record of the event {@link #toCloudEvent(String, String, NormalizedEvent, TraceContext, byte[])} makes, as
   * the SDK's Kafka binding writes it (see {@link #toRecord(String, CloudEvent)}). Writing the headers by hand
   * instead bought 3% of the ingress's CPU per request, short of the 10% that would pay for a second writer of
   * them (bench/README.md).
   */
  public ProducerRecord<String, byte[]> toRecord(String topic, String id, String sourceName, NormalizedEvent normalized,
      TraceContext trace, byte[] rawBody) {
    return toRecord(topic, toCloudEvent(id, sourceName, normalized, trace, rawBody));
  }

  private URI source(String sourceName) {
    return sourceUris.computeIfAbsent(sourceName, n -> URI.create("/sources/" + n));
  }

  /**
   * {@code data} as databind writes it. With the raw body, {@code original} is those bytes, written in place
   * ({@link RawJson}), not the tree the source read: what the sender posted, byte for byte (a UTF-8 byte order
   * mark, which cannot stand inside {@code data}, is left out).
   */
  private byte[] data(NormalizedEvent normalized, byte[] rawBody) {
    LabelingEvent data = normalized.data();
    if (rawBody != null && embeddable(rawBody)) {
      data = data.withOriginal(RawJson.node(withoutBom(rawBody)));
    }
    try {
      return dataWriter.writeValueAsBytes(data);
    } catch (IOException e) {
      throw new IllegalStateException("could not serialize event data", e);
    }
  }

  private static boolean hasBom(byte[] raw) {
    return raw.length >= 3 && raw[0] == (byte) 0xEF && raw[1] == (byte) 0xBB && raw[2] == (byte) 0xBF;
  }

  private static byte[] withoutBom(byte[] raw) {
    return hasBom(raw) ? Arrays.copyOfRange(raw, 3, raw.length) : raw;
  }

  /**
   * Whether a JSON body can be embedded in {@code data} as its bytes: UTF-8 (with or without a byte order mark,
   * which is then left out). Jackson also reads UTF-16 and UTF-32; such rare bodies are re-serialized instead.
   */
  public static boolean embeddable(byte[] raw) {
    int start = hasBom(raw) ? 3 : 0;
    for (int i = start; i < Math.min(start + 4, raw.length); i++) {
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
