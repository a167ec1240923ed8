package io.hookgate.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
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

  private final ObjectMapper mapper;
  private final Clock clock;

  public CloudEventFactory(ObjectMapper mapper, Clock clock) {
    this.mapper = mapper;
    this.clock = clock;
  }

  public CloudEvent toCloudEvent(String id, String sourceName, NormalizedEvent normalized) {
    byte[] data;
    try {
      data = mapper.writeValueAsBytes(normalized.data());
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
    return builder.build();
  }

  public ProducerRecord<String, byte[]> toRecord(String topic, CloudEvent event) {
    String key = (String) event.getExtension(EXT_PARTITION_KEY);
    return KafkaMessageFactory.createWriter(topic, key).writeBinary(event);
  }
}
