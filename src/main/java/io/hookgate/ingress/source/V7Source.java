package io.hookgate.ingress.source;

import com.fasterxml.jackson.databind.JsonNode;
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
 * V7 Darwin's workflow Webhook stage: the item as a Darwin JSON 2.0 export ({@code item} with
 * {@code source_info} and {@code slots}, and, when the stage includes them, {@code annotations}). Boxes are
 * in pixels and are normalized by the size of the slot they are on. Tag annotations become {@code tags}.
 */
public final class V7Source implements WebhookSource {
  private static final Pattern DATASET_ID = Pattern.compile("/datasets/(\\d+)");

  @Override
  public NormalizedEvent normalize(String sourceName, JsonNode body) throws InvalidPayloadException {
    Fields.requireRootObject(body);
    JsonNode item = Fields.requireObject(body, "item");
    String itemId = Fields.firstText(item, "source_info.item_id", "id");
    if (itemId == null) {
      throw new InvalidPayloadException("item.source_info.item_id", "required field 'item.source_info.item_id' is missing");
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
      if (t.isTextual()) {
        tags.add(t.asText());
      }
    }
    List<Annotation> annotations = new ArrayList<>();
    Author author = null;
    for (JsonNode a : annotationsNode) {
      Annotation annotation = annotation(a, item);
      annotations.add(annotation);
      if ("tag".equals(annotation.kind()) && annotation.category() != null) {
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

  private static Annotation annotation(JsonNode a, JsonNode item) {
    String kind;
    if (a.has("tag")) {
      kind = "tag";
    } else if (a.has("polygon") || a.has("complex_polygon")) {
      kind = "polygon";
    } else if (a.has("bounding_box")) {
      kind = "bounding_box";
    } else if (a.has("keypoint") || a.has("ellipse") || a.has("skeleton")) {
      kind = "point";
    } else if (a.has("line")) {
      kind = "line";
    } else if (a.has("mask") || a.has("raster_layer")) {
      kind = "segmentation";
    } else if (a.has("text")) {
      kind = "transcription";
    } else {
      kind = "other";
    }
    BoundingBox box = null;
    JsonNode bb = a.path("bounding_box");
    JsonNode slot = slot(item, Fields.text(a, "slot_names.0"));
    double width = slot.path("width").asDouble(0);
    double height = slot.path("height").asDouble(0);
    if (bb.isObject() && width > 0 && height > 0) {
      box = BoundingBox.ofPixels(bb.path("x").asDouble(), bb.path("y").asDouble(), bb.path("w").asDouble(),
          bb.path("h").asDouble(), width, height);
    }
    return Annotation.of(Fields.text(a, "id"), null, Fields.text(a, "name"), kind, box);
  }

  private static JsonNode slot(JsonNode item, String slotName) {
    JsonNode slots = item.path("slots");
    for (JsonNode s : slots) {
      if (slotName == null || slotName.equals(Fields.text(s, "slot_name"))) {
        return s;
      }
    }
    return slots.path(0);
  }
}
