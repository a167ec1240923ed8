package io.hookgate.rules;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.hookgate.actions.ActionCodec;
import io.hookgate.actions.ActionRecord;
import io.hookgate.event.OperationalEvents;
import io.hookgate.event.TraceContext;
import io.hookgate.kafka.ConsumerLoop;
import io.hookgate.metrics.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the rules do with one event of the events topic: decode the CloudEvent, evaluate the rules and match the
 * subscriptions, write the resulting actions and deliveries to the actions topic (key = target). The event is finished once every one of its actions
 * is acknowledged; a write that fails fails the event, and its {@link ConsumerLoop} reads the partition again
 * from its first unfinished event, so that no event is skipped and the order of actions per target is kept.
 * Runs on a worker context: the producer may wait for metadata.
 */
final class RulesHandler implements ConsumerLoop.RecordHandler {
  private static final Logger LOG = LoggerFactory.getLogger(RulesHandler.class);

  private final String name;
  private final Producer<String, byte[]> producer;
  private final String actionsTopic;
  private final RuleSet rules;
  private final ActionCodec json;
  private final ObjectMapper mapper;
  private final GatewayMetrics metrics;
  private final Clock clock;
  private final SubscriptionRoutes subscriptions;

  /** @param subscriptions the subscriptions' routes; null for rules alone */
  RulesHandler(String name, Producer<String, byte[]> producer, String actionsTopic, RuleSet rules,
      SubscriptionRoutes subscriptions, ObjectMapper mapper, GatewayMetrics metrics, Clock clock) {
    this.name = name;
    this.producer = producer;
    this.actionsTopic = actionsTopic;
    this.rules = rules;
    this.json = new ActionCodec();
    this.mapper = mapper;
    this.metrics = metrics;
    this.clock = clock;
    this.subscriptions = subscriptions;
  }

  @Override
  public Future<Void> handle(ConsumerRecord<String, byte[]> record) {
    IncomingEvent event;
    try {
      CloudEvent ce = KafkaMessageFactory.createReader(record).toEvent();
      event = IncomingEvent.of(ce, mapper, TraceContext.fromKafka(record.headers()));
    } catch (RuntimeException e) {
      // Not a CloudEvent: nothing any rule could do with it, now or later. Skip it, visibly.
      LOG.warn("Rules consumer {} skipped {}-{}@{}: not a CloudEvent ({})", name, record.topic(), record.partition(),
          record.offset(), e.getMessage());
      metrics.counter("hookgate.rules.records.skipped", "Records of the events topic that are not CloudEvents",
          "reason", "not_a_cloudevent").increment();
      return Future.succeededFuture();
    }
    List<ActionRecord> out = new ArrayList<>();
    // hookgate's own events (the operations topic) are for the subscriptions that ask for them, not for rules.
    boolean operational = OperationalEvents.isOperational(event.type());
    for (RuleResult result : operational ? List.<RuleResult>of() : rules.evaluate(event, mapper, clock.instant())) {
      metrics.ruleEvaluated(result.rule(), result.outcome());
      if (result.error() != null) {
        LOG.warn("Rule {} failed on event {}: {}", result.rule(), event.id(), result.error());
      }
      if (result.emitted() > 0) {
        metrics.actionsEmitted(result.rule(), result.emitted());
      }
      out.addAll(result.actions());
    }
    if (subscriptions != null) {
      List<ActionRecord> deliveries = subscriptions.actionsFor(event, clock.instant(), metrics);
      if (!deliveries.isEmpty()) {
        metrics.actionsEmitted(SubscriptionRoutes.RULE, deliveries.size());
        out.addAll(deliveries);
      }
    }
    return out.isEmpty() ? Future.succeededFuture() : send(out);
  }

  /** Completes once every action is acknowledged (or dropped as unwritable); fails on the first failed write. */
  private Future<Void> send(List<ActionRecord> actions) {
    Promise<Void> all = Promise.promise();
    AtomicInteger remaining = new AtomicInteger(actions.size());
    AtomicReference<Exception> failure = new AtomicReference<>();
    Runnable oneDone = () -> {
      if (remaining.decrementAndGet() == 0) {
        complete(all, failure.get());
      }
    };
    for (int i = 0; i < actions.size(); i++) {
      ActionRecord action = actions.get(i);
      byte[] value;
      try {
        value = json.write(action);
      } catch (RuntimeException e) {
        dropped(action, e);
        oneDone.run();
        continue;
      }
      try {
        producer.send(new ProducerRecord<>(actionsTopic, action.target(), value), (metadata, error) -> {
          if (error != null && unwritable(error)) {
            dropped(action, error);
          } else if (error != null) {
            failure.compareAndSet(null, error);
          }
          oneDone.run();
        });
      } catch (RuntimeException e) {
        if (unwritable(e)) {
          dropped(action, e);
          oneDone.run();
          continue;
        }
        // Not sent, and neither are the ones after it: they would overtake it. The partition is read again.
        failure.compareAndSet(null, e);
        if (remaining.addAndGet(-(actions.size() - i)) == 0) {
          complete(all, failure.get());
        }
        break;
      }
    }
    return all.future();
  }

  private static void complete(Promise<Void> promise, Exception failure) {
    if (failure == null) {
      promise.complete();
    } else {
      promise.fail(failure);
    }
  }

  /**
   * An error that comes from the record itself (too large for the topic, not serializable): writing it again
   * would fail again, and reading the partition again for it would stop it for good.
   */
  private static boolean unwritable(Exception e) {
    return e instanceof RecordTooLargeException || e instanceof SerializationException
        || e instanceof InvalidRecordException;
  }

  private void dropped(ActionRecord action, Exception e) {
    LOG.error("Rules consumer {}: action {} (rule {}, target {}) cannot be written to {} and is dropped: {}", name,
        action.id(), action.rule(), action.target(), actionsTopic, e.toString());
    metrics.counter("hookgate.rules.actions.dropped", "Actions that could not be written to the actions topic",
        "rule", action.rule(), "reason", e.getClass().getSimpleName()).increment();
  }
}
