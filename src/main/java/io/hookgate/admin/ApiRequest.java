package io.hookgate.admin;

import io.vertx.core.json.JsonObject;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatedRequest;
import java.util.Map;

/** A request the OpenAPI document has validated: its parameters by the names the document gives them. */
record ApiRequest(ValidatedRequest validated, ApiTokens.Role role) {

  String path(String name) {
    return text(validated.getPathParameters(), name);
  }

  String query(String name) {
    return text(validated.getQuery(), name);
  }

  int query(String name, int absent) {
    RequestParameter p = validated.getQuery().get(name);
    return p == null || p.isNull() ? absent : p.getInteger();
  }

  String header(String name) {
    return text(validated.getHeaders(), name);
  }

  /** The JSON body; null when there is none (an optional body left out). */
  JsonObject body() {
    RequestParameter b = validated.getBody();
    return b == null || b.isNull() ? null : b.getJsonObject();
  }

  private static String text(Map<String, RequestParameter> params, String name) {
    RequestParameter p = params == null ? null : params.get(name);
    return p == null || p.isNull() ? null : p.getString();
  }
}
