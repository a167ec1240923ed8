package io.hookgate.ingress.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.hookgate.event.Annotation;
import io.hookgate.event.Author;
import io.hookgate.event.BoundingBox;
import io.hookgate.event.EventTypes;
import io.hookgate.event.LabelingEvent;
import io.hookgate.event.NormalizedEvent;
import io.hookgate.ingress.InvalidPayloadException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * V7 Darwin's two webhooks. The workflow Webhook stage sends the item as a Darwin JSON 2.0 export
 * ({@code item} with {@code source_info} and {@code slots}, and, when the stage includes them,
 * {@code annotations}); boxes are in pixels and are normalized by the size of the slot they are on. A
 * dataset's {@code workflow_complete} webhook sends {@code {"event_type": "workflow_complete", "payload":
 * {"dataset_id", "filename", "annotations"}}}, with no item id and no image size, so its boxes cannot be
 * normalized. Tag annotations become {@code tags} in both.
 */
public final class V7Source implements WebhookSource {
  public static final SourceKind KIND = SourceKind.of("v7", (config, bodies) -> new V7Source());
  static final String WORKFLOW_COMPLETE = "workflow_complete";
  private static final Pattern DATASET_ID = Pattern.compile("/datasets/(\\d+)");

  @Override
  public NormalizedEvent normalize(String sourceName, JsonNode body) throws InvalidPayloadException {
    Fields.requireRootObject(body);
    // The item decides: a stage payload stays one whatever event_type it may carry.
    if (!body.has("item") && WORKFLOW_COMPLETE.equals(Fields.text(body, "event_type"))) {
      return workflowComplete(sourceName, body);
    }
    JsonNode item = Fields.requireObject(body, "item");
    String itemId = Fields.firstText(item, "source_info.item_id", "id");
    if (itemId == null) {
      throw new InvalidPayloadException("item.source_info.item_id",
          "required field 'item.source_info.item_id' (or 'item.id') is missing or empty");
    }
    JsonNode annotationsNode = body.path("annotations");
    if (!annotationsNode.isMissingNode() && !annotationsNode.isNull() && !annotationsNode.isArray()) {
      throw new InvalidPayloadException("annotations", "field 'annotations' must be a JSON array");
    }
    String datasetId = datasetId(item);
    String project = datasetId != null ? datasetId
        : Fields.firstText(item, "source_info.dataset.slug", "source_info.dataset.name");
    String team = Fields.firstText(item, "source_info.team.slug", "source_info.team.name");
    Set<String> tags = new LinkedHashSet<>();
    for (JsonNode t : item.path("tags")) {
      if (t.isTextual() && !t.asText().isBlank()) {
        tags.add(t.asText());
      }
    }
    List<Annotation> annotations = new ArrayList<>();
    Author author = null;
    for (JsonNode a : annotationsNode) {
      if (!a.isObject()) {
        continue; // not an annotation (a null, a string): nothing to say about it
      }
      Annotation annotation = annotation(a, item);
      annotations.add(annotation);
      if ("tag".equals(annotation.kind()) && annotation.category() != null && !annotation.category().isBlank()) {
        tags.add(annotation.category());
      }
      if (author == null && a.path("annotators").path(0).isObject()) {
        JsonNode who = a.path("annotators").path(0);
        author = new Author(Fields.text(who, "id"), Fields.text(who, "email"), Fields.text(who, "full_name"));
      }
    }
    LabelingEvent data = LabelingEvent.builder("v7", sourceName, body)
        .platformEventType(Fields.firstText(body, "event_type", "event") != null
            ? Fields.firstText(body, "event_type", "event") : "webhook_stage")
        .projectId(project)
        .workspace(team)
        .workflowId(Fields.firstText(body, "workflow.id", "workflow_id"))
        .stage(Fields.firstText(body, "stage.name", "stage.id", "stage_name"))
        .itemId(itemId)
        .itemName(Fields.text(item, "name"))
        .author(author)
        .tags(List.copyOf(tags))
        .annotations(annotations)
        .build();
    String key = project != null ? project : team != null ? team : sourceName;
    return new NormalizedEvent(EventTypes.ITEM_STAGE_REACHED, itemId, key, null, data);
  }

  private static String datasetId(JsonNode item) {
    String id = Fields.text(item, "source_info.dataset.id");
    if (id != null) {
      return id;
    }
    String url = Fields.text(item, "source_info.dataset.dataset_management_url");
    if (url != null) {
      Matcher m = DATASET_ID.matcher(url);
      if (m.find()) {
        return m.group(1);
      }
    }
    return null;
  }

