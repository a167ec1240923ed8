package io.hookgate.rules;

import com.fasterxml.jackson.databind.ObjectMapper;
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
  private final EventFilter filter;
  private final ObjectMapper mapper;
  private final Instant resentAt;

  public SubscriptionReplay(Subscription subscription, FilterExpressions expressions, ObjectMapper mapper,
      Instant resentAt) {
    this.subscription = subscription;
    this.filter = EventFilter.compile(subscription.filter(), expressions, "filter.match");
    this.mapper = mapper;
    this.resentAt = resentAt;
  }

  /** The delivery of this event record, if the subscription takes it; empty for records that are not events. */
  public Optional<ActionRecord> deliveryOf(ConsumerRecord<String, byte[]> record, Instant now) {
    // Most records of a time range are another project's, source's or type's: refused from the headers and the
    // key, as the live tail does, rather than decoded (the CloudEvent and its data) only to be refused.
    if (filter.refusedAtSight(record)) {
      return Optional.empty();
    }
    IncomingEvent event;
    try {
      event = IncomingEvent.of(KafkaMessageFactory.createReader(record).toEvent(), mapper,
          TraceContext.fromKafka(record.headers()));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
    if (!filter.matches(new TopicEvent(event))) {
      return Optional.empty();
    }
    return Optional.of(SubscriptionRoutes.delivery(subscription, event, now, resentAt));
  }
}
