package io.hookgate.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code data} of every canonical event: the fields rules and downstream consumers need, normalized
 * across platforms, plus the sender's payload untouched in {@code original}. Every field is always
 * present (null or empty when the platform has no such thing), so consumers and rule expressions can rely
 * on the shape. Its JSON Schema is {@code src/main/resources/schema/labeling-event.v1.json}.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"platform", "source", "platformEventType", "projectId", "workspace", "batchId", "workflowId",
    "itemId", "itemName", "taskId", "taskType", "labelId", "labelType", "stage", "author", "tags", "annotations",
    "annotationCounts", "issue", "original"})
public record LabelingEvent(
    String platform,
    String source,
    String platformEventType,
    String projectId,
    String workspace,
    String batchId,
    String workflowId,
    String itemId,
    String itemName,
    String taskId,
    String taskType,
    String labelId,
    String labelType,
    String stage,
    Author author,
    List<String> tags,
    List<Annotation> annotations,
    Map<String, Integer> annotationCounts,
    ExportedIssue issue,
    JsonNode original) {

  public LabelingEvent {
    tags = tags == null ? List.of() : List.copyOf(tags);
    annotations = annotations == null ? List.of() : List.copyOf(annotations);
    annotationCounts = annotationCounts == null ? Map.of()
        : Collections.unmodifiableMap(new LinkedHashMap<>(annotationCounts));
  }

  /** The same event with another {@code original}: the raw body in place of the tree a source read. */
  public LabelingEvent withOriginal(JsonNode newOriginal) {
    return new LabelingEvent(platform, source, platformEventType, projectId, workspace, batchId, workflowId, itemId,
        itemName, taskId, taskType, labelId, labelType, stage, author, tags, annotations, annotationCounts, issue,
        newOriginal);
  }

  public static Builder builder(String platform, String source, JsonNode original) {
    return new Builder(platform, source, original);
  }

  /** Collects fields as a source reads them; sources fill only what their platform has. */
  public static final class Builder {
    private final String platform;
    private final String source;
    private final JsonNode original;
    private String platformEventType;
    private String projectId;
    private String workspace;
    private String batchId;
    private String workflowId;
    private String itemId;
    private String itemName;
    private String taskId;
    private String taskType;
    private String labelId;
    private String labelType;
    private String stage;
    private Author author;
    private List<String> tags = List.of();
    private List<Annotation> annotations = List.of();
    private Map<String, Integer> annotationCounts;
    private ExportedIssue issue;

    private Builder(String platform, String source, JsonNode original) {
      this.platform = platform;
      this.source = source;
      this.original = original;
    }

    public Builder platformEventType(String v) { platformEventType = v; return this; }
    public Builder projectId(String v) { projectId = v; return this; }
    public Builder workspace(String v) { workspace = v; return this; }
    public Builder batchId(String v) { batchId = v; return this; }
    public Builder workflowId(String v) { workflowId = v; return this; }
    public Builder itemId(String v) { itemId = v; return this; }
    public Builder itemName(String v) { itemName = v; return this; }
    public Builder taskId(String v) { taskId = v; return this; }
    public Builder taskType(String v) { taskType = v; return this; }
    public Builder labelId(String v) { labelId = v; return this; }
    public Builder labelType(String v) { labelType = v; return this; }
    public Builder stage(String v) { stage = v; return this; }
    public Builder author(Author v) { author = v; return this; }
    public Builder tags(List<String> v) { tags = v; return this; }
    public Builder annotations(List<Annotation> v) { annotations = v; return this; }
    public Builder annotationCounts(Map<String, Integer> v) { annotationCounts = v; return this; }
    public Builder issue(ExportedIssue v) { issue = v; return this; }

    public LabelingEvent build() {
      Map<String, Integer> counts = annotationCounts != null ? annotationCounts : countByCategory(annotations);
      return new LabelingEvent(platform, source, platformEventType, projectId, workspace, batchId, workflowId,
          itemId, itemName, taskId, taskType, labelId, labelType, stage, author, tags, annotations, counts, issue,
          original);
    }

    /** Kili's {@code JOB.CATEGORY} keys where there is a job, the bare category elsewhere. */
    private static Map<String, Integer> countByCategory(List<Annotation> annotations) {
      Map<String, Integer> counts = new java.util.TreeMap<>();
      for (Annotation a : annotations) {
        if (a.category() == null || "tag".equals(a.kind())) {
          continue;
        }
        String key = a.job() == null ? a.category() : a.job() + "." + a.category();
        counts.merge(key, 1, Integer::sum);
      }
      return counts;
    }
  }
}
