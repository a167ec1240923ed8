package io.hookgate.event;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.KafkaMessageFactory;
import java.net.URI;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * hookgate's own CloudEvents, on the operations topic in the same binary binding as the events topic (key = the
 * subscription, so that one subscription's events stay in order): what happened to a subscription, and a
 * delivery given up. Subscriptions get them like any event, when their filter names their types; their data
 * has {@code source: "hookgate"}, which is also the source a filter names.
 */
public final class OperationalEvents {
  public static final URI SOURCE = URI.create("/hookgate");
  /** The source name filters use for these events. */
  public static final String SOURCE_NAME = "hookgate";
  public static final String PREFIX = "hookgate.";
  public static final String SUBSCRIPTION_CREATED = "hookgate.subscription.created";
  public static final String SUBSCRIPTION_UPDATED = "hookgate.subscription.updated";
  public static final String SUBSCRIPTION_DELETED = "hookgate.subscription.deleted";
  public static final String SUBSCRIPTION_PAUSED = "hookgate.subscription.paused";
  public static final String SUBSCRIPTION_RESUMED = "hookgate.subscription.resumed";
  public static final String SUBSCRIPTION_DISABLED = "hookgate.subscription.disabled";
  public static final String SUBSCRIPTION_RECOVERED = "hookgate.subscription.recovered";
  public static final String ATTEMPT_EXHAUSTED = "hookgate.attempt.exhausted";

  private final String topic;
  private final ObjectMapper mapper;
  private final Clock clock;

  public OperationalEvents(String topic, ObjectMapper mapper, Clock clock) {
    this.topic = topic;
    this.mapper = mapper;
    this.clock = clock;
  }

  /** Data with {@code source} set; the caller adds the rest. */
  public ObjectNode data() {
    return mapper.createObjectNode().put("source", SOURCE_NAME);
  }

  /**
   * The record of one operational event.
   *
   * @param id deterministic where the event may be written twice (the same change applied again after a crash)
   * @param subject what it is about: the subscription's id; the Kafka key
   */
  /** The topic these events are written to. */
  public String topic() {
    return topic;
  }

  public ProducerRecord<String, byte[]> record(String id, String type, String subject, ObjectNode data) {
    byte[] bytes;
    try {
      bytes = mapper.writeValueAsBytes(data);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    CloudEvent event = CloudEventBuilder.v1()
        .withId(id)
        .withSource(SOURCE)
        .withType(type)
        .withSubject(subject)
        .withTime(OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
        .withData("application/json", bytes)
        .build();
    return KafkaMessageFactory.createWriter(topic, subject).writeBinary(event);
  }

  public static boolean isOperational(String eventType) {
    return eventType != null && eventType.startsWith(PREFIX);
  }
}