  /**
   * {@code workflow_complete}: the project is the dataset id, the file name is all there is of the item (no
   * item id: {@code itemId} stays null and the file name is the subject), and the annotations ({@code
   * class_name} and {@code data} with the shape) get their class and kind but no box, since the payload has
   * no image size to normalize pixels by.
   */
  private static NormalizedEvent workflowComplete(String sourceName, JsonNode body) throws InvalidPayloadException {
    JsonNode payload = Fields.requireObject(body, "payload");
    String datasetId = Fields.requireText(body, "payload.dataset_id");
    String filename = Fields.requireText(body, "payload.filename");
    JsonNode annotationsNode = payload.path("annotations");
    if (!annotationsNode.isMissingNode() && !annotationsNode.isNull() && !annotationsNode.isArray()) {
      throw new InvalidPayloadException("payload.annotations", "field 'payload.annotations' must be a JSON array");
    }
    Set<String> tags = new LinkedHashSet<>();
    List<Annotation> annotations = new ArrayList<>();
    for (JsonNode a : annotationsNode) {
      if (!a.isObject()) {
        continue;
      }
      Annotation annotation = Annotation.of(Fields.text(a, "id"), null, Fields.text(a, "class_name"),
          kind(a, a.path("data")), null);
      annotations.add(annotation);
      if ("tag".equals(annotation.kind()) && annotation.category() != null && !annotation.category().isBlank()) {
        tags.add(annotation.category());
      }
    }
    LabelingEvent data = LabelingEvent.builder("v7", sourceName, body)
        .platformEventType(WORKFLOW_COMPLETE)
        .projectId(datasetId)
        .itemName(filename)
        .tags(List.copyOf(tags))
        .annotations(annotations)
        .build();
    return new NormalizedEvent(EventTypes.ITEM_COMPLETED, filename, datasetId, null, data);
  }

  private static Annotation annotation(JsonNode a, JsonNode item) {
    // A video annotation keeps its geometry per frame: the first frame stands for it.
    JsonNode shape = a.path("frames").isObject() && !a.path("frames").isEmpty()
        ? a.path("frames").elements().next() : a;
    return Annotation.of(Fields.text(a, "id"), null, Fields.text(a, "name"), kind(a, shape),
        box(shape, slot(item, Fields.text(a, "slot_names.0"))));
  }

  /**
   * The kind of a Darwin annotation from its shape. The shape decides, not bounding_box: Darwin adds a
   * bounding_box to polygons, ellipses and lines too. text is a sub-annotation of another shape, so it
   * decides only alone.
   */
  private static String kind(JsonNode a, JsonNode shape) {
    if (a.has("tag") || shape.has("tag")) {
      return "tag";
    } else if (shape.has("polygon") || shape.has("complex_polygon")) {
      return "polygon";
    } else if (shape.has("keypoint") || shape.has("skeleton")) {
      return "point";
    } else if (shape.has("line")) {
      return "line";
    } else if (shape.has("mask") || shape.has("raster_layer")) {
      return "segmentation";
    } else if (shape.has("ellipse")) {
      return "other"; // not in the closed list of kinds; its box is known
    } else if (shape.has("bounding_box")) {
      return "bounding_box";
    } else if (shape.has("text")) {
      return "transcription";
    }
    return "other";
  }

  /**
   * The annotation's box made relative to the size of its slot. Darwin JSON gives boxes in pixels, and a
   * polygon usually carries its bounding_box too; one that does not gets the box enclosing its paths.
   */
  private static BoundingBox box(JsonNode shape, JsonNode slot) {
    double width = slot.path("width").asDouble(0);
    double height = slot.path("height").asDouble(0);
    JsonNode bb = shape.path("bounding_box");
    if (bb.path("x").isNumber() && bb.path("y").isNumber() && bb.path("w").isNumber() && bb.path("h").isNumber()) {
      return BoundingBox.ofPixels(bb.path("x").asDouble(), bb.path("y").asDouble(), bb.path("w").asDouble(),
          bb.path("h").asDouble(), width, height);
    }
    JsonNode ellipse = shape.path("ellipse");
    if (ellipse.path("center").path("x").isNumber() && ellipse.path("center").path("y").isNumber()
        && ellipse.path("radius").path("x").isNumber() && ellipse.path("radius").path("y").isNumber()) {
      // The box enclosing the ellipse, turned by its angle (radians).
      double cx = ellipse.path("center").path("x").asDouble();
      double cy = ellipse.path("center").path("y").asDouble();
      double rx = Math.abs(ellipse.path("radius").path("x").asDouble());
      double ry = Math.abs(ellipse.path("radius").path("y").asDouble());
      double angle = ellipse.path("angle").asDouble(0);
      double cos = Math.cos(angle);
      double sin = Math.sin(angle);
      double halfWidth = Math.sqrt(rx * rx * cos * cos + ry * ry * sin * sin);
      double halfHeight = Math.sqrt(rx * rx * sin * sin + ry * ry * cos * cos);
      return BoundingBox.ofPixels(cx - halfWidth, cy - halfHeight, 2 * halfWidth, 2 * halfHeight, width, height);
    }
    JsonNode polygon = shape.has("polygon") ? shape.path("polygon") : shape.path("complex_polygon");
    List<double[]> points = new ArrayList<>();
    // Darwin JSON 2.0 has paths (a list of rings); 1.0 had path (one ring, or rings for complex polygons).
    collectPoints(polygon.has("paths") ? polygon.path("paths") : polygon.path("path"), points);
    return BoundingBox.enclosing(points, width, height);
  }

  private static void collectPoints(JsonNode node, List<double[]> points) {
    if (node.isArray()) {
      node.forEach(n -> collectPoints(n, points));
    } else if (node.path("x").isNumber() && node.path("y").isNumber()) {
      points.add(new double[] {node.path("x").asDouble(), node.path("y").asDouble()});
    }
  }

  /** The slot the annotation is on; a missing node when there is no such slot, so no box is guessed. */
  private static JsonNode slot(JsonNode item, String slotName) {
    JsonNode slots = item.path("slots");
    if (slotName == null) {
      return slots.path(0);
    }
    for (JsonNode s : slots) {
      if (slotName.equals(Fields.text(s, "slot_name"))) {
        return s;
      }
    }
    return MissingNode.getInstance();
  }
}
