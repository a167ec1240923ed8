package io.hookgate.actions;

import io.hookgate.delivery.DeliveryOutcome;
import io.hookgate.kafka.ConsumerLoop;
import io.hookgate.kafka.ConsumerProgress;
import io.hookgate.kafka.ConsumerSettings;
import io.hookgate.subscriptions.Subscription;
import io.hookgate.subscriptions.SubscriptionService;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes the actions topic: the rules' actions to configured targets, and the deliveries to subscriptions
 * ({@code subscriptions/<id>}, whose target is made from the subscription as the store has it now). For each
 * action, in this order: a readable record for a known target (else dead letter; a deleted or disabled
 * subscription's deliveries are dropped with that reason), held when its subscription is paused (see
 * {@link HeldDeliveries}), due (else back to the retry topic), a valid request can be built from it (else dead
 * letter {@code refused}), not older than the target's {@code maxAge} (else dead letter), the breaker lets it
 * through (else postponed to when it may), a concurrency and rate slot (waiting without blocking; postponed when
 * the target's queue is full), the breaker asked again, the call, and then its outcome written durably by the
 * {@link OutcomeWriter}. Only then is the record's offset released for commit. A retry never waits here: it waits
 * in the retry topic, so nothing else is held up.
 */
public final class ActionConsumerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ActionConsumerVerticle.class);
  /** An action due this soon is run now; more than that and it goes back to wait (clock skew between replicas). */
  static final Duration EARLY_TOLERANCE = Duration.ofMillis(500);
  static final int REMEMBERED = 10_000;
  /** Connections to one subscription host at once, from this replica (each subscription's own limit is less). */
  static final int SUBSCRIPTION_POOL = 64;
  public static final String HEADER_DLQ_REASON = "hookgate-dlq-reason";
  public static final String HEADER_DLQ_STATUS = "hookgate-dlq-status";
  public static final String HEADER_DLQ_ERROR = "hookgate-dlq-error";

  /** What calling one target takes: its HTTP client, its concurrency and rate limits, its retry policy. */
  private record Resources(WebClient client, CallLimiter limiter, RetryPolicy policy, Object version) {
  }

  private final ConsumerSettings settings;
  private final ActingContext acting;
  private final ConsumerProgress progress;
  private final SubscriptionTargets subscriptions;
  private final SubscriptionService service;
  private final Map<String, Object> readerProperties;
  private final Map<String, Resources> resources = new HashMap<>();
  /** The actions being handled, by id. */
  private final Map<String, Future<Void>> inFlight = new HashMap<>();
  /**
   * When each of the last {@value #REMEMBERED} actions was delivered, so that a second record of an action already
   * delivered (a rules consumer that wrote it again after its first write timed out during a broker outage, a
   * partition read again after a rebalance) is not called again by this gateway. A resend asked for after the
   * delivery is. Other replicas, and this one after a restart, do not know them: the receiver's Idempotency-Key
   * check remains the guarantee.
   */
  private final Map<String, Instant> delivered = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
      return size() > REMEMBERED;
    }
  };
  private WebClient subscriptionClient;
  private ActionCaller caller;
  private OutcomeWriter outcomes;
  private HeldDeliveries held;
  private ConsumerLoop loop;
  private volatile boolean stopping;

  /**
   * @param subscriptions the subscriptions' targets; null when this gateway delivers to configured targets only
   * @param service where the pause of a subscription is recorded
   * @param readerProperties a topic reader's Kafka properties, for the deliveries held by a pause
   */
  ActionConsumerVerticle(ConsumerSettings settings, ActingContext acting, ConsumerProgress progress,
      SubscriptionTargets subscriptions, SubscriptionService service, Map<String, Object> readerProperties) {
    this.settings = settings;
    this.acting = acting;
    this.progress = progress;
    this.subscriptions = subscriptions;
    this.service = service;
    this.readerProperties = readerProperties;
  }

  @Override
  public Future<?> start() {
    caller = new ActionCaller(new SsrfGuard(vertx), ActionKinds.standard(acting.codec().mapper()), acting.clock());
    acting.targets().forEach((name, t) -> resources.put(name, new Resources(client(t.config().timeout(),
        t.config().concurrency()), limiter(t), new RetryPolicy(t.config().retry(), acting.random()), t)));
    subscriptionClient = client(Duration.ofSeconds(10), SUBSCRIPTION_POOL);
    outcomes = new OutcomeWriter(vertx, context, acting, name -> resources(name).policy(), this::breaker,
        () -> stopping, id -> delivered.put(id, acting.clock().instant()));
    loop = new ConsumerLoop(settings, new Handler(), context, acting.metrics().registry(), progress);
    if (subscriptions != null) {
      held = new HeldDeliveries(this, vertx, context, subscriptions, service, acting, outcomes, loop,
          readerProperties);
    }
    return loop.start();
  }

  /** Lets the actions in flight finish (up to the drain timeout), commits, and leaves the group. */
  @Override
  public Future<?> stop() {
    if (loop == null) {
      return Future.succeededFuture();
    }
    if (held != null) {
      held.stopAll();
    }
    // Writes of outcomes keep being retried while the loop drains; only then do they give up.
    return loop.stop()
        .onComplete(v -> {
          stopping = true;
          resources.values().forEach(r -> r.client().close());
          subscriptionClient.close();
        });
  }

  boolean stopping() {
    return stopping;
  }

  private WebClient client(Duration connectTimeout, int pool) {
    return WebClient.create(vertx, new WebClientOptions()
        .setUserAgent("hookgate")
        .setFollowRedirects(false)
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
        .setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(pool));
  }

  /**
   * A target may have up to half of the actions in flight waiting for a slot: a burst for one busy target is
   * absorbed here instead of being postponed through the retry topic (at least a second later; with 100,
   * bench/run-actions.sh --window 256 sent 2.6% of the actions there), and the other half stays for the other
   * targets, so one slow target cannot hold the whole consumer.
   */
  private CallLimiter limiter(Target t) {
    return new CallLimiter(vertx, t.config().concurrency(), t.config().rateLimit(),
        Math.max(1, settings.maxInFlight() / 2));
  }

  /** A configured target's resources, or a subscription's as its current target has them. */
  private Resources resources(String name) {
    Resources r = resources.get(name);
    if (r != null || subscriptions == null || !SubscriptionTargets.names(name)) {
      return r;
    }
    return subscriptions.find(name).map(e -> resources(e.target())).orElse(null);
  }

  /** A subscription's resources, made again when its settings change. */
  private Resources resources(Target t) {
    Resources r = resources.get(t.name());
    if (r == null || !r.version().equals(t.config())) {
      r = new Resources(subscriptionClient, limiter(t), new RetryPolicy(t.config().retry(), acting.random()),
          t.config());
      resources.put(t.name(), r);
    }
    return r;
  }

  private CircuitBreaker breaker(String name) {
    CircuitBreaker b = acting.breakers().get(name);
    if (b == null && subscriptions != null && SubscriptionTargets.names(name)) {
      b = subscriptions.breaker(name);
    }
    return b;
  }

  /** The loop's handler: every record, and what the loop says of the partitions. */
  private final class Handler implements ConsumerLoop.RecordHandler {
    @Override
    public Future<Void> handle(ConsumerRecord<String, byte[]> record) {
      return safely(record, false);
    }

    @Override
    public void assigned(Collection<TopicPartition> partitions) {
      if (held != null) {
        held.assigned(partitions);
      }
    }

    @Override
    public void revoked(Collection<TopicPartition> partitions) {
      if (held != null) {
        held.revoked(partitions);
      }
    }
  }

  /**
   * Handles a record; should anything fail unexpectedly (not a Kafka write, which is retried), the record
   * goes to the dead-letter topic as it is rather than holding back the partition's commits forever.
   *
   * @param released a held delivery read again on resume: it is not held again
   */
  Future<Void> safely(ConsumerRecord<String, byte[]> record, boolean released) {
    Future<Void> handled;
    try {
      handled = handle(record, released);
    } catch (RuntimeException e) {
      handled = Future.failedFuture(e);
    }
    return handled.recover(error -> {
      if (stopping) {
        return Future.failedFuture(error);
      }
      LOG.error("Action at {}-{}@{} failed unexpectedly; dead-lettered as it is", record.topic(), record.partition(),
          record.offset(), error);
      return outcomes.toDeadLetter(record, "internal-error", String.valueOf(error));
    });
  }

  private Future<Void> handle(ConsumerRecord<String, byte[]> record, boolean released) {
    if (held != null && !released) {
      held.handedOut(record);
    }
    ActionRecord action;
    try {
      action = acting.codec().read(record.value());
    } catch (IllegalArgumentException e) {
      return outcomes.unreadable(record, e.getMessage());
    }
    Target target = acting.targets().get(action.target());
    if (target == null && subscriptions != null && SubscriptionTargets.names(action.target())) {
      return subscription(record, action, released);
    }
    if (target == null) {
      return outcomes.giveUp(null, action, "unknown-target", null,
          "no target named '" + action.target() + "' is configured", null);
    }
    return once(record, action, target);
  }

  /** A delivery to a subscription: dropped if it is gone or disabled, held while it is paused, else made. */
  private Future<Void> subscription(ConsumerRecord<String, byte[]> record, ActionRecord action, boolean released) {
    String id = SubscriptionTargets.id(action.target());
    Optional<SubscriptionTargets.Entry> entry = subscriptions.find(action.target());
    if (entry.isEmpty()) {
      if (subscriptions.store().wasDeleted(id)) {
        return outcomes.drop(action, "subscription-deleted", "subscription " + id + " was deleted");
      }
      // Written by another replica a moment ago, not read here yet: it comes back in a second.
      return outcomes.postpone(action, acting.clock().instant().plusSeconds(1), "subscription-unknown");
    }
    Subscription s = entry.get().subscription();
    if (!s.delivers()) {
      return outcomes.drop(action, "subscription-disabled", "subscription " + id + " is disabled");
    }
    if (!released) {
      switch (held.decide(record, s)) {
        case HOLD -> {
          return held.hold(record, action, s);
        }
        case SKIP -> {
          return Future.succeededFuture();
        }
        default -> {
          // Delivered now.
        }
      }
    }
    Future<Void> delivered = once(record, action, entry.get().target());
    return released ? delivered.compose(v -> outcomes.status(entry.get().target(), action, false,
        DeliveryOutcome.Result.RELEASED, null, null, null, null)) : delivered;
  }

  /** Calls the target unless the same action is on its way or was delivered already. */
  private Future<Void> once(ConsumerRecord<String, byte[]> record, ActionRecord action, Target target) {
    String id = action.id();
    Future<Void> running = inFlight.get(id);
    if (running != null) {
      // The same action twice at once (a record written again after a timed-out write, a partition read
      // again): this one waits for the first, then is looked at again, so the target is not called twice.
      return running.transform(ar -> once(record, action, target));
    }
    Instant deliveredAt = delivered.get(id);
    if (deliveredAt != null && (action.resentAt() == null || !action.resentAt().isAfter(deliveredAt))) {
      acting.metrics().duplicate(OutcomeWriter.label(target.name()));
      LOG.info("Action {} to target {} was delivered already; the record at {}-{}@{} is not called again", id,
          target.name(), record.topic(), record.partition(), record.offset());
      return Future.succeededFuture();
    }
    Future<Void> outcome = call(record, action, target);
    inFlight.put(id, outcome);
    outcome.onComplete(ar -> inFlight.remove(id, outcome));
    return outcome;
  }

  private Future<Void> call(ConsumerRecord<String, byte[]> record, ActionRecord action, Target target) {
    Instant now = acting.clock().instant();
    if (action.notBefore() != null && action.notBefore().isAfter(now.plus(EARLY_TOLERANCE))) {
      return outcomes.defer(target, action, action.notBefore(), "not-due");
    }
    ActionCaller.Request request;
    try {
      request = caller.prepare(target, action);
    } catch (IllegalArgumentException e) {
      // The action cannot make a valid request (a line break in its id, an unknown kind...): nothing is sent,
      // and every retry would build the same request, so it is refused at once. Before the breaker, which
      // measures the target (that never sees this action), and which must neither count it nor hold it back.
      return outcomes.giveUp(target, action, "refused", null, e.getMessage(), null);
    }
    Resources r = SubscriptionTargets.names(target.name()) ? resources(target) : resources.get(target.name());
    if (r.policy().expired(action.createdAt(), now)) {
      String expired = "gave up: the action is older than retry.maxAge (" + target.config().retry().maxAge() + ")";
      return outcomes.giveUp(target, action, "expired", null, expired + (action.lastError() == null ? ""
          : "; last error: " + action.lastError()), expired, null);
    }
    CircuitBreaker breaker = breaker(target.name());
    CircuitBreaker.Permit permit = breaker.tryAcquire();
    if (!permit.allowed()) {
      return outcomes.defer(target, action, outcomes.spread(permit.retryAt(), breaker.openDuration()), "breaker-open");
    }
    CallLimiter limiter = r.limiter();
    WebClient client = r.client();
    Future<Void> slot = limiter.acquire();
    if (slot == null) {
      breaker.onNeutral(permit.probe());
      CallLimiter.Postponement later = limiter.postponement();
      Instant at = now.plus(later.delay());
      return outcomes.defer(target, action, later.paced() ? at : outcomes.spread(at, later.delay()), "queue-full");
    }
    return slot.compose(v -> {
      CircuitBreaker.Permit still = breaker.confirm(permit);
      if (!still.allowed()) {
        // The breaker opened while this action waited for its slot: it is not called while it is open.
        limiter.release();
        return outcomes.defer(target, action, outcomes.spread(still.retryAt(), breaker.openDuration()),
            "breaker-open");
      }
      long started = System.nanoTime();
      Future<CallResult> call;
      try {
        call = caller.call(target, client, request);
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
        return outcomes.settle(target, action, result, nanos, new OutcomeWriter.Call(request, record));
      });
    });
  }
}
