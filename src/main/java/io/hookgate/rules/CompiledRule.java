package io.hookgate.rules;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import io.hookgate.config.RuleConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A rule ready to run: scope, compiled expressions or a configured plugin. Immutable and thread-safe. */
final class CompiledRule {
  /** A named value and its program, in evaluation order. */
  record NamedProgram(String name, CelRuntime.Program program) {
  }

  private final String name;
  private final RuleConfig.Scope scope;
  private final CelRuntime.Program match;
  private final List<NamedProgram> values;
  private final List<CompiledAction> actions;
  private final RulePlugin plugin;
  private final Object params;
  private final boolean sequential;
  private final boolean usesExpressions;

  CompiledRule(String name, RuleConfig.Scope scope, CelRuntime.Program match, List<NamedProgram> values,
      List<CompiledAction> actions, RulePlugin plugin, Object params, boolean sequential) {
    this.name = name;
    this.scope = scope;
    this.match = match;
    this.values = List.copyOf(values);
    this.actions = List.copyOf(actions);
    this.plugin = plugin;
    this.params = params;
    this.sequential = sequential;
    this.usesExpressions = match != null || !values.isEmpty()
        || actions.stream().anyMatch(CompiledAction::usesExpressions);
  }

  String name() {
    return name;
  }

  boolean sequential() {
    return sequential;
  }

  /** Whether the event is one this rule is about at all (its source and project). */
  boolean inScope(IncomingEvent event) {
    if (!scope.sources().isEmpty() && !scope.sources().contains(event.sourceName())) {
      return false;
    }
    return scope.projects().isEmpty() || scope.projects().contains(event.projectId());
  }

  /**
   * The actions for an event in scope, or null when the match says no.
   *
   * @throws CelEvaluationException or a runtime exception when an expression or the plugin fails on it
   */
  List<ActionSpec> evaluate(IncomingEvent event) throws CelEvaluationException {
    // The CEL view of the event (every field of its data converted) is built only for rules that evaluate
    // an expression; a plain forward needs none.
    Map<String, Object> activation = new HashMap<>();
    if (usesExpressions) {
      activation.put(CelEnvironment.EVENT, event.cel());
      activation.put(CelEnvironment.PARAMS, params);
    }
    if (match != null && !RuleSet.isTrue(match.eval(activation), "match")) {
      return null;
    }
    if (plugin != null) {
      List<ActionSpec> specs = plugin.evaluate(event.event());
      return specs == null ? List.of() : List.copyOf(specs);
    }
    for (NamedProgram v : values) {
      activation.put(v.name(), v.program().eval(activation));
    }
    List<ActionSpec> out = new ArrayList<>();
    for (CompiledAction a : actions) {
      a.evaluate(activation, out);
    }
    return out;
  }
}
