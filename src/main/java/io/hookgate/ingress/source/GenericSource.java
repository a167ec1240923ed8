package io.hookgate.ingress.source;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.config.ConfigException;
import io.hookgate.config.GenericMapping;
import io.hookgate.config.SourceConfig;
import io.hookgate.event.EventTypes;
import io.hookgate.event.LabelingEvent;
import io.hookgate.event.NormalizedEvent;
import io.hookgate.ingress.InvalidPayloadException;

/**
 * Any JSON sender. Its config names JSON pointers for the event type (required in the body), the project
 * (the Kafka key), the delivery id (the event id) and the subject, so a new platform needs config, not code.
 */
public final class GenericSource implements WebhookSource {
  /** Its config must say where the event type is ({@code mapping.eventType}), as JSON pointers do. */
  public static final SourceKind KIND = new SourceKind() {
    @Override
    public String name() {
      return "generic";
    }

    @Override
    public void validate(String key, SourceConfig config) {
      GenericMapping m = config.mapping();
      if (m == null || m.eventType() == null) {
        throw new ConfigException("config key '" + key + ".mapping.eventType': is required for a generic source"
            + " (a JSON pointer such as /type)");
      }
      pointer(key + ".mapping.eventType", m.eventType());
      pointer(key + ".mapping.projectId", m.projectId());
      pointer(key + ".mapping.deliveryId", m.deliveryId());
      pointer(key + ".mapping.subject", m.subject());
    }

    @Override
    public WebhookSource create(SourceConfig config, ObjectMapper bodies) {
      return new GenericSource(config.mapping());
    }
  };

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

  private static void pointer(String key, String value) {
    if (value != null && !value.startsWith("/")) {
      throw new ConfigException("config key '" + key + "': must be a JSON pointer starting with '/' (got '" + value
          + "')");
    }
  }

  private static JsonPointer compile(String p) {
    return p == null ? null : JsonPointer.compile(p);
  }

  @Override
  public NormalizedEvent normalize(String sourceName, JsonNode body) throws InvalidPayloadException {
    String type = Fields.asText(body.at(eventType));
    if (type == null || type.isEmpty()) {
      String field = field(eventType);
      throw new InvalidPayloadException(field,
          "required field '" + field + "' (the event type) is missing or not a string");
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
