package io.hookgate.rules;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A rule written in Java, for logic that is awkward as CEL expressions. Implementations are found with
 * {@link java.util.ServiceLoader}: list the class in {@code META-INF/services/io.hookgate.rules.RulePlugin}
 * and put the jar on the classpath. A rule uses one by name:
 *
 * <pre>
 * rules:
 *   - name: kili-quality
 *     plugin: kili-box-quality
 *     scope: { sources: [kili] }
 *     match: event.type == 'labeling.label.submitted'
 *     params: { target: kili, maxBoxes: 1 }
 * </pre>
 *
 * <p>Life cycle: for each rule naming it, hookgate creates a new instance (public no-argument
 * constructor), calls {@link #configure} once at start-up, then {@link #evaluate} for every event in the
 * rule's scope that passes its {@code match}. The actions returned are emitted in order; with the rule's
 * default {@code ordering: sequential} each runs only after the previous one succeeded.
 *
 * <p>Contract: {@link #evaluate} may be called from several threads at once and must not block (no I/O):
 * it decides what to call, hookgate makes the calls, with retries. It must be deterministic for a given
 * event: after a restart or a rebalance an event may be evaluated again, and the same actions (same ids)
 * let receivers drop the duplicates. An exception counts as the rule's error for that event (logged and
 * counted as {@code hookgate_rules_events_total{outcome="error"}}); the event is not retried.
 */
public interface RulePlugin {

  /** The name rules refer to in {@code plugin:}. */
  String name();

  /**
   * Receives the rule's {@code params} (a JSON object, empty when none) once, before any event.
   *
   * @throws IllegalArgumentException when the params are wrong; start-up stops with the message, which
   *     must not contain secrets
   */
  void configure(JsonNode params);

  /** The actions for this event, in order; empty for none. */
  List<ActionSpec> evaluate(RuleEvent event);
}
