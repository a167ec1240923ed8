package io.hookgate.ingress.source;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import io.hookgate.config.GenericMapping;
import io.hookgate.event.EventTypes;
import io.hookgate.event.LabelingEvent;
import io.hookgate.event.NormalizedEvent;
import io.hookgate.ingress.InvalidPayloadException;

/**
 * Any JSON sender. Its config names JSON pointers for the event type (required in the body), the project
 * (the Kafka key), the delivery id (the event id) and the subject, so a new platform needs config, not code.
 */
public final class GenericSource implements WebhookSource {
  private final JsonPointer eventType;
  private final JsonPointer projectId;
  private final JsonPointer deliveryId;
  private final JsonPointer subject;

  public GenericSource(GenericMapping mapping) {
    this.eventType = JsonPointer.compile(mapping.eventType());
    this.projectId = compile(mapping.projectId());
    this.deliveryId = compile(mapping.deliveryId());
    this.subject = compile(mapping.subject());
  }

  private static JsonPointer compile(String p) {
    return p == null ? null : JsonPointer.compile(p);
  }

  @Override
  public NormalizedEvent normalize(String sourceName, JsonNode body) throws InvalidPayloadException {
    String type = Fields.asText(body.at(eventType));
    if (type == null || type.isEmpty()) {
      String field = field(eventType);
      throw new InvalidPayloadException(field, "required field '" + field + "' (the event type) is missing or not a string");
    }
    String project = valueAt(body, projectId);
    String subj = valueAt(body, subject);
    LabelingEvent data = LabelingEvent.builder("generic", sourceName, body)
        .platformEventType(type)
        .projectId(project)
        .itemId(subj)
        .build();
    return new NormalizedEvent(EventTypes.WEBHOOK_RECEIVED, subj, project != null ? project : sourceName,
        valueAt(body, deliveryId), data);
  }

  private static String valueAt(JsonNode body, JsonPointer pointer) {
    if (pointer == null) {
      return null;
    }
    String v = Fields.asText(body.at(pointer));
    return v == null || v.isEmpty() ? null : v;
  }

  /** A pointer as the dotted path used in error messages: /data/projectId becomes data.projectId. */
  private static String field(JsonPointer pointer) {
    return pointer.toString().substring(1).replace('/', '.');
  }
}
