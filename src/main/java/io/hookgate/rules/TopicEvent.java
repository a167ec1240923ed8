package io.hookgate.rules;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.hookgate.event.RawJson;
import java.time.OffsetDateTime;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A record of the events topic read as an event, for readers other than the rules (the live tail, the rule
 * dry-run): its attributes, its source and project as subscriptions' filters see them, and the event as one
 * line of structured-mode CloudEvent JSON. Each view is made on first use and kept, so that a hundred streams'
 * filters asking about the same event decode it once.
 *
 * <p>Not thread-safe: confined to the thread that reads it, like the record it comes from.
 */
public final class TopicEvent {
  private final IncomingEvent event;
  private byte[] line;

  TopicEvent(IncomingEvent event) {
    this.event = event;
  }

  /**
   * Decodes a record (CloudEvents Kafka binary binding).
   *
   * @throws IllegalArgumentException when it is not a CloudEvent
   */
  public static TopicEvent read(ConsumerRecord<String, byte[]> record, ObjectMapper mapper) {
    CloudEvent ce;
    try {
      ce = KafkaMessageFactory.createReader(record).toEvent();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a CloudEvent: " + e.getMessage(), e);
    }
    return new TopicEvent(IncomingEvent.of(ce, mapper));
  }

  public String id() {
    return event.id();
  }

  public String type() {
    return event.type();
  }

  /** The configured source it came through ({@code kili}). */
  public String sourceName() {
    return event.sourceName();
  }

  /** {@code data.projectId}, or null. */
  public String projectId() {
    return event.projectId();
  }

  /** When hookgate received it; null when the event has none. */
  public OffsetDateTime time() {
    return event.time();
  }

  /**
   * The event in structured-mode CloudEvent JSON on one line, as the CloudEvents SDK's {@code JsonFormat} writes
   * it (see {@link StructuredEvent}). JSON data is written as it came, and may hold line breaks between its
   * tokens (a platform's pretty-printed body in {@code original}): JSON strings cannot hold a raw line break, so
   * every CR or LF byte is whitespace and becomes a space, and the JSON means the same.
   *
   * @throws IllegalArgumentException when the data is not the JSON its content type says
   */
  public byte[] jsonLine() {
    if (line == null) {
      byte[] json = RawJson.bytes(event.structured()).orElseThrow();
      for (int i = 0; i < json.length; i++) {
        if (json[i] == '\n' || json[i] == '\r') {
          json[i] = ' ';
        }
      }
      line = json;
    }
    return line;
  }

  IncomingEvent incoming() {
    return event;
  }
}
