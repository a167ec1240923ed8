package io.hookgate.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One decoded event and the views of it that evaluation needs: the {@link RuleEvent} for plugins, the
 * {@code event} variable for CEL (built once, shared by every rule), and the structured-mode CloudEvent
 * JSON that {@code forward} actions carry (built only if a forward action needs it).
 */
final class IncomingEvent {
  private static final String SOURCE_PREFIX = "/sources/";

  private final CloudEvent cloudEvent;
  private final RuleEvent event;
  private final Map<String, Object> celEvent;
  private JsonNode structured;

  private IncomingEvent(CloudEvent cloudEvent, RuleEvent event, Map<String, Object> celEvent) {
    this.cloudEvent = cloudEvent;
    this.event = event;
    this.celEvent = celEvent;
  }

  static IncomingEvent of(CloudEvent ce, ObjectMapper mapper) {
    JsonNode data = data(ce, mapper);
    Map<String, Object> extensions = new LinkedHashMap<>();
    for (String name : ce.getExtensionNames()) {
      extensions.put(name, ce.getExtension(name));
    }
    String source = ce.getSource() == null ? null : ce.getSource().toString();
    String sourceName = source != null && source.startsWith(SOURCE_PREFIX) ? source.substring(SOURCE_PREFIX.length())
        : data.path("source").isTextual() ? data.path("source").asText() : null;
    RuleEvent event = new RuleEvent(ce.getId(), ce.getType(), source, sourceName, ce.getSubject(), ce.getTime(),
        extensions, data);

    Map<String, Object> cel = new LinkedHashMap<>();
    cel.put("specversion", ce.getSpecVersion().toString());
    cel.put("id", ce.getId());
    cel.put("source", CelValues.fromJava(source));
    cel.put("type", ce.getType());
    cel.put("subject", CelValues.fromJava(ce.getSubject()));
    cel.put("time", CelValues.fromJava(ce.getTime() == null ? null : ce.getTime().toString()));
    cel.put("datacontenttype", CelValues.fromJava(ce.getDataContentType()));
    cel.put("dataschema", CelValues.fromJava(ce.getDataSchema()));
    cel.put("sourceName", CelValues.fromJava(sourceName));
    Map<String, Object> ext = new LinkedHashMap<>();
    extensions.forEach((k, v) -> ext.put(k, CelValues.fromJava(v)));
    cel.put("extensions", Collections.unmodifiableMap(ext));
    cel.put("data", CelValues.fromJson(data));
    return new IncomingEvent(ce, event, Collections.unmodifiableMap(cel));
  }

  private static JsonNode data(CloudEvent ce, ObjectMapper mapper) {
    if (ce.getData() == null) {
      return JsonNodeFactory.instance.nullNode();
    }
    byte[] bytes = ce.getData().toBytes();
    String type = ce.getDataContentType();
    if (type == null || type.contains("json")) {
      try {
        return mapper.readTree(bytes);
      } catch (IOException e) {
        // Not JSON after all: rules see the text.
      }
    }
    return JsonNodeFactory.instance.textNode(new String(bytes, StandardCharsets.UTF_8));
  }

  RuleEvent event() {
    return event;
  }

  Map<String, Object> cel() {
    return celEvent;
  }

  /** The event in CloudEvents structured JSON mode, as a forward action's body. */
  synchronized JsonNode structured(ObjectMapper mapper) {
    if (structured == null) {
      try {
        structured = mapper.readTree(new JsonFormat().serialize(cloudEvent));
      } catch (IOException e) {
        throw new IllegalStateException("could not serialize the event as structured CloudEvent JSON", e);
      }
    }
    return structured;
  }
}
