package io.hookgate.ingress.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.hookgate.event.Annotation;
import io.hookgate.event.EventTypes;
import io.hookgate.event.ExportedIssue;
import io.hookgate.event.LabelingEvent;
import io.hookgate.event.NormalizedEvent;
import io.hookgate.ingress.InvalidPayloadException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Aquarium: the envelope {@code {event, project, [entity]}}. {@code issue-exported} must carry an
 * {@code issue} with its {@code elements}: frames (labels in {@code frame_data.label_data}) and crops
 * ({@code crop_data.uuid}). Other Aquarium events pass through as {@code webhook.received}.
 */
public final class AquariumSource implements WebhookSource {
  public static final SourceKind KIND = SourceKind.of("aquarium", (config, bodies) -> new AquariumSource());

  @Override
  public NormalizedEvent normalize(String sourceName, JsonNode body) throws InvalidPayloadException {
    Fields.requireRootObject(body);
    String event = Fields.requireText(body, "event");
    // The documented key is 'project'; Aquarium's own sample handler reads 'project_name'.
    String project = Fields.firstText(body, "project", "project_name");
    if (project == null) {
      throw new InvalidPayloadException("project", "required field 'project' (or 'project_name') is missing or empty");
    }
    LabelingEvent.Builder data = LabelingEvent.builder("aquarium", sourceName, body)
        .platformEventType(event)
        .projectId(project);
    if (!event.equals("issue-exported")) {
      // dataset-complete / dataset-failed name their dataset; Aquarium's datasets are batches of frames.
      JsonNode dataset = body.path("dataset");
      String datasetId = dataset.isObject() ? Fields.firstText(dataset, "id", "name") : Fields.asText(dataset);
      String issueId = Fields.firstText(body, "issue.id", "issue.issue_id");
      data.batchId(datasetId);
      return new NormalizedEvent(EventTypes.WEBHOOK_RECEIVED, issueId != null ? issueId : datasetId, project, null,
          data.build());
    }
    JsonNode issue = Fields.requireObject(body, "issue");
    JsonNode elements = Fields.requireArray(body, "issue.elements");
    List<ExportedIssue.Element> out = new ArrayList<>();
    // One annotation per label: a frame and a crop of the same label, in one issue, are one label.
    Map<String, Annotation> annotations = new LinkedHashMap<>();
    for (int i = 0; i < elements.size(); i++) {
      out.add(element(elements.get(i), "issue.elements." + i, annotations));
    }
    String issueId = Fields.firstText(issue, "id", "issue_id");
    String name = Fields.firstText(issue, "issue_name", "name");
    String dataset = Fields.firstText(issue, "dataset");
    if (!out.isEmpty()) {
      name = name != null ? name : Fields.text(elements.get(0), "issue_name");
      dataset = dataset != null ? dataset : out.get(0).dataset();
    }
    // The issue is not an item: its id is the event's subject and data.issue.id, and itemId stays null.
    data.batchId(dataset).annotations(List.copyOf(annotations.values()))
        .issue(new ExportedIssue(issueId, name, dataset, out));
    return new NormalizedEvent(EventTypes.ISSUE_EXPORTED, issueId, project, null, data.build());
  }

  private static ExportedIssue.Element element(JsonNode e, String path, Map<String, Annotation> annotations)
      throws InvalidPayloadException {
    if (!e.isObject()) {
      throw new InvalidPayloadException(path, "field '" + path + "' must be a JSON object");
    }
    String type = Fields.firstText(e, "element_type");
    Set<String> labelIds = new LinkedHashSet<>();
    if ("crop".equals(type)) {
      String uuid = Fields.text(e, "crop_data.uuid");
      if (uuid == null) {
        throw new InvalidPayloadException(path + ".crop_data.uuid",
            "required field '" + path + ".crop_data.uuid' is missing");
      }
      labelIds.add(uuid);
      // A crop is one label of its frame: what crop_data does not say, the frame's entry for that uuid may.
      JsonNode frameLabel = MissingNode.getInstance();
      for (JsonNode label : e.path("frame_data").path("label_data")) {
        if (uuid.equals(Fields.text(label, "uuid"))) {
          frameLabel = label;
        }
      }
      String category = Fields.text(e, "crop_data.label") != null ? Fields.text(e, "crop_data.label")
          : Fields.text(frameLabel, "label");
      String labelType = Fields.text(e, "crop_data.label_type") != null ? Fields.text(e, "crop_data.label_type")
          : Fields.text(frameLabel, "label_type");
      annotations.putIfAbsent(uuid, Annotation.of(uuid, null, category(category), kind(labelType), null));
    }
    for (JsonNode label : e.path("frame_data").path("label_data")) {
      String uuid = Fields.text(label, "uuid");
      if (uuid != null && !"crop".equals(type)) {
        labelIds.add(uuid);
        annotations.putIfAbsent(uuid, Annotation.of(uuid, null, category(Fields.text(label, "label")),
            kind(Fields.text(label, "label_type")), null));
      }
    }
    JsonNode sensors = e.path("frame_data").path("sensor_data");
    // The schema has a list of sensors; Aquarium's REST sample reads a single object.
    JsonNode sensor = sensors.isArray() ? sensors.path(0) : sensors;
    return new ExportedIssue.Element(
        Fields.text(e, "element_id"), type, Fields.text(e, "frame_id"), Fields.text(e, "dataset"),
        Fields.text(e, "inference_set"), List.copyOf(labelIds), Fields.text(sensor, "data_urls.image_url"));
  }

  /**
   * Aquarium's label types, from its client's {@code LabelType}; what is not listed (a type added later)
   * is guessed from its name below.
   */
  private static final Map<String, String> KINDS = Map.ofEntries(
      Map.entry("BBOX_2D", "bounding_box"),
      Map.entry("LINE_SEGMENT_2D", "line"),
      Map.entry("KEYPOINTS_2D", "point"),
      Map.entry("POLYGON_LIST_2D", "polygon"),
      Map.entry("SEMANTIC_LABEL_URL_2D", "segmentation"),
      Map.entry("SEMANTIC_LABEL_ASSET_2D", "segmentation"),
      Map.entry("INSTANCE_LABEL_URL_2D", "segmentation"),
      Map.entry("INSTANCE_LABEL_ASSET_2D", "segmentation"),
      Map.entry("INSTANCE_LABEL_2D", "segmentation"),
      Map.entry("CLASSIFICATION_2D", "classification"),
      Map.entry("CLASSIFICATION_3D", "classification"),
      Map.entry("CUBOID_3D", "other"),
      Map.entry("TEXT_TOKEN", "other"));

  /** A semantic segmentation label's class is {@code __mask}, a placeholder for the classes in its mask. */
  private static String category(String label) {
    return "__mask".equals(label) ? null : label;
  }

  private static String kind(String labelType) {
    if (labelType == null) {
      return "other";
    }
    String t = labelType.toUpperCase(Locale.ROOT);
    String known = KINDS.get(t);
    if (known != null) {
      return known;
    }
    if (t.contains("BBOX") || t.contains("BOX")) {
      return "bounding_box";
    }
    if (t.contains("POLYGON")) {
      return "polygon";
    }
    if (t.contains("SEMSEG") || t.contains("SEGMENT") || t.contains("MASK")) {
      return "segmentation";
    }
    if (t.contains("CLASSIFICATION")) {
      return "classification";
    }
    if (t.contains("KEYPOINT") || t.contains("POINT")) {
      return "point";
    }
    if (t.contains("LINE")) {
      return "line";
    }
    return "other";
  }
}
