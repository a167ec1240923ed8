package io.hookgate.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.hookgate.event.EventPublisher;
import io.vertx.core.Context;
import io.vertx.core.Future;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes each delivery outcome into the two logs it belongs to (the target's, and the subscription's:
 * target + source + project) in the compacted delivery-status topic.
 *
 * <p>Read-modify-write is safe because a target has a single writer at a time: actions are keyed by
 * target, so one target's actions are in one partition, consumed by one member of the group. A new owner
 * after a rebalance starts from what the store has read, and versions keep increasing.
 */
public final class DeliveryRecorder {
  /** The most of a response body kept in {@code lastError.body}. */
  public static final int MAX_BODY_CHARS = 2048;

  private final DeliveryStatusStore store;
  private final EventPublisher publisher;
  private final String topic;
  private final ObjectMapper mapper;

  public DeliveryRecorder(DeliveryStatusStore store, EventPublisher publisher, String topic, ObjectMapper mapper) {
    this.store = store;
    this.publisher = publisher;
    this.topic = topic;
    this.mapper = mapper;
  }

  /** Updates both logs locally and in the topic; completes once Kafka has acknowledged both. */
  public Future<Void> record(Context context, DeliveryOutcome outcome) {
    String targetKey = DeliveryStatusStore.key(outcome.target());
    String subscriptionKey = DeliveryStatusStore.key(outcome.target(), outcome.source(), outcome.projectId());
    DeliveryStatus target = next(store.get(targetKey)
        .orElse(DeliveryStatus.empty(outcome.target(), null, null)), outcome, true);
    DeliveryStatus subscription = next(store.get(subscriptionKey)
        .orElse(DeliveryStatus.empty(outcome.target(), outcome.source(), outcome.projectId())), outcome, false);
    store.apply(targetKey, target);
    store.apply(subscriptionKey, subscription);
    return Future.all(write(context, targetKey, target), write(context, subscriptionKey, subscription)).mapEmpty();
  }

  private Future<?> write(Context context, String key, DeliveryStatus status) {
    byte[] value;
    try {
      value = mapper.writeValueAsBytes(status);
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
    return publisher.publish(context, new ProducerRecord<>(topic, key, value));
  }

  DeliveryStatus next(DeliveryStatus previous, DeliveryOutcome o, boolean targetLevel) {
    DeliveryStatus.Counts c = previous.counts();
    boolean failed = o.called() && o.result() != DeliveryOutcome.Result.SUCCESS;
    DeliveryStatus.Counts counts = new DeliveryStatus.Counts(
        c.attempts() + (o.called() ? 1 : 0),
        c.successes() + (o.result() == DeliveryOutcome.Result.SUCCESS ? 1 : 0),
        c.failures() + (failed ? 1 : 0),
        c.retries() + (o.result() == DeliveryOutcome.Result.RETRY ? 1 : 0),
        c.deadLetters() + (o.result() == DeliveryOutcome.Result.DEAD_LETTER ? 1 : 0),
        c.deferred() + (o.result() == DeliveryOutcome.Result.DEFERRED ? 1 : 0));
    DeliveryStatus.LastCall lastCall = o.called()
        ? new DeliveryStatus.LastCall(o.statusCode(), o.message(), o.at()) : previous.lastCall();
    boolean error = failed || o.result() == DeliveryOutcome.Result.DEAD_LETTER;
    DeliveryStatus.LastError lastError = error
        ? new DeliveryStatus.LastError(o.statusCode(), o.message(), body(o.body()), o.at()) : previous.lastError();
    String breaker = targetLevel ? (o.breaker() != null ? o.breaker() : previous.breaker()) : null;
    return new DeliveryStatus(previous.target(), previous.source(), previous.projectId(), lastCall, lastError, counts,
        breaker, o.at(), previous.version() + 1);
  }

  /** The body as JSON when it is complete JSON within the limit, else its first 2 KB as text. */
  JsonNode body(String body) {
    if (body == null || body.isEmpty()) {
      return null;
    }
    if (body.length() <= MAX_BODY_CHARS) {
      try {
        JsonNode json = mapper.readTree(body);
        if (json != null && json.isContainerNode()) {
          return json;
        }
      } catch (Exception e) {
        // Not JSON: kept as text.
      }
      return TextNode.valueOf(body);
    }
    return TextNode.valueOf(body.substring(0, MAX_BODY_CHARS) + "…");
  }
}
