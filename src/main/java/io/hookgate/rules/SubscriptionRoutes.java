package io.hookgate.rules;

import dev.cel.runtime.CelEvaluationException;
import io.hookgate.actions.ActionRecord;
import io.hookgate.metrics.GatewayMetrics;
import io.hookgate.subscriptions.Subscription;
import io.hookgate.subscriptions.SubscriptionIndex;
import io.hookgate.subscriptions.SubscriptionStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which subscriptions an event goes to: the candidates the {@link SubscriptionIndex} gives for its source and
 * project, then each one's types, batches and CEL {@code match}. A match is a {@code forward} action to the
 * subscription (target {@code subscriptions/<id>}), written to the actions topic beside the rules' actions, so
 * that deliveries get the same retries, breaker, dead letters and delivery log. A paused subscription matches
 * too: its deliveries are held in the actions topic until it is resumed.
 */
public final class SubscriptionRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(SubscriptionRoutes.class);
  /** The {@code rule} of subscription deliveries, and their label in the rules' metrics. */
  public static final String RULE = "subscriptions";

  /** A subscription with its compiled filter. */
  record Route(Subscription subscription, EventFilter filter) {
  }

  private final SubscriptionIndex<Route> index;

  public SubscriptionRoutes(SubscriptionStore store, FilterExpressions expressions) {
    this.index = new SubscriptionIndex<>(s -> new Route(s, compile(s, expressions)));
    store.listen(index);
    index.load(store.snapshot());
  }

  private static EventFilter compile(Subscription s, FilterExpressions expressions) {
    try {
      return EventFilter.compile(s.filter(), expressions, "filter.match");
    } catch (IllegalArgumentException e) {
      // Compiled when it was written, so only a newer hookgate's expression an older one cannot read.
      LOG.error("Subscription {}: its filter does not compile here ({}); it matches nothing", s.id(),
          e.getMessage());
      return EventFilter.expression("false", expressions, "filter.match");
    }
  }

  int size() {
    return index.size();
  }

  /**
   * The delivery of an event to a subscription: a forward action to {@code subscriptions/<id>}, whose id (and so
   * Idempotency-Key) is the same however often it is made.
   *
   * @param resentAt for a replay: when it was asked for (see {@link ActionRecord#resentAt()}); null otherwise
   */
  static ActionRecord delivery(Subscription s, IncomingEvent event, Instant now, Instant resentAt) {
    return new ActionRecord(event.id() + ":" + s.targetName(), event.id(), event.type(), event.sourceName(),
        event.projectId(), RULE, s.targetName(), "forward", "POST", "", Map.of(), event.structured(), List.of(), 1,
        now, null, null, event.trace(), resentAt);
  }

  /** The deliveries of this event, one per subscription it matches. */
  List<ActionRecord> actionsFor(IncomingEvent event, Instant now, GatewayMetrics metrics) {
    List<Route> candidates = index.candidates(event.sourceName(), event.projectId());
    if (candidates.isEmpty()) {
      return List.of();
    }
    List<ActionRecord> out = new ArrayList<>();
    for (Route route : candidates) {
      Subscription s = route.subscription();
      try {
        if (route.filter().refusal(event) != null) {
          continue;
        }
      } catch (CelEvaluationException | RuntimeException e) {
        LOG.warn("Subscription {}: its filter failed on event {}: {}", s.id(), event.id(), e.getMessage());
        metrics.counter("hookgate.subscriptions.filter.errors", "Subscription filters that failed on an event")
            .increment();
        continue;
      }
      out.add(delivery(s, event, now, null));
    }
    return out;
  }
}
