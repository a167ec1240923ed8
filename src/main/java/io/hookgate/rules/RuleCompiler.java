package io.hookgate.rules;

import dev.cel.bundle.Cel;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelRuntime;
import io.hookgate.actions.ActionCodec;
import io.hookgate.actions.ActionKind;
import io.hookgate.actions.ActionKinds;
import io.hookgate.config.ConfigException;
import io.hookgate.config.RuleConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns the {@code rules:} configuration into a {@link RuleSet}, once, at start-up: every expression is
 * parsed and type-checked, every plugin found and configured. Anything wrong stops start-up with a
 * {@link ConfigException} naming the rule, the configuration key and, for an expression, the line and
 * column of the error.
 */
public final class RuleCompiler {
  public static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
  private static final String NAME = "[A-Za-z0-9][A-Za-z0-9._-]{0,99}";
  /** Headers that carry credentials: those come from the target's configuration, never from a rule. */
  private static final Set<String> CREDENTIAL_HEADERS = Set.of("authorization", "proxy-authorization", "cookie",
      "x-api-key", "api-key");
  private static final String IDENTIFIER = "[A-Za-z_][A-Za-z0-9_]*";

  private final ClassLoader plugins;
  private final ActionKinds kinds = ActionKinds.standard(new ActionCodec().mapper());
  /** Built on first use: a gateway without rules does not pay for CEL's start-up. */
  private CelEnvironment cel;

  /** Finds plugins with the class loader that loaded hookgate. */
  public RuleCompiler() {
    this(RuleCompiler.class.getClassLoader());
  }

  public RuleCompiler(ClassLoader plugins) {
    this.plugins = plugins;
  }

