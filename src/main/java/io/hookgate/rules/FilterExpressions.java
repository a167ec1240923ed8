package io.hookgate.rules;

import dev.cel.bundle.Cel;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.types.CelKind;
import dev.cel.runtime.CelRuntime;
import io.hookgate.config.ConfigException;

/**
 * The CEL expressions of subscription filters ({@code filter.match}): the rules' language over the same
 * {@code event} variable, compiled when a subscription is written so that a mistake is a 400 naming where it
 * is, not a delivery that never comes. One instance per gateway: building the environment takes a while.
 */
public final class FilterExpressions {
  private static final String KEY = "filter.match";

  private final Cel env = new CelEnvironment().base();

  /**
   * Compiles a filter expression that must give a boolean; throws IllegalArgumentException with the line and
   * column of the first error and the caret under it.
   */
  public CelRuntime.Program compile(String expression) {
    try {
      CelAbstractSyntaxTree ast = CelEnvironment.compile(env, expression, KEY, "subscription");
      CelEnvironment.requireKind(ast, KEY, "subscription", "a boolean", CelKind.BOOL);
      return CelEnvironment.program(env, ast, KEY, "subscription");
    } catch (ConfigException e) {
      // The configuration's wording ("config key 'filter.match' (rule 'subscription'): CEL expression ...") is
      // for rules in a file; an API client wants the field and the problem.
      String message = e.getMessage();
      int at = message.indexOf("CEL expression ");
      throw new IllegalArgumentException(KEY + " " + (at < 0 ? message : message.substring(at + "CEL expression ".length())));
    }
  }
}
