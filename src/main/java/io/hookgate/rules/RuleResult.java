package io.hookgate.rules;

import io.hookgate.actions.ActionRecord;
import java.util.List;

/**
 * What one rule made of one event.
 *
 * @param rule the rule's name
 * @param outcome matched, not_matched or error (the {@code outcome} label of
 *     {@code hookgate_rules_events_total})
 * @param actions the records to write to the actions topic, in order; with sequential ordering there is
 *     one, the rest chained in its {@code then}
 * @param emitted how many actions that is in all, chained ones included
 * @param error what went wrong, for the log; null unless the outcome is error
 */
public record RuleResult(String rule, String outcome, List<ActionRecord> actions, int emitted, String error) {
  public static final String MATCHED = "matched";
  public static final String NOT_MATCHED = "not_matched";
  public static final String ERROR = "error";

  public RuleResult {
    actions = actions == null ? List.of() : List.copyOf(actions);
  }
}
