package io.hookgate.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an operation answers when it succeeds: a status, headers, and a JSON body (null for none).
 */
record Answer(int status, Map<String, String> headers, JsonNode body) {

  static Answer json(int status, JsonNode body) {
    return new Answer(status, Map.of(), body);
  }

  static Answer noContent() {
    return new Answer(204, Map.of(), null);
  }

  Answer withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new Answer(status, more, body);
  }
}
