package io.hookgate.admin;

import io.hookgate.http.Problem;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what the OpenAPI validation refused into a problem naming the field: the JSON Pointer of the body field
 * at fault, or the parameter's name. The validator reports every schema that failed along the way (the object,
 * its {@code properties}, the property's own keyword...): the most specific error is the deepest one, and at the
 * same depth a keyword about the value itself (type, format, pattern, required...) rather than one that only
 * says a sub-schema failed.
 */
final class ValidationProblems {
  /** Keywords that only say that something below them failed. */
  private static final Set<String> GENERIC = Set.of("properties", "additionalProperties", "items", "prefixItems",
      "allOf", "anyOf", "oneOf", "$ref", "unevaluatedProperties", "patternProperties");
  /** The start of the validator's messages about a parameter (its own text, before any value). */
  private static final Pattern PARAMETER = Pattern
      .compile("^The [a-z /]*?(path|query|header|cookie) parameter ([^ ]+?)\\.?(?: |$)");
  private static final Pattern REQUIRED = Pattern.compile("required property \"(.+)\"");

  private ValidationProblems() {
  }

  /** The problem for a failure of the validation; null when {@code failure} is not one. */
  static Problem of(Throwable failure) {
    Throwable cause = failure;
    while (cause != null && !(cause instanceof ValidatorException)) {
      cause = cause.getCause();
    }
    if (!(cause instanceof ValidatorException v)) {
      return null;
    }
    String message = v.getMessage() == null ? "" : v.getMessage();
    if (v.type() == ValidatorErrorType.UNSUPPORTED_VALUE_FORMAT) {
      return Problem.of(415, "unsupported_media_type", "Unsupported Media Type",
          "the body must be JSON, sent as Content-Type: application/json");
    }
    if (v instanceof SchemaValidationException s && message.startsWith("The value of the request body")) {
      return body(s.getOutputUnit());
    }
    Matcher parameter = PARAMETER.matcher(message);
    boolean aboutParameter = parameter.find();
    if (v.type() == ValidatorErrorType.ILLEGAL_VALUE && message.contains("body")) {
      return Problem.of(400, "malformed_json", "Bad Request", "the body is not valid JSON");
    }
    if (!aboutParameter && message.contains("required body")) {
      return invalid(null, "a JSON body is required");
    }
    if (aboutParameter) {
      String name = parameter.group(2);
      String why = v instanceof SchemaValidationException s ? lowerFirst(mostSpecific(s.getOutputUnit()).error())
          : v.type() == ValidatorErrorType.MISSING_REQUIRED_PARAMETER ? "is required" : "cannot be decoded";
      return invalid(name, parameter.group(1) + " parameter " + name + ": " + why);
    }
    return invalid(null, message);
  }

  private static Problem body(OutputUnit unit) {
    Located e = mostSpecific(unit);
    String words = e.pointer().isEmpty() ? "the body" : words(e.pointer());
    String detail;
    if (e.keyword().equals("additionalProperties") && e.generic()) {
      detail = words + ": unknown field";
    } else if (e.keyword().equals("required")) {
      detail = words + ": is required";
    } else {
      detail = words + ": " + lowerFirst(e.error());
    }
    return invalid(e.pointer().isEmpty() ? null : e.pointer(), detail);
  }

  private static Problem invalid(String field, String detail) {
    return Problem.of(400, "invalid_request", "Invalid Request", detail).withField(field);
  }

  /** One error of the validator, where it points and what says it. */
  private record Located(String pointer, String keyword, String error) {
    int depth() {
      return pointer.isEmpty() ? 0 : pointer.split("/", -1).length - 1;
    }

    boolean generic() {
      return GENERIC.contains(keyword);
    }
  }

  private static Located mostSpecific(OutputUnit unit) {
    List<OutputUnit> errors = unit.getErrors() == null || unit.getErrors().isEmpty() ? List.of(unit) : unit.getErrors();
    return errors.stream().map(ValidationProblems::locate)
        .max(Comparator.comparingInt(Located::depth).thenComparing(l -> !l.generic()))
        .orElseThrow();
  }

  private static Located locate(OutputUnit u) {
    String pointer = u.getInstanceLocation() == null ? "" : u.getInstanceLocation();
    pointer = pointer.startsWith("#") ? pointer.substring(1) : pointer;
    String keywordLocation = u.getKeywordLocation() == null ? "" : u.getKeywordLocation();
    String keyword = keywordLocation.substring(keywordLocation.lastIndexOf('/') + 1);
    String error = u.getError() == null ? "is invalid" : u.getError();
    if (keyword.equals("required")) {
      // The validator places a missing property at its parent; the client wants the property.
      Matcher m = REQUIRED.matcher(error);
      if (m.find()) {
        pointer = pointer + "/" + m.group(1).replace("~", "~0").replace("/", "~1");
      }
    }
    return new Located(pointer, keyword, error);
  }

  /** {@code /filter/sources/0} as {@code filter.sources[0]}. */
  static String words(String pointer) {
    StringBuilder out = new StringBuilder();
    for (String segment : pointer.substring(1).split("/", -1)) {
      String name = segment.replace("~1", "/").replace("~0", "~");
      if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
        out.append('[').append(name).append(']');
      } else {
        out.append(out.length() == 0 ? "" : ".").append(name);
      }
    }
    return out.toString();
  }

  private static String lowerFirst(String text) {
    return text.isEmpty() ? text : Character.toLowerCase(text.charAt(0)) + text.substring(1);
  }
}
