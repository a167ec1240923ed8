package io.hookgate.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.actions.ActionKind;
import io.hookgate.actions.ActionKinds;
import io.hookgate.actions.ActionRecord;
import io.hookgate.config.ConfigException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The compiled rules, in configuration order. Evaluation is pure computation (no I/O) and deterministic:
 * the same event gives the same actions with the same ids, {@code <eventId>:<rule>:<index>}, index
 * counting the rule's actions from 0 in emission order.
 */
public final class RuleSet {
  /**
   * Actions one rule may give for one event. A sequential chain nests each action in the previous one's
   * {@code then}; past a few hundred levels the record no longer fits JSON parsers' nesting limits or
   * Kafka's record size, so a runaway forEach is an error rather than a record nobody can read.
   */
  public static final int MAX_ACTIONS_PER_RULE = 100;

  /** Where a rule names a target or a source, for checking it against the configured ones. */
  record Reference(String rule, String key, String name) {
  }

  private final List<CompiledRule> rules;
  private final List<Reference> targets;
  private final List<Reference> sources;
  private final ActionKinds kinds;

  RuleSet(List<CompiledRule> rules, List<Reference> targets, List<Reference> sources, ActionKinds kinds) {
    this.rules = List.copyOf(rules);
    this.targets = List.copyOf(targets);
    this.sources = List.copyOf(sources);
    this.kinds = kinds;
  }

  /**
   * Stops start-up when a rule's action names a target that is not configured: its actions could only ever
   * be dead letters. (A plugin's targets are only known per event; the action consumers dead-letter those.)
   */
  public void requireTargets(Set<String> configured) {
    require(targets, configured, "target", "targets");
  }

  /**
   * Stops start-up when a rule's {@code scope.sources} names a source that is not configured: a typo there
   * would silently keep the rule from ever matching.
   */
  public void requireSources(Set<String> configured) {
    require(sources, configured, "source", "sources");
  }

  private static void require(List<Reference> references, Set<String> configured, String what, String section) {
    for (Reference r : references) {
      if (!configured.contains(r.name())) {
        throw new ConfigException("config key '" + r.key() + "' (rule '" + r.rule() + "'): no " + what + " named '"
            + r.name() + "' under " + section + ":" + (configured.isEmpty() ? " (none configured)"
                : " (configured: " + String.join(", ", new TreeSet<>(configured)) + ")"));
      }
    }
  }

  public boolean isEmpty() {
    return rules.isEmpty();
  }

  public List<String> names() {
    return rules.stream().map(CompiledRule::name).toList();
  }

  /** One result per rule whose scope covers the event (rules out of scope are not mentioned). */
  List<RuleResult> evaluate(IncomingEvent event, ObjectMapper mapper, Instant now) {
    List<RuleResult> results = new ArrayList<>();
    for (CompiledRule rule : rules) {
      if (!rule.inScope(event)) {
        continue;
      }
      try {
        List<ActionSpec> specs = rule.evaluate(event);
        if (specs == null) {
          results.add(new RuleResult(rule.name(), RuleResult.NOT_MATCHED, List.of(), 0, null));
          continue;
        }
        if (specs.size() > MAX_ACTIONS_PER_RULE) {
          results.add(new RuleResult(rule.name(), RuleResult.ERROR, List.of(), 0, "the rule gives " + specs.size()
              + " actions for this event, more than " + MAX_ACTIONS_PER_RULE));
          continue;
        }
        results.add(new RuleResult(rule.name(), RuleResult.MATCHED, records(rule, event, specs, mapper, now),
            specs.size(), null));
      } catch (Exception e) {
        results.add(new RuleResult(rule.name(), RuleResult.ERROR, List.of(), 0, describe(e)));
      }
    }
    return results;
  }

  private List<ActionRecord> records(CompiledRule rule, IncomingEvent event, List<ActionSpec> specs,
      ObjectMapper mapper, Instant now) {
    List<ActionRecord> built = new ArrayList<>(specs.size());
    for (int i = 0; i < specs.size(); i++) {
      built.add(record(rule.name(), i, specs.get(i), event, mapper, now, List.of()));
    }
    if (!rule.sequential() || built.size() < 2) {
      return built;
    }
    // Sequential: each action carries the rest of the chain, so the next is emitted only once it succeeded.
    ActionRecord next = null;
    for (int i = built.size() - 1; i >= 0; i--) {
      ActionRecord r = built.get(i);
      next = withThen(r, next == null ? List.of() : List.of(next));
    }
    return List.of(next);
  }

  private ActionRecord record(String rule, int index, ActionSpec spec, IncomingEvent event, ObjectMapper mapper,
      Instant now, List<ActionRecord> then) {
    if (spec.target() == null || spec.target().isBlank()) {
      throw new IllegalArgumentException("action " + index + " has no target");
    }
    ActionKind kind = kinds.get(spec.kind()).orElseThrow(() -> new IllegalArgumentException(
        "action " + index + " has an unknown kind '" + spec.kind() + "'"));
    JsonNode body = kind.carriesEvent() ? event.structured() : spec.body();
    return new ActionRecord(event.id() + ":" + rule + ":" + index, event.id(), event.type(), event.sourceName(),
        event.projectId(), rule,
        spec.target(), kind.name(), spec.method() == null ? "POST" : spec.method(),
        spec.path() == null ? "" : spec.path(),
        spec.headers(), body, then, 1, now, null, null, event.trace());
  }

  private static ActionRecord withThen(ActionRecord r, List<ActionRecord> then) {
    return new ActionRecord(r.id(), r.eventId(), r.eventType(), r.source(), r.projectId(), r.rule(), r.target(),
        r.kind(), r.method(), r.path(), r.headers(), r.body(), then, r.attempt(), r.createdAt(), r.notBefore(),
        r.lastError(), r.trace());
  }

  static boolean isTrue(Object value, String what) {
    if (value instanceof Boolean b) {
      return b;
    }
    throw new IllegalArgumentException(what + " must give true or false, got " + CelValues.toText(value));
  }

  private static String describe(Exception e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
