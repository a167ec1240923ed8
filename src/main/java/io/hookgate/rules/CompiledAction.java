package io.hookgate.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An action template of a rule, its expressions compiled. */
final class CompiledAction {
  private final String target;
  private final String kind;
  private final String method;
  private final PathTemplate path;
  private final Map<String, PathTemplate> headers;
  private final CelRuntime.Program body;
  private final CelRuntime.Program forEach;
  private final String as;
  private final CelRuntime.Program when;

  CompiledAction(String target, String kind, String method, PathTemplate path, Map<String, PathTemplate> headers,
      CelRuntime.Program body, CelRuntime.Program forEach, String as, CelRuntime.Program when) {
    this.target = target;
    this.kind = kind;
    this.method = method;
    this.path = path;
    this.headers = headers;
    this.body = body;
    this.forEach = forEach;
    this.as = as;
    this.when = when;
  }

  /** Whether anything of this template is evaluated against the event (else it needs no CEL activation). */
  boolean usesExpressions() {
    return body != null || forEach != null || when != null || (path != null && !path.isLiteral())
        || headers.values().stream().anyMatch(h -> !h.isLiteral());
  }

  /** Appends the actions this template gives for the event (none, one, or one per forEach element). */
  void evaluate(Map<String, Object> activation, List<ActionSpec> out) throws CelEvaluationException {
    if (forEach == null) {
      emit(activation, out);
      return;
    }
    Object elements = forEach.eval(activation);
    if (!(elements instanceof Iterable<?> list)) {
      throw new IllegalArgumentException("forEach must give a list, got " + CelValues.toText(elements));
    }
    Map<String, Object> scope = new HashMap<>(activation);
    for (Object element : list) {
      scope.put(as, element);
      emit(scope, out);
    }
  }

  private void emit(Map<String, Object> activation, List<ActionSpec> out) throws CelEvaluationException {
    if (when != null && !RuleSet.isTrue(when.eval(activation), "when")) {
      return;
    }
    JsonNode json = body == null ? null : CelValues.toJson(body.eval(activation));
    Map<String, String> rendered = new LinkedHashMap<>();
    for (Map.Entry<String, PathTemplate> h : headers.entrySet()) {
      rendered.put(h.getKey(), h.getValue().render(activation));
    }
    out.add(new ActionSpec(target, kind, method, path == null ? "" : path.render(activation), rendered, json));
  }
}
