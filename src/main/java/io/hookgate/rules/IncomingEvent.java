package io.hookgate.rules;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.cloudevents.CloudEvent;
import io.hookgate.event.JsonCheck;
import io.hookgate.event.RawJson;
import io.hookgate.event.TraceContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One decoded event and the views of it that evaluation needs, each built on first use and then kept: the
 * {@code data} tree and the {@link RuleEvent} for plugins and project scopes, the {@code event} variable for
 * CEL (shared by every rule), and the structured-mode CloudEvent JSON that {@code forward} actions carry. A
 * rule set that only forwards parses nothing: the event's data bytes go out as they came in.
 *
 * <p>Confined to the rules consumer's thread that decoded it, like the record it comes from.
 */
final class IncomingEvent {
  private static final String SOURCE_PREFIX = "/sources/";

  private final CloudEvent cloudEvent;
  private final ObjectMapper mapper;
  private final TraceContext trace;
  private final String source;
  private RuleEvent event;
  private Map<String, Object> celEvent;
  private JsonNode structured;
  /** Kept once found: the live tail asks every stream's filter about the same event. */
  private String sourceName;
  private String projectId;
  private boolean projectFound;

  private IncomingEvent(CloudEvent cloudEvent, ObjectMapper mapper, TraceContext trace) {
    this.cloudEvent = cloudEvent;
    this.mapper = mapper;
    this.trace = trace;
    this.source = cloudEvent.getSource() == null ? null : cloudEvent.getSource().toString();
  }

  /** An event whose trace context is its distributed-tracing extension, if any. */
  static IncomingEvent of(CloudEvent ce, ObjectMapper mapper) {
    return of(ce, mapper, null);
  }

  /**
   * @param transportTrace the trace context of the record's {@code traceparent}/{@code tracestate} headers,
   *     which win over the event's extension (they are the latest hop), or null
   */
  static IncomingEvent of(CloudEvent ce, ObjectMapper mapper, TraceContext transportTrace) {
    return new IncomingEvent(ce, mapper, transportTrace != null ? transportTrace : TraceContext.fromExtensions(ce));
  }

  String id() {
    return cloudEvent.getId();
  }

  String type() {
    return cloudEvent.getType();
  }

  /** When hookgate received it ({@code time}); null when the event has none. */
  OffsetDateTime time() {
    return cloudEvent.getTime();
  }

  /**
   * The configured source it came through: from a {@code /sources/<name>} CloudEvent source without parsing
   * anything; otherwise {@code data.source}, which needs the data.
   */
  String sourceName() {
    if (sourceName == null) {
      sourceName = source != null && source.startsWith(SOURCE_PREFIX) ? source.substring(SOURCE_PREFIX.length())
          : event().sourceName();
    }
    return sourceName;
  }

  /**
   * The event's project ({@code data.projectId}) as {@link RuleEvent#projectId()} gives it, found by scanning
   * the top level of the data when nothing has parsed it yet (forward-only rule sets need no tree).
   */
  String projectId() {
    if (!projectFound) {
      projectId = findProjectId();
      projectFound = true;
    }
    return projectId;
  }

