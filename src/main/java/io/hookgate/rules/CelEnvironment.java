package io.hookgate.rules;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.CelType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import io.hookgate.config.ConfigException;
import java.util.Set;

/**
 * The CEL environment every rule expression is compiled in: the variables {@code event} and
 * {@code params} (both {@code map(string, dyn)}), the standard macros ({@code has}, {@code all},
 * {@code exists}, {@code exists_one}, {@code map}, {@code filter}), optional syntax ({@code a.?b}), and the
 * strings, lists, math and sets extensions ({@code join}, {@code flatten}, {@code distinct},
 * {@code math.greatest} ...). Numbers of different types compare as numbers, so {@code areaRatio > 0.33}
 * and {@code count > 1} both work whatever JSON made them. Comprehensions are capped so that no event can
 * make an expression run away.
 */
final class CelEnvironment {
  static final String EVENT = "event";
  static final String PARAMS = "params";
  /** Names a value or a forEach variable may not take. */
  static final Set<String> RESERVED = Set.of(EVENT, PARAMS, "true", "false", "null", "in", "as", "break", "const",
      "continue", "else", "for", "function", "if", "import", "let", "loop", "package", "namespace", "return", "var",
      "void", "while");
  private static final int MAX_ITERATIONS = 100_000;

  private final Cel base;

  CelEnvironment() {
    CelOptions options = CelOptions.current()
        .enableHeterogeneousNumericComparisons(true)
        .enableOptionalSyntax(true)
        .comprehensionMaxIterations(MAX_ITERATIONS)
        .build();
    base = CelFactory.standardCelBuilder()
        .setOptions(options)
        .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
        .addCompilerLibraries(CelExtensions.optional(), CelExtensions.strings(), CelExtensions.lists(),
            CelExtensions.math(options), CelExtensions.sets(options))
        .addRuntimeLibraries(CelExtensions.optional(), CelExtensions.strings(), CelExtensions.lists(),
            CelExtensions.math(options), CelExtensions.sets(options))
        .addVar(EVENT, MapType.create(SimpleType.STRING, SimpleType.DYN))
        .addVar(PARAMS, MapType.create(SimpleType.STRING, SimpleType.DYN))
        .build();
  }

  Cel base() {
    return base;
  }

  /** The environment plus one more variable. */
  static Cel with(Cel env, String name, CelType type) {
    return env.toCelBuilder().addVar(name, type).build();
  }

  /**
   * Compiles and type-checks one expression.
   *
   * @param key where it is in the configuration ({@code rules[0].match}), for the message
   * @param rule the rule's name, for the message
   * @throws ConfigException naming the rule, the key, and the line and column of the first error
   */
  static CelAbstractSyntaxTree compile(Cel env, String expression, String key, String rule) {
    CelValidationResult result = env.compile(expression, key);
    if (!result.hasError()) {
      try {
        return result.getAst();
      } catch (CelValidationException e) {
        throw failure(key, rule, e.getMessage());
      }
    }
    CelIssue first = result.getErrors().get(0);
    String where = "line " + first.getSourceLocation().getLine() + ", column "
        + (first.getSourceLocation().getColumn() + 1);
    throw failure(key, rule,
        "does not compile at " + where + ": " + first.getMessage() + snippet(result.getErrorString()));
  }

  /**
   * The expression line and the caret under the first error, from CEL's error text (whose first line repeats
   * the message), each on a line of its own so that Main logs them one under the other.
   */
  private static String snippet(String errors) {
    StringBuilder out = new StringBuilder();
    String[] lines = errors.split("\n");
    for (int i = 1; i < lines.length && lines[i].startsWith(" |"); i++) {
      out.append('\n').append(lines[i]);
    }
    return out.toString();
  }

  /** Rejects an expression whose static type cannot give what its place needs. */
  static void requireKind(CelAbstractSyntaxTree ast, String key, String rule, String what, CelKind... allowed) {
    CelType type = ast.getResultType();
    if (type.kind().isDyn() || type.kind() == CelKind.ANY) {
      return;
    }
    for (CelKind k : allowed) {
      if (type.kind() == k) {
        return;
      }
    }
    throw failure(key, rule, "must give " + what + ", but this expression gives " + type.name());
  }

  static CelRuntime.Program program(Cel env, CelAbstractSyntaxTree ast, String key, String rule) {
    try {
      return env.createProgram(ast);
    } catch (CelEvaluationException e) {
      throw failure(key, rule, "cannot be planned: " + e.getMessage());
    }
  }

  static ConfigException failure(String key, String rule, String message) {
    return new ConfigException("config key '" + key + "' (rule '" + rule + "'): CEL expression " + message);
  }
}
