package io.hookgate.rules;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.util.Map;

/**
 * A canonical event as rules see it: the CloudEvent's attributes, its extensions and its {@code data}
 * parsed as JSON (for hookgate's sources, the labeling-event schema: {@code projectId}, {@code labelId},
 * {@code annotations}, {@code annotationCounts}, {@code issue}, {@code original} ...).
 *
 * @param id the CloudEvent id (deterministic per webhook delivery)
 * @param type e.g. {@code labeling.label.submitted}
 * @param source the CloudEvent source, {@code /sources/<name>}
 * @param sourceName the configured source it came through ({@code kili})
 * @param subject what it is about (asset, item, task or issue id); may be null
 * @param time when hookgate received it; may be null
 * @param extensions CloudEvent extensions ({@code platform}, {@code platformevent}, {@code partitionkey})
 * @param data the event data as JSON (a text node when the data is not JSON, a null node when absent)
 */
public record RuleEvent(
    String id,
    String type,
    String source,
    String sourceName,
    String subject,
    OffsetDateTime time,
    Map<String, Object> extensions,
    JsonNode data) {

  public RuleEvent {
    extensions = extensions == null ? Map.of() : Map.copyOf(extensions);
  }

  /** The event's project ({@code data.projectId}), or null. */
  public String projectId() {
    JsonNode p = data == null ? null : data.get("projectId");
    return p == null || p.isNull() ? null : p.asText();
  }
}
