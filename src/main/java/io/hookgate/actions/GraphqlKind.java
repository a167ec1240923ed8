package io.hookgate.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code graphql}: POST {@code {query, variables}}; an answer with a non-empty {@code errors} array is a failure
 * even with status 200, permanent when every error's code says no retry can fix it.
 */
final class GraphqlKind implements ActionKind {
  /** GraphQL error codes (Apollo conventions) that no retry can fix. */
  private static final Set<String> PERMANENT_CODES = Set.of("GRAPHQL_PARSE_FAILED",
      "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT", "BAD_REQUEST", "UNAUTHENTICATED", "FORBIDDEN",
      "PERSISTED_QUERY_NOT_SUPPORTED", "OPERATION_RESOLUTION_FAILURE");

  private final ObjectMapper mapper;

  GraphqlKind(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  @Override
  public String name() {
    return "graphql";
  }

  @Override
  public String bodyProblem(boolean hasBody) {
    return hasBody ? null : "is required for kind graphql ({'query': ..., 'variables': {...}})";
  }

  @Override
  public Request request(Target target, ActionRecord action, HttpMethod method, MultiMap headers) {
    if (action.body() == null || !action.body().path("query").isTextual()) {
      throw new IllegalArgumentException("a graphql action needs a body {query, variables}");
    }
    headers.set("Content-Type", "application/json");
    ActionBodies.defaultHeader(headers, "Accept", "application/json");
    return new Request(HttpMethod.POST, Buffer.buffer(ActionBodies.bytes(mapper, action.body())), null);
  }

  @Override
  public CallResult answered(int status, String reason, String body) {
    JsonNode json;
    try {
      json = body == null ? null : mapper.readTree(body);
    } catch (Exception e) {
      json = null;
    }
    if (json == null || !json.isObject()) {
      return new CallResult(CallResult.Verdict.RETRYABLE, status, "GraphQL answer is not a JSON object", body, null);
    }
    JsonNode errors = json.path("errors");
    if (!errors.isArray() || errors.isEmpty()) {
      return ActionKind.super.answered(status, reason, body);
    }
    List<String> messages = new ArrayList<>();
    boolean permanent = true;
    for (JsonNode e : errors) {
      messages.add(e.path("message").asText("(no message)"));
      permanent &= PERMANENT_CODES.contains(e.path("extensions").path("code").asText(""));
    }
    String message = "GraphQL errors: " + String.join("; ", messages);
    if (message.length() > 500) {
      message = message.substring(0, 500) + "…";
    }
    return new CallResult(permanent ? CallResult.Verdict.PERMANENT : CallResult.Verdict.RETRYABLE, status, message,
        body, null);
  }
}
