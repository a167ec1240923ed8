package io.hookgate.rules;

import dev.cel.bundle.Cel;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.types.CelKind;
import dev.cel.runtime.CelRuntime;
import io.hookgate.config.ConfigException;

/**
 * The CEL expressions of subscription filters ({@code filter.match}), of the live tail's {@code match} and of
 * the rule dry-run: the rules' language over the same {@code event} variable, compiled when they are given so
 * that a mistake is a 400 naming where it is, not a delivery that never comes. One instance per gateway:
 * building the environment takes a while.
 */
public final class FilterExpressions {
  private static final String KEY = "filter.match";

  private final Cel env = new CelEnvironment().base();

  /**
   * Compiles a filter expression that must give a boolean; throws IllegalArgumentException with the line and
   * column of the first error and the caret under it.
   */
  public CelRuntime.Program compile(String expression) {
    return compile(expression, KEY);
  }

  /**
   * Compiles a filter expression that must give a boolean, {@code key} naming where it was given in the
   * messages ({@code match}).
   */
  public CelRuntime.Program compile(String expression, String key) {
    return compile(expression, key, true);
  }

  /**
   * @param bool whether the expression must give a boolean; the dry-run also shows other values
   * @throws IllegalArgumentException with the line and column of the first error and the caret under it
   */
  CelRuntime.Program compile(String expression, String key, boolean bool) {
    try {
      CelAbstractSyntaxTree ast = CelEnvironment.compile(env, expression, key, "subscription");
      if (bool) {
        CelEnvironment.requireKind(ast, key, "subscription", "a boolean", CelKind.BOOL);
      }
      return CelEnvironment.program(env, ast, key, "subscription");
    } catch (ConfigException e) {
      // The configuration's wording ("config key 'filter.match' (rule 'subscription'): CEL expression ...") is
      // for rules in a file; an API client wants the field and the problem.
      String message = e.getMessage();
      int at = message.indexOf("CEL expression ");
      throw new IllegalArgumentException(
          key + " " + (at < 0 ? message : message.substring(at + "CEL expression ".length())));
    }
  }
}
