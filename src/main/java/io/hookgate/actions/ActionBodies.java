package io.hookgate.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.event.RawJson;
import io.vertx.core.MultiMap;

/** What the action kinds share to write a body. */
final class ActionBodies {
  private ActionBodies() {
  }

  /** The node's JSON: its raw bytes as read from the topic when it has them, else written by {@code mapper}. */
  static byte[] bytes(ObjectMapper mapper, JsonNode node) {
    var raw = RawJson.bytes(node);
    if (raw.isPresent()) {
      return raw.get();
    }
    try {
      return mapper.writeValueAsBytes(node);
    } catch (Exception e) {
      throw new IllegalArgumentException("the action body cannot be written as JSON");
    }
  }

  static void defaultHeader(MultiMap headers, String name, String value) {
    if (!headers.contains(name)) {
      headers.set(name, value);
    }
  }
}
