package io.hookgate.rules;

import dev.cel.bundle.Cel;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import io.hookgate.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Text with {@code {{ expr }}} parts, each a CEL expression: {@code /api/v2/teams/{{ event.data.workspace
 * }}/items/slots/tags}. In a path each value is percent-encoded as one segment, so an event can never add
 * segments, a query or a fragment; in a header value, line breaks are refused.
 */
final class PathTemplate {
  private final String text;
  private final List<Object> parts;
  private final boolean pathSegments;

  private PathTemplate(String text, List<Object> parts, boolean pathSegments) {
    this.text = text;
    this.parts = parts;
    this.pathSegments = pathSegments;
  }

  static PathTemplate compile(Cel env, String text, String key, String rule, boolean pathSegments) {
    List<Object> parts = new ArrayList<>();
    int at = 0;
    while (at < text.length()) {
      int open = text.indexOf("{{", at);
      if (open < 0) {
        parts.add(text.substring(at));
        break;
      }
      int close = text.indexOf("}}", open + 2);
      if (close < 0) {
        throw new ConfigException("config key '" + key + "' (rule '" + rule + "'): '{{' at column " + (open + 1)
            + " has no closing '}}'");
      }
      if (open > at) {
        parts.add(text.substring(at, open));
      }
      String expression = text.substring(open + 2, close);
      String partKey = key + "{{" + (open + 1) + "}}";
      CelAbstractSyntaxTree ast = CelEnvironment.compile(env, expression, partKey, rule);
      parts.add(CelEnvironment.program(env, ast, partKey, rule));
      at = close + 2;
    }
    return new PathTemplate(text, List.copyOf(parts), pathSegments);
  }

  boolean isLiteral() {
    return parts.stream().allMatch(p -> p instanceof String);
  }

  String render(Map<String, Object> activation) throws CelEvaluationException {
    StringBuilder out = new StringBuilder();
    for (Object part : parts) {
      if (part instanceof String s) {
        out.append(s);
        continue;
      }
      String value = CelValues.toText(((CelRuntime.Program) part).eval(activation));
      if (pathSegments) {
        out.append(encodeSegment(value));
      } else {
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
          throw new IllegalArgumentException("a header value may not contain line breaks");
        }
        out.append(value);
      }
    }
    return out.toString();
  }

  /**
   * RFC 3986 path segment: unreserved characters and sub-delims stay, everything else is %-encoded, and
   * the dot segments are encoded so that they cannot climb the target's path.
   */
  static String encodeSegment(String value) {
    if (value.equals(".") || value.equals("..")) {
      return value.replace(".", "%2E");
    }
    StringBuilder out = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "-._~!$&'()*+,;=:@".indexOf(c) >= 0) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return text;
  }
}