  private String findProjectId() {
    if (event != null || cloudEvent.getData() == null || !isJson(cloudEvent.getDataContentType())) {
      return event().projectId();
    }
    try (JsonParser p = mapper.createParser(cloudEvent.getData().toBytes())) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return event().projectId();
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        boolean wanted = p.currentName().equals("projectId");
        JsonToken value = p.nextToken();
        if (wanted) {
          if (value == JsonToken.VALUE_NULL) {
            return null;
          }
          return value.isScalarValue() ? p.getText() : event().projectId();
        }
        p.skipChildren();
      }
      return null;
    } catch (IOException e) {
      return event().projectId();
    }
  }

  RuleEvent event() {
    if (event == null) {
      JsonNode data = data(cloudEvent, mapper);
      Map<String, Object> extensions = new LinkedHashMap<>();
      for (String name : cloudEvent.getExtensionNames()) {
        extensions.put(name, cloudEvent.getExtension(name));
      }
      String sourceName = source != null && source.startsWith(SOURCE_PREFIX) ? source.substring(SOURCE_PREFIX.length())
          : data.path("source").isTextual() ? data.path("source").asText() : null;
      event = new RuleEvent(cloudEvent.getId(), cloudEvent.getType(), source, sourceName, cloudEvent.getSubject(),
          cloudEvent.getTime(), extensions, data);
    }
    return event;
  }

  Map<String, Object> cel() {
    if (celEvent == null) {
      RuleEvent e = event();
      Map<String, Object> cel = new LinkedHashMap<>();
      cel.put("specversion", cloudEvent.getSpecVersion().toString());
      cel.put("id", cloudEvent.getId());
      cel.put("source", CelValues.fromJava(source));
      cel.put("type", cloudEvent.getType());
      cel.put("subject", CelValues.fromJava(cloudEvent.getSubject()));
      cel.put("time", CelValues.fromJava(cloudEvent.getTime() == null ? null : cloudEvent.getTime().toString()));
      cel.put("datacontenttype", CelValues.fromJava(cloudEvent.getDataContentType()));
      cel.put("dataschema", CelValues.fromJava(cloudEvent.getDataSchema()));
      cel.put("sourceName", CelValues.fromJava(e.sourceName()));
      Map<String, Object> ext = new LinkedHashMap<>();
      e.extensions().forEach((k, v) -> ext.put(k, CelValues.fromJava(v)));
      cel.put("extensions", Collections.unmodifiableMap(ext));
      cel.put("data", CelValues.fromJson(e.data()));
      celEvent = Collections.unmodifiableMap(cel);
    }
    return celEvent;
  }

  private static JsonNode data(CloudEvent ce, ObjectMapper mapper) {
    if (ce.getData() == null) {
      return JsonNodeFactory.instance.nullNode();
    }
    byte[] bytes = ce.getData().toBytes();
    if (isJson(ce.getDataContentType())) {
      try {
        return mapper.readTree(bytes);
      } catch (IOException e) {
        // Not JSON after all: rules see the text.
      }
    }
    return JsonNodeFactory.instance.textNode(new String(bytes, StandardCharsets.UTF_8));
  }

  private static boolean isJson(String contentType) {
    return contentType == null || contentType.contains("json");
  }

  /** The trace context the event's actions carry to their calls, or null. */
  /** The event's batch ({@code data.batchId}, Isahit Lab's), or null. */
  String batchId() {
    JsonNode data = event().data();
    JsonNode b = data == null ? null : data.get("batchId");
    return b == null || b.isNull() ? null : b.asText();
  }

  TraceContext trace() {
    return trace;
  }

  /**
   * The event in CloudEvents structured JSON mode, as a forward action's body: JSON data written in place
   * ({@link StructuredEvent}), kept as {@link RawJson} bytes. Data that claims to be JSON but is not would make
   * that invalid JSON, so it is checked first (by tokenizing it, unless a rule already parsed it).
   *
   * @throws IllegalArgumentException when the data is not the JSON its content type says
   */
  JsonNode structured() {
    if (structured == null) {
      if (cloudEvent.getData() != null && StructuredEvent.isJsonContentType(cloudEvent.getDataContentType())
          && !dataIsJson()) {
        throw new IllegalArgumentException("the event's data is not valid JSON although its content type is "
            + (cloudEvent.getDataContentType() == null ? "unset (JSON)" : cloudEvent.getDataContentType())
            + ", so it cannot be forwarded as a structured CloudEvent");
      }
      structured = RawJson.node(new StructuredEvent(mapper.getFactory()).write(cloudEvent));
    }
    return structured;
  }

  private boolean dataIsJson() {
    if (event != null && !event.data().isTextual()) {
      return true;
    }
    return JsonCheck.isSingleValue(cloudEvent.getData().toBytes());
  }
}
