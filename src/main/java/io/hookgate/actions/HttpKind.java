package io.hookgate.actions;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

/** {@code http}: the action's method, path and headers, its body as JSON (or as text when it is a string). */
final class HttpKind implements ActionKind {
  private final ObjectMapper mapper;

  HttpKind(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  @Override
  public String name() {
    return "http";
  }

  @Override
  public Request request(Target target, ActionRecord action, HttpMethod method, MultiMap headers) {
    if (action.body() == null || action.body().isNull()) {
      return new Request(method, null, null);
    }
    if (action.body().isTextual()) {
      ActionBodies.defaultHeader(headers, "Content-Type", "text/plain; charset=utf-8");
      return new Request(method, Buffer.buffer(action.body().textValue()), null);
    }
    ActionBodies.defaultHeader(headers, "Content-Type", "application/json");
    return new Request(method, Buffer.buffer(ActionBodies.bytes(mapper, action.body())), null);
  }
}