  public RuleSet compile(List<RuleConfig> rules) {
    List<CompiledRule> out = new ArrayList<>();
    List<RuleSet.Reference> targets = new ArrayList<>();
    List<RuleSet.Reference> sources = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < rules.size(); i++) {
      RuleConfig rule = rules.get(i);
      String key = "rules[" + i + "]";
      if (rule == null) {
        throw new ConfigException("config key '" + key + "': empty rule");
      }
      if (rule.name() == null || !rule.name().matches(NAME)) {
        throw new ConfigException(
            "config key '" + key + ".name': a rule needs a name of letters, digits, '.', '-' and '_'"
                + " (it is part of every action id)" + (rule.name() == null ? "" : "; got '" + rule.name() + "'"));
      }
      if (!names.add(rule.name())) {
        throw new ConfigException("config key '" + key + ".name': another rule is already named '" + rule.name() + "'");
      }
      // A disabled rule is compiled and its targets checked too, so that enabling it later cannot fail
      // start-up by surprise; only an enabled one runs.
      CompiledRule compiled = compile(rule, key);
      if (rule.enabled()) {
        out.add(compiled);
      }
      for (int j = 0; j < rule.actions().size(); j++) {
        targets.add(new RuleSet.Reference(rule.name(), key + ".actions[" + j + "].target",
            rule.actions().get(j).target()));
      }
      for (int j = 0; j < rule.scope().sources().size(); j++) {
        sources
            .add(new RuleSet.Reference(rule.name(), key + ".scope.sources[" + j + "]", rule.scope().sources().get(j)));
      }
    }
    return new RuleSet(out, targets, sources, kinds);
  }

  private CompiledRule compile(RuleConfig rule, String key) {
    String name = rule.name();
    if (!rule.ordering().equals("sequential") && !rule.ordering().equals("independent")) {
      throw invalid(key + ".ordering", name, "must be sequential or independent (got '" + rule.ordering() + "')");
    }
    if (!rule.params().isObject()) {
      throw invalid(key + ".params", name, "must be a mapping");
    }
    for (String s : rule.scope().sources()) {
      if (s == null || s.isBlank()) {
        throw invalid(key + ".scope.sources", name, "has an empty entry");
      }
    }
    if (cel == null) {
      cel = new CelEnvironment();
    }
    Cel env = cel.base();
    CelRuntime.Program match = null;
    if (rule.match() != null && !rule.match().isBlank()) {
      CelAbstractSyntaxTree ast = CelEnvironment.compile(env, rule.match(), key + ".match", name);
      CelEnvironment.requireKind(ast, key + ".match", name, "a boolean", CelKind.BOOL);
      match = CelEnvironment.program(env, ast, key + ".match", name);
    }
    Object params = CelValues.fromJson(rule.params());
    boolean sequential = rule.ordering().equals("sequential");
    if (rule.plugin() != null) {
      if (!rule.actions().isEmpty() || !rule.values().isEmpty()) {
        throw invalid(key, name, "has both a plugin and actions/values: a rule is either a plugin or CEL actions");
      }
      return new CompiledRule(name, rule.scope(), match, List.of(), List.of(), plugin(rule, key), params, sequential);
    }
    if (rule.actions().isEmpty()) {
      throw invalid(key + ".actions", name, "is empty: a rule needs actions or a plugin");
    }
    List<CompiledRule.NamedProgram> values = new ArrayList<>();
    for (Map.Entry<String, String> v : rule.values().entrySet()) {
      String valueKey = key + ".values." + v.getKey();
      identifier(valueKey, name, v.getKey(), values.stream().map(CompiledRule.NamedProgram::name).toList());
      if (v.getValue() == null || v.getValue().isBlank()) {
        throw invalid(valueKey, name, "is empty");
      }
      CelAbstractSyntaxTree ast = CelEnvironment.compile(env, v.getValue(), valueKey, name);
      values.add(new CompiledRule.NamedProgram(v.getKey(), CelEnvironment.program(env, ast, valueKey, name)));
      // Later expressions see it with the type the checker inferred, so mistakes surface here, not per event.
      env = CelEnvironment.with(env, v.getKey(), ast.getResultType());
    }
    List<CompiledAction> actions = new ArrayList<>();
    for (int j = 0; j < rule.actions().size(); j++) {
      actions.add(action(env, rule.actions().get(j), key + ".actions[" + j + "]", name,
          values.stream().map(CompiledRule.NamedProgram::name).toList()));
    }
    return new CompiledRule(name, rule.scope(), match, values, actions, null, params, sequential);
  }

  private CompiledAction action(Cel env, RuleConfig.Action a, String key, String rule, List<String> valueNames) {
    if (a == null) {
      throw invalid(key, rule, "is empty");
    }
    if (a.target() == null || !a.target().matches(NAME)) {
      throw invalid(key + ".target", rule, "must name a configured target (letters, digits, '.', '-', '_')"
          + (a.target() == null ? "" : "; got '" + a.target() + "'"));
    }
    ActionKind kind = a.kind() == null ? null : kinds.get(a.kind()).orElse(null);
    if (kind == null) {
      throw invalid(key + ".kind", rule, "must be one of " + kinds.names() + " (got '" + a.kind() + "')");
    }
    String method = a.method() == null ? "POST" : a.method().toUpperCase(Locale.ROOT);
    if (!METHODS.contains(method)) {
      throw invalid(key + ".method", rule, "must be one of " + new TreeSet<>(METHODS) + " (got '" + a.method() + "')");
    }
    String bodyProblem = kind.bodyProblem(a.body() != null && !a.body().isBlank());
    if (bodyProblem != null) {
      throw invalid(key + ".body", rule, bodyProblem);
    }
    CelRuntime.Program forEach = null;
    if (a.forEach() != null) {
      identifier(key + ".as", rule, a.as(), valueNames);
      CelAbstractSyntaxTree ast = CelEnvironment.compile(env, a.forEach(), key + ".forEach", rule);
      CelEnvironment.requireKind(ast, key + ".forEach", rule, "a list", CelKind.LIST);
      forEach = CelEnvironment.program(env, ast, key + ".forEach", rule);
      CelType type = ast.getResultType();
      CelType element = type instanceof ListType list && list.hasElemType() ? list.elemType() : SimpleType.DYN;
      env = CelEnvironment.with(env, a.as(), element);
    }
    CelRuntime.Program when = null;
    if (a.when() != null) {
      CelAbstractSyntaxTree ast = CelEnvironment.compile(env, a.when(), key + ".when", rule);
      CelEnvironment.requireKind(ast, key + ".when", rule, "a boolean", CelKind.BOOL);
      when = CelEnvironment.program(env, ast, key + ".when", rule);
    }
    CelRuntime.Program body = null;
    if (a.body() != null) {
      CelAbstractSyntaxTree ast = CelEnvironment.compile(env, a.body(), key + ".body", rule);
      CelEnvironment.requireKind(ast, key + ".body", rule, "a JSON value (map, list, string, number, bool or null)",
          CelKind.MAP, CelKind.LIST, CelKind.STRING, CelKind.INT, CelKind.UINT, CelKind.DOUBLE, CelKind.BOOL,
          CelKind.NULL_TYPE);
      body = CelEnvironment.program(env, ast, key + ".body", rule);
    }
    PathTemplate path = a.path() == null ? null : PathTemplate.compile(env, a.path(), key + ".path", rule, true);
    Map<String, PathTemplate> headers = new LinkedHashMap<>();
    for (Map.Entry<String, String> h : a.headers().entrySet()) {
      if (!h.getKey().matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
        throw invalid(key + ".headers", rule, "'" + h.getKey() + "' is not a valid header name");
      }
      if (CREDENTIAL_HEADERS.contains(h.getKey().toLowerCase(Locale.ROOT))) {
        throw invalid(key + ".headers." + h.getKey(), rule,
            "credentials belong to the target's configuration, never to a rule");
      }
      headers.put(h.getKey(), PathTemplate.compile(env, h.getValue() == null ? "" : h.getValue(),
          key + ".headers." + h.getKey(), rule, false));
    }
    return new CompiledAction(a.target(), kind.name(), method, path, headers, body, forEach, a.as(), when);
  }

  private RulePlugin plugin(RuleConfig rule, String key) {
    List<String> available = new ArrayList<>();
    for (ServiceLoader.Provider<RulePlugin> provider : ServiceLoader.load(RulePlugin.class, plugins).stream()
        .toList()) {
      RulePlugin candidate;
      try {
        candidate = provider.get();
      } catch (RuntimeException | java.util.ServiceConfigurationError e) {
        throw invalid(key + ".plugin", rule.name(),
            "could not load plugin class " + provider.type().getName() + ": " + e.getMessage());
      }
      if (!rule.plugin().equals(candidate.name())) {
        available.add(candidate.name());
        continue;
      }
      try {
        candidate.configure(rule.params().deepCopy());
      } catch (RuntimeException e) {
        throw invalid(key + ".params", rule.name(), "refused by plugin '" + rule.plugin() + "': " + e.getMessage());
      }
      return candidate;
    }
    throw invalid(key + ".plugin", rule.name(), "no plugin named '" + rule.plugin() + "' on the classpath"
        + (available.isEmpty() ? "" : " (available: " + String.join(", ", new TreeSet<>(available)) + ")"));
  }

  private static void identifier(String key, String rule, String name, List<String> taken) {
    if (name == null || !name.matches(IDENTIFIER) || CelEnvironment.RESERVED.contains(name)) {
      throw invalid(key, rule,
          "'" + name + "' cannot be a variable name (letters, digits and '_', not starting with a digit; not "
              + String.join(", ", new TreeSet<>(Set.of(CelEnvironment.EVENT, CelEnvironment.PARAMS)))
              + " or a CEL keyword)");
    }
    if (taken.contains(name)) {
      throw invalid(key, rule, "'" + name + "' is already a value of this rule");
    }
  }

  private static ConfigException invalid(String key, String rule, String message) {
    return new ConfigException("config key '" + key + "' (rule '" + rule + "'): " + message);
  }
}
