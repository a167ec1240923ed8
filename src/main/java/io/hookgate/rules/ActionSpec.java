package io.hookgate.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * One call a rule wants made, before hookgate gives it an id and chains it: what a {@link RulePlugin}
 * returns and what a CEL action template evaluates to. Never put credentials here: they belong to the
 * target's configuration and are added when the call is made.
 *
 * @param target name of a configured target
 * @param kind http, graphql, slack or forward
 * @param method HTTP method; POST when null
 * @param path appended to the target's base URL; may be empty
 * @param headers extra non-secret headers
 * @param body the JSON body; null for forward (the body is the CloudEvent itself) or for no body
 */
public record ActionSpec(String target, String kind, String method, String path, Map<String, String> headers,
    JsonNode body) {

  public ActionSpec {
    headers = headers == null ? Map.of() : Map.copyOf(headers);
  }

  /** A GraphQL request: POST {@code {query, variables}} to the target. */
  public static ActionSpec graphql(String target, String query, JsonNode variables) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("query", query);
    body.set("variables", variables);
    return new ActionSpec(target, "graphql", "POST", "", Map.of(), body);
  }

  /** A plain HTTP request with a JSON body. */
  public static ActionSpec http(String target, String method, String path, JsonNode body) {
    return new ActionSpec(target, "http", method, path, Map.of(), body);
  }

  /** A Slack incoming-webhook message. */
  public static ActionSpec slack(String target, String text) {
    return new ActionSpec(target, "slack", "POST", "", Map.of(),
        JsonNodeFactory.instance.objectNode().put("text", text));
  }

  /** The event itself, as a structured-mode CloudEvent, to a subscriber. */
  public static ActionSpec forward(String target) {
    return new ActionSpec(target, "forward", "POST", "", Map.of(), null);
  }
}
