package io.hookgate.ingress.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.event.Annotation;
import io.hookgate.event.Author;
import io.hookgate.event.BoundingBox;
import io.hookgate.event.EventTypes;
import io.hookgate.event.LabelingEvent;
import io.hookgate.event.NormalizedEvent;
import io.hookgate.ingress.InvalidPayloadException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Kili webhooks: {@code {eventType, logPayload: {projectId}, payload: {label, asset_id}}}. The label's
 * {@code jsonResponse} (an object, or a JSON string as Kili's GraphQL API returns it) gives the
 * annotations; {@code search.numberOfAnnotationsByObject} gives the counts when Kili sends it.
 */
public final class KiliSource implements WebhookSource {
  public static final SourceKind KIND = SourceKind.of("kili", (config, bodies) -> new KiliSource(bodies));

  /** The {@code eventType} of the bodies made of labels that Kili's subscription pushes (its field's name). */
  public static final String LABEL_CREATED_OR_UPDATED = "labelCreatedOrUpdated";

  private final ObjectMapper mapper;
  private final KiliTokenReader tokens;

  public KiliSource(ObjectMapper mapper) {
    this.mapper = mapper;
    this.tokens = new KiliTokenReader(mapper.getFactory());
  }

  /** Kili's usual webhooks read from the JSON tokens, without a tree (see {@link KiliTokenReader}). */
  @Override
  public NormalizedEvent normalizeUsual(String sourceName, byte[] body, JsonNode original) {
    return tokens.read(sourceName, body, original);
  }

  @Override
  public NormalizedEvent normalize(String sourceName, JsonNode body) throws InvalidPayloadException {
    Fields.requireRootObject(body);
    String eventType = Fields.requireText(body, "eventType");
    String projectId = Fields.requireText(body, "logPayload.projectId");
    String type = neutralType(eventType);
    LabelingEvent.Builder event = LabelingEvent.builder("kili", sourceName, body)
        .platformEventType(eventType)
        .projectId(projectId);
    String assetId = Fields.text(body, "payload.asset_id");
    if (!type.equals(EventTypes.WEBHOOK_RECEIVED)) {
      Fields.requireObject(body, "payload");
      JsonNode label = Fields.requireObject(body, "payload.label");
      assetId = Fields.requireText(body, "payload.asset_id");
      readLabel(label, event);
    }
    event.itemId(assetId);
    return new NormalizedEvent(type, assetId, projectId, null, event.build());
  }

  private void readLabel(JsonNode label, LabelingEvent.Builder event) throws InvalidPayloadException {
    event.labelId(Fields.text(label, "id"));
    event.labelType(Fields.text(label, "labelType"));
    String authorId = Fields.firstText(label, "author.id", "authorId");
    String email = Fields.text(label, "author.email");
    if (authorId != null || email != null) {
      String name = join(Fields.text(label, "author.firstname"), Fields.text(label, "author.lastname"));
      event.author(new Author(authorId, email, name));
    }
    JsonNode response = label.path("jsonResponse");
    if (response.isTextual()) {
      try {
        response = mapper.readTree(response.asText());
      } catch (StreamConstraintsException e) {
        throw new InvalidPayloadException("payload.label.jsonResponse", "field 'payload.label.jsonResponse' is a JSON "
            + "string nested too deeply (" + e.getOriginalMessage() + ")");
      } catch (JsonProcessingException e) {
        throw new InvalidPayloadException("payload.label.jsonResponse",
            "field 'payload.label.jsonResponse' is a string but not JSON");
      }
    }
    event.annotations(annotations(response));
    JsonNode counts = label.path("search").path("numberOfAnnotationsByObject");
    if (counts.isObject()) {
      Map<String, Integer> byObject = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : counts.properties()) {
        if (e.getValue().isIntegralNumber() && e.getValue().canConvertToInt() && e.getValue().asInt() >= 0) {
          byObject.put(e.getKey(), e.getValue().asInt());
        }
      }
      event.annotationCounts(byObject);
    }
  }

  private static List<Annotation> annotations(JsonNode jsonResponse) {
    List<Annotation> out = new ArrayList<>();
    if (!jsonResponse.isObject()) {
      return out;
    }
    if (isVideo(jsonResponse)) {
      return videoAnnotations(jsonResponse);
    }
    for (Map.Entry<String, JsonNode> job : jsonResponse.properties()) {
      jobAnnotations(job.getKey(), job.getValue(), out);
    }
    return out;
  }

  /** A job's objects, then its classification categories, then its transcription; entries that are not objects are no annotation. */
  private static void jobAnnotations(String job, JsonNode value, List<Annotation> out) {
    JsonNode annotations = value.path("annotations");
    if (annotations.isArray()) {
      for (JsonNode a : annotations) {
        if (a.isObject()) {
          String category = Fields.text(a, "categories.0.name");
          out.add(Annotation.of(Fields.text(a, "mid"), job, category, kind(Fields.text(a, "type")), box(a)));
        }
      }
    }
    JsonNode categories = value.path("categories");
    if (categories.isArray()) {
      for (JsonNode c : categories) {
        if (c.isObject()) {
          out.add(Annotation.of(null, job, Fields.text(c, "name"), "classification", null));
        }
      }
    }
    if (value.path("text").isTextual()) {
      out.add(Annotation.of(null, job, null, "transcription", null));
    }
  }

  /** Kili's video labels key their jsonResponse by frame ({@code {"0": {"JOB_0": {...}}, "1": ...}}). */
  private static boolean isVideo(JsonNode jsonResponse) {
    if (jsonResponse.isEmpty()) {
      return false;
    }
    for (Map.Entry<String, JsonNode> e : jsonResponse.properties()) {
      if (!isFrameIndex(e.getKey())) {
        return false;
      }
    }
    return true;
  }

  static boolean isFrameIndex(String key) {
    if (key.isEmpty() || key.length() > 9) {
      return false;
    }
    for (int i = 0; i < key.length(); i++) {
      if (key.charAt(i) < '0' || key.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /**
   * A video's objects once each, as their first frame has them (as for V7's videos): an object tracked
   * over a hundred frames is one annotation, not a hundred. Classifications and transcriptions once per job
   * and category.
   */
  private static List<Annotation> videoAnnotations(JsonNode jsonResponse) {
    List<Map.Entry<String, JsonNode>> frames = new ArrayList<>();
    jsonResponse.properties().forEach(frames::add);
    frames.sort(Comparator.comparingInt(f -> Integer.parseInt(f.getKey())));
    Map<List<Object>, Annotation> byKey = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> frame : frames) {
      if (!frame.getValue().isObject()) {
        continue;
      }
      for (Map.Entry<String, JsonNode> job : frame.getValue().properties()) {
        List<Annotation> inFrame = new ArrayList<>();
        jobAnnotations(job.getKey(), job.getValue(), inFrame);
        for (Annotation a : inFrame) {
          // An object without a mid cannot be followed from frame to frame: each counts.
          List<Object> key = a.id() != null ? Arrays.asList(job.getKey(), a.id())
              : a.kind().equals("classification") || a.kind().equals("transcription")
                  ? Arrays.asList(job.getKey(), a.kind(), a.category())
              : Arrays.asList(frame.getKey(), byKey.size());
          byKey.putIfAbsent(key, a);
        }
      }
    }
    return List.copyOf(byKey.values());
  }

  private static BoundingBox box(JsonNode annotation) {
    JsonNode vertices = annotation.path("boundingPoly").path(0).path("normalizedVertices");
    if (!vertices.isArray() || vertices.isEmpty()) {
      return null;
    }
    List<double[]> points = new ArrayList<>();
    for (JsonNode v : vertices) {
      if (!v.path("x").isNumber() || !v.path("y").isNumber()) {
        return null;
      }
      points.add(new double[] {v.path("x").asDouble(), v.path("y").asDouble()});
    }
    return BoundingBox.enclosing(points);
  }

  static String kind(String kiliType) {
    if (kiliType == null) {
      return "other";
    }
    return switch (kiliType.toLowerCase(Locale.ROOT)) {
      case "rectangle" -> "bounding_box";
      case "polygon" -> "polygon";
      case "semantic" -> "segmentation";
      case "marker", "point", "pose" -> "point";
      case "polyline", "vector", "line" -> "line";
      // The kind is a closed list in the schema: a tool Kili adds later must not break consumers.
      default -> "other";
    };
  }

  /** The neutral event type of a Kili webhook's {@code eventType}; the token reading uses it too. */
  static String neutralType(String kiliEventType) {
    return switch (kiliEventType) {
      case "onSubmit" -> EventTypes.LABEL_SUBMITTED;
      case "onReview" -> EventTypes.LABEL_REVIEWED;
      // Not a webhook of Kili's: the body a kili-subscription source makes of a label its subscription pushed.
      case LABEL_CREATED_OR_UPDATED -> EventTypes.LABEL_CREATED_OR_UPDATED;
      default -> EventTypes.WEBHOOK_RECEIVED;
    };
  }

  /** An author's display name from first and last name, either of which may be missing. */
  static String join(String a, String b) {
    if (a == null && b == null) {
      return null;
    }
    return ((a == null ? "" : a) + " " + (b == null ? "" : b)).trim();
  }
}
