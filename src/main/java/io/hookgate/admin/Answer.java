package io.hookgate.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.http.HttpServerRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What an operation answers when it succeeds: a status, headers, and a JSON body (null for none); or a stream,
 * which takes the request's response over (its status, headers and body).
 */
record Answer(int status, Map<String, String> headers, JsonNode body, Consumer<HttpServerRequest> stream) {

  static Answer json(int status, JsonNode body) {
    return new Answer(status, Map.of(), body, null);
  }

  static Answer noContent() {
    return new Answer(204, Map.of(), null, null);
  }

  /** A streamed answer: {@code stream} writes the response, status and headers included. */
  static Answer stream(Consumer<HttpServerRequest> stream) {
    return new Answer(200, Map.of(), null, stream);
  }

  Answer withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new Answer(status, more, body, stream);
  }
}
