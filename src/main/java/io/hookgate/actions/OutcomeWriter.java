package io.hookgate.actions;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hookgate.delivery.DeliveryOutcome;
import io.hookgate.delivery.DeliveryRecorder;
import io.hookgate.delivery.DeliveryStatus;
import io.hookgate.event.OperationalEvents;
import io.hookgate.event.TraceContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what became of an action, durably, before its record may be committed: the {@code then} actions on
 * success, a retry record with its due time on a retryable failure, a postponement, a dead-letter record when
 * permanent or exhausted, and always the delivery log (with the attempt, for a subscription's recent attempts).
 * Every write is repeated until Kafka acknowledges it ({@link Durably}), unless the consumer is stopping. Runs on
 * the action consumer's context.
 */
final class OutcomeWriter {
  private static final Logger LOG = LoggerFactory.getLogger(ActionConsumerVerticle.class);
  /** One line per call made to a target, like {@code hookgate.access} for webhooks. */
  private static final Logger ATTEMPTS = LoggerFactory.getLogger("hookgate.attempt");
  /** The most of a response body an attempt keeps. */
  static final int EXCERPT = 512;

  private final Vertx vertx;
  private final Context context;
  private final ActingContext acting;
  private final ActionTopics topics;
  private final ActionCodec codec;
  private final ActionMetrics metrics;
  private final DeliveryRecorder recorder;
  private final Function<String, RetryPolicy> policies;
  private final Function<String, CircuitBreaker> breakers;
  private final BooleanSupplier stopping;
  private final Consumer<String> delivered;

  /**
   * @param policies a target's retry policy, by target name
   * @param breakers a target's breaker, by target name (null when it has none)
   * @param delivered told the id of each action delivered
   */
  OutcomeWriter(Vertx vertx, Context context, ActingContext acting, Function<String, RetryPolicy> policies,
      Function<String, CircuitBreaker> breakers, BooleanSupplier stopping, Consumer<String> delivered) {
    this.vertx = vertx;
    this.context = context;
    this.acting = acting;
    this.topics = acting.topics();
    this.codec = acting.codec();
    this.metrics = acting.metrics();
    this.recorder = acting.recorder();
    this.policies = policies;
    this.breakers = breakers;
    this.stopping = stopping;
    this.delivered = delivered;
  }

  /**
   * One call, for the attempt it adds to a subscription's log.
   *
   * @param record where the action record is, to send it again
   */
  record Call(ActionCaller.Request request, ConsumerRecord<String, byte[]> record) {
  }

  Future<Void> settle(Target target, ActionRecord action, CallResult result, long nanos, Call call) {
    String summary = target.redact(result.summary());
    String message = target.redact(result.message());
    String body = target.redact(result.body());
    int attempt = Math.max(1, action.attempt());
    if (result.success()) {
      DeliveryStatus.Attempt kept = kept(target, action, result, nanos, call, "success", message, null);
      delivered.accept(action.id());
      metrics.attempt(label(target.name()), "success", nanos);
      logAttempt(target, action, "success", result, message, nanos, null);
      return Durably.write(vertx, "the then-actions of " + action.id(), stopping, () -> emitThen(action))
          .compose(v -> status(target, action, true, DeliveryOutcome.Result.SUCCESS, result.statusCode(), message,
              null, kept));
    }
    if (result.verdict() == CallResult.Verdict.RETRYABLE) {
      RetryPolicy.Decision decision = policies.apply(target.name())
          .next(attempt, action.createdAt(), result.retryAfter(), acting.clock().instant());
      if (decision.retry()) {
        metrics.attempt(label(target.name()), "retry", nanos);
        metrics.retry(label(target.name()));
        ActionRecord next = action.retry(decision.retryAt(), summary);
        DeliveryStatus.Attempt kept = kept(target, action, result, nanos, call, "retry", message, body);
        logAttempt(target, action, "retry", result, message, nanos, decision.retryAt().toString());
        return Durably.write(vertx, "the retry of " + action.id(), stopping,
            () -> acting.publisher().publish(context,
                new ProducerRecord<>(topics.retry(), target.name(), codec.write(next))))
            .compose(v -> status(target, action, true, DeliveryOutcome.Result.RETRY, result.statusCode(), message,
                body, kept));
      }
      metrics.attempt(label(target.name()), "dead_letter", nanos);
      logAttempt(target, action, "dead_letter", result, message, nanos, decision.reason());
      return giveUp(target, action, decision.reason(), result.statusCode(), decision.detail() + "; last error: "
          + summary,
          new Called(message, body, kept(target, action, result, nanos, call, "dead_letter", message, body)));
    }
    String reason = result.verdict() == CallResult.Verdict.REFUSED ? "refused" : "permanent";
    if (!result.sent()) {
      // Refused by SSRF protection before anything was sent: no call, as for an action that cannot be built.
      return giveUp(target, action, reason, null, summary, null);
    }
    metrics.attempt(label(target.name()), "dead_letter", nanos);
    logAttempt(target, action, "dead_letter", result, message, nanos, reason);
    return giveUp(target, action, reason, result.statusCode(), summary, new Called(message, body,
        kept(target, action, result, nanos, call, "dead_letter", message, body)));
  }

  /** The start of a response body as an attempt keeps it: its first {@value #EXCERPT} characters. */
  static String excerpt(String body) {
    return body == null || body.length() <= EXCERPT ? body : body.substring(0, EXCERPT) + "…";
  }

  /**
   * The attempt a subscription's log keeps (null for a configured target): the request as sent, its secret
   * header values masked, and the start of the answer.
   */
  private DeliveryStatus.Attempt kept(Target target, ActionRecord action, CallResult result, long nanos, Call call,
      String outcome, String message, String body) {
    if (call == null || !SubscriptionTargets.names(target.name())) {
      return null;
    }
    Map<String, String> headers = target.masked(call.request().headers());
    String excerpt = excerpt(body);
    ConsumerRecord<String, byte[]> r = call.record();
    return new DeliveryStatus.Attempt(action.id() + "#" + Math.max(1, action.attempt()) + "@"
        + acting.clock().millis(), action.eventId(), action.id(), Math.max(1, action.attempt()),
        acting.clock().instant().truncatedTo(ChronoUnit.MILLIS), outcome, call.request().method().name(),
        call.request().uri().toString(), headers, result.statusCode(), TimeUnit.NANOSECONDS.toMillis(nanos),
        excerpt, result.success() ? null : message,
        r == null ? null : r.topic() + "-" + r.partition() + "@" + r.offset());
  }

  /**
   * One {@code hookgate.attempt} line per call, with its facts as key-value pairs (separate JSON fields with
   * {@code HOOKGATE_LOG_FORMAT=json}). {@code message} is the status line or what went wrong without an
   * answer, already redacted; the response body is not logged (it is in the delivery status API).
   *
   * @param detail for a retry, when it is due; for a dead letter, the reason
   */
  static void logAttempt(Target target, ActionRecord action, String outcome, CallResult result,
      String message, long nanos, String detail) {
    if (!ATTEMPTS.isInfoEnabled()) {
      return;
    }
    var line = ATTEMPTS.atInfo()
        .addKeyValue("target", target.name())
        .addKeyValue("actionId", action.id())
        .addKeyValue("eventId", action.eventId())
        .addKeyValue("rule", action.rule())
        .addKeyValue("attempt", Math.max(1, action.attempt()))
        .addKeyValue("outcome", outcome)
        .addKeyValue("durationMs", TimeUnit.NANOSECONDS.toMillis(nanos));
    if (result.statusCode() != null) {
      line = line.addKeyValue("statusCode", result.statusCode());
    }
    if (!result.success() && message != null) {
      line = line.addKeyValue("error", message);
    }
    if (detail != null) {
      line = line.addKeyValue(outcome.equals("retry") ? "retryAt" : "reason", detail);
    }
    TraceContext trace = action.trace() == null ? null : action.trace().validated();
    if (trace != null) {
      line = line.addKeyValue("traceId", trace.traceId());
    }
    line.log("Action {} to target {}: attempt {} {}{}", action.id(), target.name(), Math.max(1, action.attempt()),
        outcome, result.statusCode() == null ? "" : " (HTTP " + result.statusCode() + ")");
  }

  /** The call that led to a dead letter, for the delivery log; null when no call was made. */
  record Called(String message, String body, DeliveryStatus.Attempt attempt) {
  }

  Future<Void> giveUp(Target target, ActionRecord action, String reason, Integer statusCode,
      String lastError, Called called) {
    return giveUp(target, action, reason, statusCode, lastError, lastError, called);
  }

  /** @param logged what the WARN line says when no call was made (lastError may hold an earlier call's body) */
  Future<Void> giveUp(Target target, ActionRecord action, String reason, Integer statusCode,
      String lastError, String logged, Called called) {
    String name = target == null ? action.target() : target.name();
    String error = target == null ? lastError : target.redact(lastError);
    logged = target == null ? logged : target.redact(logged);
    metrics.deadLetter(label(name), reason);
    // The answer's status line, not its body (the delivery status API has the start of that): a target's error
    // page may carry anything.
    LOG.warn("Action {} to target {} dead-lettered ({}): {}", action.id(), name, reason, called == null ? logged
        : statusCode == null ? called.message() : "HTTP " + statusCode + " " + called.message());
    RecordHeaders headers = new RecordHeaders();
    headers.add(ActionConsumerVerticle.HEADER_DLQ_REASON, reason.getBytes(StandardCharsets.UTF_8));
    if (statusCode != null) {
      headers.add(ActionConsumerVerticle.HEADER_DLQ_STATUS, statusCode.toString().getBytes(StandardCharsets.UTF_8));
    }
    byte[] value = codec.write(ActionCodec.failed(action, error));
    return Durably.write(vertx, "the dead letter of " + action.id(), stopping,
        () -> acting.publisher().publish(context,
            new ProducerRecord<>(topics.deadLetter(), null, name, value, headers)))
        .compose(v -> exhausted(action, name, reason, statusCode, error))
        .compose(v -> called != null
            ? status(target, action, true, DeliveryOutcome.Result.DEAD_LETTER, statusCode, called.message(),
                called.body(), called.attempt())
            : status(target, action, false, DeliveryOutcome.Result.DEAD_LETTER, statusCode, error, null, null));
  }

  Future<Void> defer(Target target, ActionRecord action, Instant notBefore, String reason) {
    metrics.deferred(label(target.name()), reason);
    LOG.debug("Action {} to target {} postponed to {} ({})", action.id(), target.name(), notBefore, reason);
    byte[] value = codec.write(ActionCodec.deferred(action, notBefore));
    return Durably.write(vertx, "the postponed " + action.id(), stopping,
        () -> acting.publisher().publish(context, new ProducerRecord<>(topics.retry(), target.name(), value)))
        .compose(v -> reason.equals("not-due") ? Future.succeededFuture()
            : status(target, action, false, DeliveryOutcome.Result.DEFERRED, null, null, null, null));
  }

  /**
   * {@code hookgate.attempt.exhausted} for a subscription's delivery given up, so that a subscription filtered on
   * it (a team's Slack channel) hears of it. Not for the deliveries of hookgate's own events, which would make
   * one of a subscription to itself that keeps failing, for ever.
   */
  private Future<Void> exhausted(ActionRecord action, String target, String reason, Integer statusCode,
      String error) {
    if (acting.operations() == null || !SubscriptionTargets.names(target)
        || OperationalEvents.isOperational(action.eventType())) {
      return Future.succeededFuture();
    }
    String subscription = SubscriptionTargets.id(target);
    ObjectNode data = acting.operations().data().put("subscription", subscription).put("eventId", action.eventId())
        .put("eventType", action.eventType()).put("actionId", action.id()).put("attempt", Math.max(1,
            action.attempt()))
        .put("reason", reason).put("lastError", error);
    if (statusCode != null) {
      data.put("statusCode", statusCode);
    }
    return Durably.write(vertx, "the exhausted event of " + action.id(), stopping,
        () -> acting.publisher().publish(context, acting.operations().record(action.id() + ":exhausted",
            OperationalEvents.ATTEMPT_EXHAUSTED, subscription, data)))
        .mapEmpty();
  }

  /**
   * Drops a delivery to a subscription that is gone or disabled: a dead letter with the reason, and no delivery
   * log (there is none to keep).
   */
  Future<Void> drop(ActionRecord action, String reason, String detail) {
    metrics.deadLetter(label(action.target()), reason);
    LOG.info("Action {} to {} dropped ({}): {}", action.id(), action.target(), reason, detail);
    RecordHeaders headers = new RecordHeaders();
    headers.add(ActionConsumerVerticle.HEADER_DLQ_REASON, reason.getBytes(StandardCharsets.UTF_8));
    byte[] value = codec.write(ActionCodec.failed(action, detail));
    return Durably.write(vertx, "the dead letter of " + action.id(), stopping,
        () -> acting.publisher().publish(context, new ProducerRecord<>(topics.deadLetter(), null, action.target(),
            value, headers)))
        .mapEmpty();
  }

  /** Back to the retry topic until {@code notBefore}, without a delivery log (the target is not known here yet). */
  Future<Void> postpone(ActionRecord action, Instant notBefore, String reason) {
    metrics.deferred(label(action.target()), reason);
    byte[] value = codec.write(ActionCodec.deferred(action, notBefore));
    return Durably.write(vertx, "the postponed " + action.id(), stopping,
        () -> acting.publisher().publish(context, new ProducerRecord<>(topics.retry(), action.target(), value)))
        .mapEmpty();
  }

  Future<Void> unreadable(ConsumerRecord<String, byte[]> record, String why) {
    LOG.warn("Record {}-{}@{} on {} is not an action, dead-lettered: {}", record.topic(), record.partition(),
        record.offset(), topics.actions(), why);
    return toDeadLetter(record, "invalid", why);
  }

  /** Copies a record as it is to the dead-letter topic. */
  Future<Void> toDeadLetter(ConsumerRecord<String, byte[]> record, String reason, String why) {
    metrics.deadLetter(record.key() == null ? "unknown" : record.key(), reason);
    RecordHeaders headers = new RecordHeaders();
    headers.add(ActionConsumerVerticle.HEADER_DLQ_REASON, reason.getBytes(StandardCharsets.UTF_8));
    headers.add(ActionConsumerVerticle.HEADER_DLQ_ERROR, why.getBytes(StandardCharsets.UTF_8));
    return Durably.write(vertx, "the record " + record.topic() + "-" + record.partition() + "@" + record.offset(),
        stopping,
        () -> acting.publisher().publish(context,
            new ProducerRecord<>(topics.deadLetter(), null, record.key(), record.value(),
                headers)))
        .mapEmpty();
  }

  private Future<?> emitThen(ActionRecord action) {
    if (action.then().isEmpty()) {
      return Future.succeededFuture();
    }
    Instant now = acting.clock().instant();
    List<Future<?>> writes = new ArrayList<>();
    for (ActionRecord next : action.then()) {
      writes.add(acting.publisher().publish(context, new ProducerRecord<>(topics.actions(), next.target(),
          codec.write(ActionCodec.fresh(next, now)))));
    }
    return Future.all(writes);
  }

  Future<Void> status(Target target, ActionRecord action, boolean called, DeliveryOutcome.Result result,
      Integer statusCode, String message, String body, DeliveryStatus.Attempt attempt) {
    String name = target == null ? action.target() : target.name();
    CircuitBreaker breaker = breakers.apply(name);
    // Dates to the millisecond, as Isahit Lab shows them and as JavaScript dates can hold them.
    DeliveryOutcome outcome = new DeliveryOutcome(name, action.source(), action.projectId(), called, result,
        statusCode, message, body, acting.clock().instant().truncatedTo(ChronoUnit.MILLIS),
        breaker == null ? null : breaker.state().label(), attempt);
    DeliveryRecorder.Update update = recorder.apply(outcome);
    return Durably.write(vertx, "the delivery status of " + name, stopping,
        () -> recorder.persist(context, update));
  }

  /** The {@code target} label of the action meters: one for all subscriptions, whose ids are unbounded. */
  static String label(String target) {
    return SubscriptionTargets.names(target) ? "subscriptions" : target;
  }

  /** A time at or after {@code at}, spread by up to a quarter of {@code window} so postponed actions do not return together. */
  Instant spread(Instant at, Duration window) {
    long bound = Math.max(1, window.toMillis() / 4);
    return at.plusMillis(acting.random().nextLong(bound));
  }
}
