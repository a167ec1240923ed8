package io.hookgate.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One entry of the top-level {@code rules:} list: when an event in scope matches, emit actions. Either
 * {@code actions} (CEL expressions) or {@code plugin} (a Java {@code RulePlugin} found by name) says what
 * to emit. Expressions are compiled at start-up by {@code io.hookgate.rules.RuleCompiler}; this record only
 * holds the text.
 *
 * @param name unique; part of every action id ({@code <eventId>:<rule>:<index>}), so no ':'
 * @param enabled false keeps a rule in the file without running it (default true)
 * @param scope where the rule applies; absent or {@code global} means every event
 * @param match CEL boolean over {@code event} and {@code params}; absent means always
 * @param values named CEL expressions evaluated in order after the match; each is a variable for the
 *     expressions after it
 * @param plugin name of a {@code RulePlugin} to run instead of {@code actions}
 * @param params constants for the expressions ({@code params.maxBoxes}) or the plugin's configuration
 * @param ordering sequential (default: each action only after the previous one succeeded, chained through
 *     {@code then}) or independent (all emitted at once)
 * @param actions what to emit, in order
 */
public record RuleConfig(
    String name,
    Boolean enabled,
    Scope scope,
    String match,
    Map<String, String> values,
    String plugin,
    JsonNode params,
    String ordering,
    List<Action> actions) {

  public RuleConfig {
    enabled = enabled == null || enabled;
    scope = scope == null ? Scope.GLOBAL : scope;
    // Order matters: a value may use the ones before it.
    values = values == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(values));
    params = params == null || params.isNull() ? JsonNodeFactory.instance.objectNode() : params;
    ordering = ordering == null ? "sequential" : ordering;
    actions = actions == null ? List.of() : List.copyOf(actions);
  }

  /**
   * Where a rule applies. Both lists empty: everywhere. With {@code sources}, only events from those
   * configured sources; with {@code projects}, only events of those projects (a rule activated on a
   * project, as Kili activates a plugin on a project). With both, an event must satisfy both.
   */
  public record Scope(List<String> sources, List<String> projects) {
    public static final Scope GLOBAL = new Scope(List.of(), List.of());

    @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
    public Scope(@JsonProperty("sources") List<String> sources, @JsonProperty("projects") List<String> projects) {
      this.sources = sources == null ? List.of() : List.copyOf(sources);
      this.projects = projects == null ? List.of() : List.copyOf(projects);
    }

    /** {@code scope: global} in YAML. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Scope of(String word) {
      if (!"global".equals(word)) {
        throw new IllegalArgumentException(
            "scope must be 'global' or a mapping with sources and/or projects (got '" + word + "')");
      }
      return GLOBAL;
    }

    public boolean global() {
      return sources.isEmpty() && projects.isEmpty();
    }
  }

  /**
   * One action template.
   *
   * @param target name of a configured target (base URL and credentials live there, never here)
   * @param kind http, graphql, slack or forward
   * @param method HTTP method, POST when absent
   * @param path appended to the target's base URL; {@code {{ expr }}} parts are CEL, each value
   *     percent-encoded as one path segment
   * @param headers extra non-secret headers; values may hold {@code {{ expr }}} parts
   * @param body CEL expression giving the JSON body (maps, lists, strings, numbers); not for forward, whose
   *     body is the event itself
   * @param forEach CEL list: one action per element, the element bound to the variable named by {@code as}
   * @param as the element's variable name (default {@code item})
   * @param when CEL boolean: emit only when true (evaluated per element with forEach)
   */
  public record Action(
      String target,
      String kind,
      String method,
      String path,
      Map<String, String> headers,
      String body,
      String forEach,
      String as,
      String when) {

    public Action {
      headers = headers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
      as = as == null ? "item" : as;
    }
  }
}
