package io.hookgate.rules;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cel.runtime.CelRuntime;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.hookgate.actions.ActionRecord;
import io.hookgate.event.TraceContext;
import io.hookgate.subscriptions.Subscription;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A subscription's deliveries made again from the events topic (a replay): the record of one event in, the
 * delivery it makes if the subscription's filter matches it, exactly as the live matching made it (same action
 * id, so the same Idempotency-Key), marked resent so that it is called although it may have been delivered.
 */
public final class SubscriptionReplay {
  private final Subscription subscription;
  private final CelRuntime.Program match;
  private final ObjectMapper mapper;
  private final Instant resentAt;

  public SubscriptionReplay(Subscription subscription, FilterExpressions expressions, ObjectMapper mapper,
      Instant resentAt) {
    this.subscription = subscription;
    this.match = subscription.filter().match() == null ? null : expressions.compile(subscription.filter().match());
    this.mapper = mapper;
    this.resentAt = resentAt;
  }

  /** The delivery of this event record, if the subscription takes it; empty for records that are not events. */
  public Optional<ActionRecord> deliveryOf(ConsumerRecord<String, byte[]> record, Instant now) {
    IncomingEvent event;
    try {
      event = IncomingEvent.of(KafkaMessageFactory.createReader(record).toEvent(), mapper,
          TraceContext.fromKafka(record.headers()));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
    var f = subscription.filter();
    if (f.sources() != null && !f.sources().contains(event.sourceName())
        || f.projects() != null && !f.projects().contains(event.projectId())
        || !SubscriptionRoutes.matches(subscription, match, event, null)) {
      return Optional.empty();
    }
    return Optional.of(SubscriptionRoutes.delivery(subscription, event, now, resentAt));
  }
}
