package io.hookgate.actions;

import io.hookgate.delivery.DeliveryOutcome;
import io.hookgate.delivery.DeliveryRecorder;
import io.hookgate.event.EventPublisher;
import io.hookgate.event.TraceContext;
import io.hookgate.kafka.ConsumerLoop;
import io.hookgate.kafka.ConsumerProgress;
import io.hookgate.kafka.ConsumerSettings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes the actions topic. For each action, in this order: a readable record for a configured target
 * (else dead letter), due (else back to the retry topic), a valid request can be built from it (else dead
 * letter {@code refused}), not older than the target's {@code maxAge} (else dead letter), the breaker lets
 * it through (else postponed to when it may), a concurrency and rate slot
 * (waiting without blocking; postponed when the target's queue is full), the call, and then its outcome
 * written durably: the {@code then} actions on success, a retry record with its due time on a retryable
 * failure, a dead-letter record when permanent or exhausted, and always the delivery log. Only then is the
 * record's offset released for commit. A retry never waits here: it waits in the retry topic, so nothing
 * else is held up.
 */
public final class ActionConsumerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ActionConsumerVerticle.class);
  /** One line per call made to a target, like {@code hookgate.access} for webhooks. */
  private static final Logger ATTEMPTS = LoggerFactory.getLogger("hookgate.attempt");
  /** An action due this soon is run now; more than that and it goes back to wait (clock skew between replicas). */
  static final Duration EARLY_TOLERANCE = Duration.ofMillis(500);
  static final int REMEMBERED = 10_000;
  public static final String HEADER_DLQ_REASON = "hookgate-dlq-reason";
  public static final String HEADER_DLQ_STATUS = "hookgate-dlq-status";
  public static final String HEADER_DLQ_ERROR = "hookgate-dlq-error";
  private final ConsumerSettings settings;
  private final ActingContext acting;
  private final ConsumerProgress progress;
  private final ActionTopics topics;
  private final Map<String, Target> targets;
  private final Map<String, CircuitBreaker> breakers;
  private final EventPublisher publisher;
  private final DeliveryRecorder recorder;
  private final ActionCodec codec;
  private final ActionMetrics metrics;
  private final Clock clock;
  private final RandomGenerator random;
  private final Map<String, WebClient> clients = new HashMap<>();
  private final Map<String, CallLimiter> limiters = new HashMap<>();
  private final Map<String, RetryPolicy> policies = new HashMap<>();
  /** The actions being handled, by id. */
  private final Map<String, Future<Void>> inFlight = new HashMap<>();
  /**
   * The ids of the last {@value #REMEMBERED} actions delivered, so that a second record of an action already
   * delivered (a rules consumer that wrote it again after its first write timed out during a broker outage,
   * a partition read again after a rebalance) is not called again by this gateway. Other replicas, and this
   * one after a restart, do not know them: the receiver's Idempotency-Key check remains the guarantee.
   */
  private final Set<String> delivered = Collections.newSetFromMap(new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > REMEMBERED;
    }
  });
  private ActionCaller caller;
  private ConsumerLoop loop;
  private volatile boolean stopping;

  ActionConsumerVerticle(ConsumerSettings settings, ActingContext acting, ConsumerProgress progress) {
    this.settings = settings;
    this.acting = acting;
    this.progress = progress;
    this.topics = acting.topics();
    this.targets = acting.targets();
    this.breakers = acting.breakers();
    this.publisher = acting.publisher();
    this.recorder = acting.recorder();
    this.codec = acting.codec();
    this.metrics = acting.metrics();
    this.clock = acting.clock();
    this.random = acting.random();
  }

  @Override
  public Future<?> start() {
    caller = new ActionCaller(new SsrfGuard(vertx), ActionKinds.standard(codec.mapper()), clock);
    // A target may have up to half of the actions in flight waiting for a slot: a burst for one busy target is
    // absorbed here instead of being postponed through the retry topic (at least a second later; with 100,
    // bench/run-actions.sh --window 256 sent 2.6% of the actions there), and the other half stays for the
    // other targets, so one slow target cannot hold the whole consumer.
    int maxQueued = Math.max(1, settings.maxInFlight() / 2);
    targets.forEach((name, t) -> {
      int timeout = (int) Math.min(Integer.MAX_VALUE, t.config().timeout().toMillis());
      clients.put(name, WebClient.create(vertx, new WebClientOptions()
              .setUserAgent("hookgate")
              .setFollowRedirects(false)
              .setConnectTimeout(timeout)
              .setKeepAlive(true),
          new PoolOptions().setHttp1MaxSize(t.config().concurrency())));
      limiters.put(name, new CallLimiter(vertx, t.config().concurrency(), t.config().rateLimit(), maxQueued));
      policies.put(name, new RetryPolicy(t.config().retry(), random));
    });
    loop = new ConsumerLoop(settings, this::safely, context, metrics.registry(), progress);
    return loop.start();
  }

  /** Lets the actions in flight finish (up to the drain timeout), commits, and leaves the group. */
  @Override
  public Future<?> stop() {
    if (loop == null) {
      return Future.succeededFuture();
    }
    // Writes of outcomes keep being retried while the loop drains; only then do they give up.
    return loop.stop()
        .onComplete(v -> {
          stopping = true;
          clients.values().forEach(WebClient::close);
        });
  }

  /**
   * Handles a record; should anything fail unexpectedly (not a Kafka write, which is retried), the record
   * goes to the dead-letter topic as it is rather than holding back the partition's commits forever.
   */
  private Future<Void> safely(ConsumerRecord<String, byte[]> record) {
    Future<Void> handled;
    try {
      handled = handle(record);
    } catch (RuntimeException e) {
      handled = Future.failedFuture(e);
    }
    return handled.recover(error -> {
      if (stopping) {
        return Future.failedFuture(error);
      }
      LOG.error("Action at {}-{}@{} failed unexpectedly; dead-lettered as it is", record.topic(), record.partition(),
          record.offset(), error);
      return toDeadLetter(record, "internal-error", String.valueOf(error));
    });
  }

  Future<Void> handle(ConsumerRecord<String, byte[]> record) {
    ActionRecord action;
    try {
      action = codec.read(record.value());
    } catch (IllegalArgumentException e) {
      return unreadable(record, e.getMessage());
    }
    Target target = targets.get(action.target());
    if (target == null) {
      return giveUp(null, action, "unknown-target", null,
          "no target named '" + action.target() + "' is configured", null);
    }
    String id = action.id();
    Future<Void> running = inFlight.get(id);
    if (running != null) {
      // The same action twice at once (a record written again after a timed-out write, a partition read
      // again): this one waits for the first, then is looked at again, so the target is not called twice.
      return running.transform(ar -> handle(record));
    }
    if (delivered.contains(id)) {
      metrics.duplicate(target.name());
      LOG.info("Action {} to target {} was delivered already; the record at {}-{}@{} is not called again", id,
          target.name(), record.topic(), record.partition(), record.offset());
      return Future.succeededFuture();
    }
    Future<Void> outcome = handle(record, action, target);
    inFlight.put(id, outcome);
    outcome.onComplete(ar -> inFlight.remove(id, outcome));
    return outcome;
  }

  private Future<Void> handle(ConsumerRecord<String, byte[]> record, ActionRecord action, Target target) {
    Instant now = clock.instant();
    if (action.notBefore() != null && action.notBefore().isAfter(now.plus(EARLY_TOLERANCE))) {
      return defer(target, action, action.notBefore(), "not-due");
    }
    ActionCaller.Request request;
    try {
      request = caller.prepare(target, action);
    } catch (IllegalArgumentException e) {
      // The action cannot make a valid request (a line break in its id, an unknown kind...): nothing is sent,
      // and every retry would build the same request, so it is refused at once. Before the breaker, which
      // measures the target (that never sees this action), and which must neither count it nor hold it back.
      return giveUp(target, action, "refused", null, e.getMessage(), null);
    }
    RetryPolicy policy = policies.get(target.name());
    if (policy.expired(action.createdAt(), now)) {
      String expired = "gave up: the action is older than retry.maxAge (" + target.config().retry().maxAge() + ")";
      return giveUp(target, action, "expired", null, expired + (action.lastError() == null ? "" : "; last error: "
          + action.lastError()), expired, null);
    }
    CircuitBreaker breaker = breakers.get(target.name());
    CircuitBreaker.Permit permit = breaker.tryAcquire();
    if (!permit.allowed()) {
      return defer(target, action, spread(permit.retryAt(), breaker.openDuration()), "breaker-open");
    }
    CallLimiter limiter = limiters.get(target.name());
    Future<Void> slot = limiter.acquire();
    if (slot == null) {
      breaker.onNeutral(permit.probe());
      Duration wait = Duration.ofMillis(Math.max(1000, limiter.estimatedWaitMillis()));
      return defer(target, action, spread(now.plus(wait), wait), "queue-full");
    }
    return slot.compose(v -> {
      CircuitBreaker.Permit still = breaker.confirm(permit);
      if (!still.allowed()) {
        // The breaker opened while this action waited for its slot: it is not called while it is open.
        limiter.release();
        return defer(target, action, spread(still.retryAt(), breaker.openDuration()), "breaker-open");
      }
      long started = System.nanoTime();
      Future<CallResult> call;
      try {
        call = caller.call(target, clients.get(target.name()), request);
      } catch (RuntimeException e) {
        call = Future.succeededFuture(CallResult.refused("could not build the request: " + e.getMessage()));
      }
      return call.compose(result -> {
        long nanos = System.nanoTime() - started;
        // The breaker learns the outcome before the slot goes to the next action waiting for it, which then
        // finds the breaker open if this failure opened it.
        switch (result.verdict()) {
          case SUCCESS, PERMANENT -> breaker.onSuccess(permit.probe());
          case RETRYABLE -> breaker.onFailure(permit.probe());
          default -> breaker.onNeutral(permit.probe());
        }
        limiter.release();
        return settle(target, action, result, nanos);
      });
    });
  }

  private Future<Void> settle(Target target, ActionRecord action, CallResult result, long nanos) {
    String summary = target.redact(result.summary());
    String message = target.redact(result.message());
    String body = target.redact(result.body());
    int attempt = Math.max(1, action.attempt());
    if (result.success()) {
      delivered.add(action.id());
      metrics.attempt(target.name(), "success", nanos);
      logAttempt(target, action, "success", result, message, nanos, null);
      return Durably.write(vertx, "the then-actions of " + action.id(), () -> stopping, () -> emitThen(action))
          .compose(v -> status(target, action, true, DeliveryOutcome.Result.SUCCESS, result.statusCode(), message,
              null));
    }
    if (result.verdict() == CallResult.Verdict.RETRYABLE) {
      RetryPolicy.Decision decision = policies.get(target.name())
          .next(attempt, action.createdAt(), result.retryAfter(), clock.instant());
      if (decision.retry()) {
        metrics.attempt(target.name(), "retry", nanos);
        metrics.retry(target.name());
        ActionRecord next = action.retry(decision.retryAt(), summary);
        logAttempt(target, action, "retry", result, message, nanos, decision.retryAt().toString());
        return Durably.write(vertx, "the retry of " + action.id(), () -> stopping,
                () -> publisher.publish(context, new ProducerRecord<>(topics.retry(), target.name(), codec.write(next))))
            .compose(v -> status(target, action, true, DeliveryOutcome.Result.RETRY, result.statusCode(), message,
                body));
      }
      metrics.attempt(target.name(), "dead_letter", nanos);
      logAttempt(target, action, "dead_letter", result, message, nanos, decision.reason());
      return giveUp(target, action, decision.reason(), result.statusCode(), decision.detail() + "; last error: "
          + summary, new Called(message, body));
    }
    String reason = result.verdict() == CallResult.Verdict.REFUSED ? "refused" : "permanent";
    if (!result.sent()) {
      // Refused by SSRF protection before anything was sent: no call, as for an action that cannot be built.
      return giveUp(target, action, reason, null, summary, null);
    }
    metrics.attempt(target.name(), "dead_letter", nanos);
    logAttempt(target, action, "dead_letter", result, message, nanos, reason);
    return giveUp(target, action, reason, result.statusCode(), summary, new Called(message, body));
  }

  /**
   * One {@code hookgate.attempt} line per call, with its facts as key-value pairs (separate JSON fields with
   * {@code HOOKGATE_LOG_FORMAT=json}). {@code message} is the status line or what went wrong without an
   * answer, already redacted; the response body is not logged (it is in the delivery status API).
   *
   * @param detail for a retry, when it is due; for a dead letter, the reason
   */
  private static void logAttempt(Target target, ActionRecord action, String outcome, CallResult result,
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
  private record Called(String message, String body) {
  }

  private Future<Void> giveUp(Target target, ActionRecord action, String reason, Integer statusCode,
      String lastError, Called called) {
    return giveUp(target, action, reason, statusCode, lastError, lastError, called);
  }

  /** @param logged what the WARN line says when no call was made (lastError may hold an earlier call's body) */
  private Future<Void> giveUp(Target target, ActionRecord action, String reason, Integer statusCode,
      String lastError, String logged, Called called) {
    String name = target == null ? action.target() : target.name();
    String error = target == null ? lastError : target.redact(lastError);
    logged = target == null ? logged : target.redact(logged);
    metrics.deadLetter(name, reason);
    // The answer's status line, not its body (the delivery status API has the start of that): a target's error
    // page may carry anything.
    LOG.warn("Action {} to target {} dead-lettered ({}): {}", action.id(), name, reason, called == null ? logged
        : statusCode == null ? called.message() : "HTTP " + statusCode + " " + called.message());
    RecordHeaders headers = new RecordHeaders();
    headers.add(HEADER_DLQ_REASON, reason.getBytes(StandardCharsets.UTF_8));
    if (statusCode != null) {
      headers.add(HEADER_DLQ_STATUS, statusCode.toString().getBytes(StandardCharsets.UTF_8));
    }
    byte[] value = codec.write(ActionCodec.failed(action, error));
    return Durably.write(vertx, "the dead letter of " + action.id(), () -> stopping,
            () -> publisher.publish(context, new ProducerRecord<>(topics.deadLetter(), null, name, value, headers)))
        .compose(v -> called != null
            ? status(target, action, true, DeliveryOutcome.Result.DEAD_LETTER, statusCode, called.message(), called.body())
            : status(target, action, false, DeliveryOutcome.Result.DEAD_LETTER, statusCode, error, null));
  }

  private Future<Void> defer(Target target, ActionRecord action, Instant notBefore, String reason) {
    metrics.deferred(target.name(), reason);
    LOG.debug("Action {} to target {} postponed to {} ({})", action.id(), target.name(), notBefore, reason);
    byte[] value = codec.write(ActionCodec.deferred(action, notBefore));
    return Durably.write(vertx, "the postponed " + action.id(), () -> stopping,
            () -> publisher.publish(context, new ProducerRecord<>(topics.retry(), target.name(), value)))
        .compose(v -> reason.equals("not-due") ? Future.succeededFuture()
            : status(target, action, false, DeliveryOutcome.Result.DEFERRED, null, null, null));
  }

  private Future<Void> unreadable(ConsumerRecord<String, byte[]> record, String why) {
    LOG.warn("Record {}-{}@{} on {} is not an action, dead-lettered: {}", record.topic(), record.partition(),
        record.offset(), topics.actions(), why);
    return toDeadLetter(record, "invalid", why);
  }

  /** Copies a record as it is to the dead-letter topic. */
  private Future<Void> toDeadLetter(ConsumerRecord<String, byte[]> record, String reason, String why) {
    metrics.deadLetter(record.key() == null ? "unknown" : record.key(), reason);
    RecordHeaders headers = new RecordHeaders();
    headers.add(HEADER_DLQ_REASON, reason.getBytes(StandardCharsets.UTF_8));
    headers.add(HEADER_DLQ_ERROR, why.getBytes(StandardCharsets.UTF_8));
    return Durably.write(vertx, "the record " + record.topic() + "-" + record.partition() + "@" + record.offset(),
        () -> stopping,
        () -> publisher.publish(context, new ProducerRecord<>(topics.deadLetter(), null, record.key(), record.value(),
            headers))).mapEmpty();
  }

  private Future<?> emitThen(ActionRecord action) {
    if (action.then().isEmpty()) {
      return Future.succeededFuture();
    }
    Instant now = clock.instant();
    List<Future<?>> writes = new ArrayList<>();
    for (ActionRecord next : action.then()) {
      writes.add(publisher.publish(context, new ProducerRecord<>(topics.actions(), next.target(),
          codec.write(ActionCodec.fresh(next, now)))));
    }
    return Future.all(writes);
  }

  private Future<Void> status(Target target, ActionRecord action, boolean called, DeliveryOutcome.Result result,
      Integer statusCode, String message, String body) {
    String name = target == null ? action.target() : target.name();
    CircuitBreaker breaker = breakers.get(name);
    // Dates to the millisecond, as Isahit Lab shows them and as JavaScript dates can hold them.
    DeliveryOutcome outcome = new DeliveryOutcome(name, action.source(), action.projectId(), called, result,
        statusCode, message, body, clock.instant().truncatedTo(ChronoUnit.MILLIS),
        breaker == null ? null : breaker.state().label());
    DeliveryRecorder.Update update = recorder.apply(outcome);
    return Durably.write(vertx, "the delivery status of " + name, () -> stopping,
        () -> recorder.persist(context, update));
  }

  /** A time at or after {@code at}, spread by up to a quarter of {@code window} so postponed actions do not return together. */
  private Instant spread(Instant at, Duration window) {
    long bound = Math.max(1, window.toMillis() / 4);
    return at.plusMillis(random.nextLong(bound));
  }
}
