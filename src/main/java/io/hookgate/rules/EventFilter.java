package io.hookgate.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import io.hookgate.event.OperationalEvents;
import io.hookgate.kafka.HeaderText;
import io.hookgate.subscriptions.SubscriptionFilter;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Whether an event passes a {@link SubscriptionFilter}: its sources, projects, batches and types, then its CEL
 * {@code match} over {@code event}. The one implementation of a filter's meaning, for subscriptions'
 * deliveries, the live tail's streams and the rule dry-run. Immutable and thread-safe once compiled.
 *
 * <p>A field that is absent passes every event; an event without a project or batch fails a list of them;
 * hookgate's own events ({@code hookgate.*}) only pass a filter whose {@code types} name them.
 */
public final class EventFilter {
  /** What was decided about one event, for the dry-run: which field refused it, and what {@code match} gave. */
  public record Verdict(String refusedBy, JsonNode value, String error) {
    public boolean matched() {
      return refusedBy == null;
    }
  }

  /** A field that refuses the events outside it. */
  public static final String SOURCES = "sources";
  public static final String PROJECTS = "projects";
  public static final String BATCHES = "batches";
  public static final String TYPES = "types";
  public static final String MATCH = "match";
  private static final Verdict PASSED = new Verdict(null, null, null);
  private static final String SOURCE_PREFIX = "/sources/";

  private final SubscriptionFilter filter;
  private final CelRuntime.Program match;
  private final boolean booleanMatch;

  private EventFilter(SubscriptionFilter filter, CelRuntime.Program match, boolean booleanMatch) {
    this.filter = filter;
    this.match = match;
    this.booleanMatch = booleanMatch;
  }

  /**
   * Compiles a filter; its {@code match} must give a boolean.
   *
   * @param matchKey where the match expression was given, for the message ({@code filter.match}, {@code match})
   * @throws IllegalArgumentException when {@code match} does not compile: the message names the line and column
   */
  public static EventFilter compile(SubscriptionFilter filter, FilterExpressions expressions, String matchKey) {
    return new EventFilter(filter, filter.match() == null ? null : expressions.compile(filter.match(), matchKey),
        true);
  }

  /**
   * A CEL expression alone, for the dry-run: whatever type it gives, its value is shown, and the event matches
   * when it gives {@code true}.
   *
   * @throws IllegalArgumentException when it does not compile: the message names the line and column
   */
  public static EventFilter expression(String expression, FilterExpressions expressions, String key) {
    return new EventFilter(new SubscriptionFilter(null, null, null, null, expression),
        expressions.compile(expression, key, false), false);
  }

  /**
   * Whether the event is refused by what its Kafka record says outside its data, so that it need not be
   * decoded: its source and type (the {@code ce_source} and {@code ce_type} headers) and its key, which is the
   * event's project whenever it has one (docs/event-contract.md), so that an event whose key is none of the
   * projects has another project or none. False says nothing: the event may still be refused.
   *
   * @param source the {@code ce_source} header ({@code /sources/kili}), or null
   * @param type the {@code ce_type} header, or null
   * @param key the record's key, or null
   */
  public boolean refusedAtSight(String source, String type, String key) {
    if (filter.sources() != null && source != null && source.startsWith(SOURCE_PREFIX)
        && !filter.sources().contains(source.substring(SOURCE_PREFIX.length()))) {
      return true;
    }
    if (type != null && (!filter.acceptsType(type)
        || filter.types() == null && OperationalEvents.isOperational(type))) {
      return true;
    }
    return filter.projects() != null && key != null && !filter.projects().contains(key);
  }

  /**
   * The projects the filter takes, or null for any: an event keyed with another project is refused at sight,
   * so that a reader may look up the filters that name a record's key instead of asking each.
   */
  public List<String> projects() {
    return filter.projects();
  }

  /** {@link #refusedAtSight(String, String, String)} with the record's {@code ce_source}, {@code ce_type} and key. */
  public boolean refusedAtSight(ConsumerRecord<String, byte[]> record) {
    return refusedAtSight(HeaderText.last(record.headers(), "ce_source"), HeaderText.last(record.headers(), "ce_type"),
        record.key());
  }

  /** Whether the event passes; an expression that fails on it (a missing field...) does not. */
  public boolean matches(TopicEvent event) {
    try {
      return refusal(event.incoming()) == null;
    } catch (CelEvaluationException | RuntimeException e) {
      return false;
    }
  }

  /** The verdict with the match's value (or why it could not be evaluated), for showing. */
  public Verdict explain(TopicEvent event) {
    IncomingEvent e = event.incoming();
    String refused = fields(e);
    if (refused != null) {
      return new Verdict(refused, null, null);
    }
    if (match == null) {
      return PASSED;
    }
    Object value;
    try {
      value = match.eval(Map.of(CelEnvironment.EVENT, e.cel()));
    } catch (CelEvaluationException | RuntimeException ex) {
      return new Verdict(MATCH, null, ex.getMessage());
    }
    JsonNode shown;
    try {
      shown = CelValues.toJson(value);
    } catch (IllegalArgumentException ex) {
      return new Verdict(MATCH, null, ex.getMessage());
    }
    if (value instanceof Boolean b) {
      return new Verdict(b ? null : MATCH, shown, null);
    }
    return new Verdict(MATCH, shown, booleanMatch ? "match must give true or false, got " + CelValues.toText(value)
        : null);
  }

  /**
   * The field that refuses the event, or null when it passes.
   *
   * @throws CelEvaluationException or a runtime exception when {@code match} fails on the event
   */
  String refusal(IncomingEvent event) throws CelEvaluationException {
    String refused = fields(event);
    if (refused != null || match == null) {
      return refused;
    }
    Object value = match.eval(Map.of(CelEnvironment.EVENT, event.cel()));
    return RuleSet.isTrue(value, MATCH) ? null : MATCH;
  }

  private String fields(IncomingEvent event) {
    if (!includes(filter.sources(), event.sourceName())) {
      return SOURCES;
    }
    if (!includes(filter.projects(), event.projectId())) {
      return PROJECTS;
    }
    if (!filter.acceptsType(event.type())
        || filter.types() == null && OperationalEvents.isOperational(event.type())) {
      return TYPES;
    }
    // Last of the lists: the batch is read from the data, which the others do not need.
    if (filter.batches() != null && !filter.acceptsBatch(event.batchId())) {
      return BATCHES;
    }
    return null;
  }

  private static boolean includes(List<String> list, String value) {
    return list == null || value != null && list.contains(value);
  }
}
