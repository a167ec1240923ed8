package io.hookgate.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.primitives.UnsignedLong;
import com.google.protobuf.ByteString;
import dev.cel.common.values.NullValue;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Converts between Jackson trees and the Java values CEL evaluates over: objects become maps (insertion
 * order kept, so iteration and therefore action ids are deterministic), integers become {@code long},
 * other numbers {@code double}, and JSON null becomes CEL's {@code null} (a Java null would read as
 * "unknown").
 */
final class CelValues {
  private CelValues() {
  }

  static Object fromJson(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return NullValue.NULL_VALUE;
    }
    if (node.isObject()) {
      Map<String, Object> out = new LinkedHashMap<>();
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> e = fields.next();
        out.put(e.getKey(), fromJson(e.getValue()));
      }
      return Collections.unmodifiableMap(out);
    }
    if (node.isArray()) {
      List<Object> out = new ArrayList<>(node.size());
      node.forEach(n -> out.add(fromJson(n)));
      return Collections.unmodifiableList(out);
    }
    if (node.isIntegralNumber()) {
      return node.canConvertToLong() ? (Object) node.longValue() : (Object) node.doubleValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isBinary()) {
      try {
        return ByteString.copyFrom(node.binaryValue());
      } catch (java.io.IOException e) {
        return node.asText();
      }
    }
    return node.asText();
  }

  /** A value for a CEL variable from a plain Java value (CloudEvent attributes and extensions). */
  static Object fromJava(Object value) {
    if (value == null) {
      return NullValue.NULL_VALUE;
    }
    if (value instanceof Integer i) {
      return i.longValue();
    }
    if (value instanceof String || value instanceof Long || value instanceof Boolean || value instanceof Double) {
      return value;
    }
    if (value instanceof byte[] bytes) {
      return ByteString.copyFrom(bytes);
    }
    return value.toString();
  }

  /** The JSON form of an evaluation result. */
  static JsonNode toJson(Object value) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (value == null || value instanceof NullValue || value instanceof com.google.protobuf.NullValue) {
      return f.nullNode();
    }
    if (value instanceof Optional<?> o) {
      return o.isPresent() ? toJson(o.get()) : f.nullNode();
    }
    if (value instanceof Map<?, ?> map) {
      ObjectNode out = f.objectNode();
      map.forEach((k, v) -> out.set(String.valueOf(k), toJson(v)));
      return out;
    }
    if (value instanceof Iterable<?> list) {
      ArrayNode out = f.arrayNode();
      list.forEach(v -> out.add(toJson(v)));
      return out;
    }
    if (value instanceof String s) {
      return f.textNode(s);
    }
    if (value instanceof Boolean b) {
      return f.booleanNode(b);
    }
    if (value instanceof Long l) {
      return f.numberNode(l);
    }
    if (value instanceof Integer i) {
      return f.numberNode(i.longValue());
    }
    if (value instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) {
        throw new IllegalArgumentException("the result holds " + d + ", which JSON cannot represent");
      }
      return f.numberNode(d);
    }
    if (value instanceof UnsignedLong u) {
      return f.numberNode(u.bigIntegerValue());
    }
    if (value instanceof ByteString bytes) {
      return f.textNode(Base64.getEncoder().encodeToString(bytes.toByteArray()));
    }
    if (value instanceof Number n) {
      return f.numberNode(n.doubleValue());
    }
    return f.textNode(value.toString());
  }

  /** How a result reads in text: a string as itself, anything else as its JSON. */
  static String toText(Object value) {
    if (value instanceof String s) {
      return s;
    }
    JsonNode json = toJson(value);
    return json.isValueNode() ? json.asText() : json.toString();
  }
}
