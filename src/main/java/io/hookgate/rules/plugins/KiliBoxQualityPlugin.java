package io.hookgate.rules.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hookgate.event.EventTypes;
import io.hookgate.rules.ActionSpec;
import io.hookgate.rules.RuleEvent;
import io.hookgate.rules.RulePlugin;
import java.util.ArrayList;
import java.util.List;

/**
 * The example plugin ({@code plugin: kili-box-quality}): the Kili webhook tutorial's quality check as Java.
 * On a submitted label it finds
 * <ul>
 *   <li>more than {@code maxBoxes} annotations of {@code category} (a {@code JOB.CATEGORY} key of
 *       Kili's {@code search.numberOfAnnotationsByObject}, {@code data.annotationCounts} in the event):
 *       "There are too many BBox (n) - Only 1 BBox of Object A accepted", no mid;</li>
 *   <li>every box of {@code job} whose normalized area is over {@code maxAreaRatio}: "BBox too large" with
 *       the annotation's mid,</li>
 * </ul>
 * and for each finding creates one issue on the label with Kili's {@code createIssues} mutation, then sends
 * the asset back to the queue, in that order (the rule's sequential ordering chains them). The same rule is
 * written in CEL in {@code conf/examples/kili.yaml}; both give the same actions.
 *
 * <p>Params (defaults are the tutorial's): {@code target} (kili), {@code category} (JOB_0.OBJECT_A),
 * {@code categoryName} (Object A), {@code maxBoxes} (1), {@code job} (JOB_0), {@code maxAreaRatio} (0.33).
 */
public final class KiliBoxQualityPlugin implements RulePlugin {
  private String target;
  private String category;
  private String categoryName;
  private int maxBoxes;
  private String job;
  private double maxAreaRatio;

  @Override
  public String name() {
    return "kili-box-quality";
  }

  @Override
  public void configure(JsonNode params) {
    target = text(params, "target", "kili");
    category = text(params, "category", "JOB_0.OBJECT_A");
    categoryName = text(params, "categoryName", "Object A");
    job = text(params, "job", "JOB_0");
    JsonNode max = params.path("maxBoxes");
    if (!max.isMissingNode() && !max.canConvertToInt()) {
      throw new IllegalArgumentException("maxBoxes must be a whole number");
    }
    maxBoxes = max.asInt(1);
    JsonNode ratio = params.path("maxAreaRatio");
    if (!ratio.isMissingNode() && !ratio.isNumber()) {
      throw new IllegalArgumentException("maxAreaRatio must be a number between 0 and 1");
    }
    maxAreaRatio = ratio.asDouble(0.33);
    if (maxBoxes < 0 || maxAreaRatio < 0 || maxAreaRatio > 1) {
      throw new IllegalArgumentException("maxBoxes must be >= 0 and maxAreaRatio between 0 and 1");
    }
  }

  @Override
  public List<ActionSpec> evaluate(RuleEvent event) {
    JsonNode data = event.data();
    // The tutorial's handler acts on submit only (on_review is a no-op there).
    if (!EventTypes.LABEL_SUBMITTED.equals(event.type()) || !"kili".equals(data.path("platform").asText())
        || !data.path("labelId").isTextual()) {
      return List.of();
    }
    List<ObjectNode> issues = new ArrayList<>();
    JsonNode count = data.path("annotationCounts").path(category);
    if (count.isNumber() && count.asInt() > maxBoxes) {
      issues.add(finding("There are too many BBox (" + count.asInt() + ") - Only " + maxBoxes + " BBox of "
          + categoryName + " accepted", null));
    }
    for (JsonNode a : data.path("annotations")) {
      JsonNode area = a.path("areaRatio");
      if (job.equals(a.path("job").asText()) && area.isNumber() && area.asDouble() > maxAreaRatio) {
        issues.add(finding("BBox too large", a.path("id").isTextual() ? a.path("id").asText() : null));
      }
    }
    if (issues.isEmpty()) {
      return List.of();
    }
    JsonNodeFactory f = JsonNodeFactory.instance;
    List<ActionSpec> out = new ArrayList<>();
    for (ObjectNode issue : issues) {
      ObjectNode variables = f.objectNode();
      ArrayNode list = variables.putArray("issues");
      list.addObject()
          .put("labelID", data.path("labelId").asText())
          .put("objectMid", issue.path("mid").isNull() ? null : issue.path("mid").asText())
          .put("type", "ISSUE")
          .putNull("assetId")
          .put("text", issue.path("text").asText());
      variables.putObject("where").putObject("project").put("id", data.path("projectId").asText());
      out.add(ActionSpec.graphql(target, KiliGraphql.CREATE_ISSUES, variables));
    }
    ObjectNode sendBack = f.objectNode();
    sendBack.putObject("where").putArray("idIn").add(data.path("itemId").asText());
    out.add(ActionSpec.graphql(target, KiliGraphql.SEND_BACK_TO_QUEUE, sendBack));
    return out;
  }

  private static ObjectNode finding(String text, String mid) {
    ObjectNode f = JsonNodeFactory.instance.objectNode();
    f.put("text", text);
    if (mid == null) {
      f.putNull("mid");
    } else {
      f.put("mid", mid);
    }
    return f;
  }

  private static String text(JsonNode params, String key, String fallback) {
    JsonNode v = params.path(key);
    if (v.isMissingNode() || v.isNull()) {
      return fallback;
    }
    if (!v.isTextual() || v.asText().isBlank()) {
      throw new IllegalArgumentException(key + " must be a non-empty string");
    }
    return v.asText();
  }
}
