package io.hookgate.ingress.source;

import com.fasterxml.jackson.databind.JsonNode;
import io.hookgate.ingress.InvalidPayloadException;

/** Reads fields by dotted path and turns absent or mistyped required ones into a 400 naming the field. */
final class Fields {
  private Fields() {
  }

  static JsonNode at(JsonNode root, String dotted) {
    JsonNode node = root;
    for (String segment : dotted.split("\\.")) {
      node = node.isArray() && !segment.isEmpty() && segment.chars().allMatch(Character::isDigit)
          ? node.path(Integer.parseInt(segment))
          : node.path(segment);
    }
    return node;
  }

  /** A string or number at the path, as text; null when absent, null or of another type. */
  static String text(JsonNode root, String dotted) {
    return asText(at(root, dotted));
  }

  /**
   * A string as it is; an integer as its digits; another number as its value in plain decimal ({@code 1.50}
   * and {@code 1.5} are {@code "1.5"}, {@code 8.0} is {@code "8"}, never {@code "1.0E20"}); a number too large
   * to be one ({@code 1e400}) as absent.
   */
  static String asText(JsonNode n) {
    if (n.isTextual() || n.isIntegralNumber()) {
      return n.asText();
    }
    if (n.isNumber()) {
      if (n.isBigDecimal()) {
        return n.decimalValue().stripTrailingZeros().toPlainString();
      }
      double d = n.doubleValue();
      return Double.isFinite(d) ? java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString() : null;
    }
    return null;
  }

  static String firstText(JsonNode root, String... paths) {
    for (String p : paths) {
      String v = text(root, p);
      if (v != null && !v.isEmpty()) {
        return v;
      }
    }
    return null;
  }

  static String requireText(JsonNode root, String dotted) throws InvalidPayloadException {
    JsonNode n = at(root, dotted);
    if (n.isMissingNode() || n.isNull()) {
      throw new InvalidPayloadException(dotted, "required field '" + dotted + "' is missing");
    }
    String v = asText(n);
    if (v == null || v.isEmpty()) {
      throw new InvalidPayloadException(dotted, "field '" + dotted + "' must be a non-empty string");
    }
    return v;
  }

  static JsonNode requireObject(JsonNode root, String dotted) throws InvalidPayloadException {
    JsonNode n = at(root, dotted);
    if (n.isMissingNode() || n.isNull()) {
      throw new InvalidPayloadException(dotted, "required field '" + dotted + "' is missing");
    }
    if (!n.isObject()) {
      throw new InvalidPayloadException(dotted, "field '" + dotted + "' must be a JSON object");
    }
    return n;
  }

  static JsonNode requireArray(JsonNode root, String dotted) throws InvalidPayloadException {
    JsonNode n = at(root, dotted);
    if (n.isMissingNode() || n.isNull()) {
      throw new InvalidPayloadException(dotted, "required field '" + dotted + "' is missing");
    }
    if (!n.isArray()) {
      throw new InvalidPayloadException(dotted, "field '" + dotted + "' must be a JSON array");
    }
    return n;
  }

  static void requireRootObject(JsonNode root) throws InvalidPayloadException {
    if (!root.isObject()) {
      throw new InvalidPayloadException("", "the body must be a JSON object");
    }
  }
}
