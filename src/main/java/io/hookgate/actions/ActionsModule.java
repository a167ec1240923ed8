package io.hookgate.actions;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hookgate.GatewayContext;
import io.hookgate.GatewayModule;
import io.hookgate.config.TargetConfig;
import io.hookgate.config.TopicSpec;
import io.hookgate.config.TopicsConfig;
import io.hookgate.delivery.DeliveryModule;
import io.hookgate.delivery.DeliveryStatus;
import io.hookgate.delivery.DeliveryStatusApi;
import io.hookgate.delivery.DeliveryStatusStore;
import io.hookgate.event.EventPublisher;
import io.hookgate.kafka.ConsumerGroupLag;
import io.hookgate.kafka.ConsumerProgress;
import io.hookgate.kafka.ConsumerSettings;
import io.hookgate.kafka.KafkaClientFactory;
import io.hookgate.kafka.ModuleProducer;
import io.hookgate.subscriptions.SubscriptionDeliveries;
import io.hookgate.subscriptions.SubscriptionsModule;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The acting half of the gateway: configured targets, the actions producer, the retry verticle and the action
 * consumer verticle, and the delivery status API over the {@link DeliveryModule}'s logs. Created only when
 * {@code targets} are configured.
 *
 * <p>Consumer groups are named after their topics ({@code <actions topic>.executors} and
 * {@code <retry topic>.schedulers}), so that replicas sharing topics share the work and a restarted gateway
 * resumes where the previous one committed.
 */
public final class ActionsModule implements GatewayModule {
  private static final Logger LOG = LoggerFactory.getLogger(ActionsModule.class);
  /** Actions in flight per gateway (calls, waits for a slot, outcome writes); past it, consumption pauses. */
  static final int MAX_IN_FLIGHT = 1000;
  /** Waiting retries held on timers per gateway; past it, the retry topic is paused. */
  static final int MAX_PENDING_RETRIES = 10_000;
  /** On stop, how long the actions in flight may take to finish before the last commit. */
  static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);

  private final GatewayContext context;
  private final DeliveryModule delivery;
  private final ActingContext acting;
  private final ModuleProducer producer;
  private final DeliveryStatusApi api;
  private final SubscriptionsModule subscriptions;
  private final SubscriptionTargets subscriptionTargets;
  private SubscriptionCalls calls;

  /**
   * Creates the Kafka producer for the targets, resolved beforehand with {@link Target#resolveAll}; nothing
   * is consumed until {@link #start()}.
   */
  /** @param subscriptions the subscriptions to deliver to; null for configured targets only */
  public ActionsModule(GatewayContext context, Map<String, Target> targets, DeliveryModule delivery,
      SubscriptionsModule subscriptions) {
    this.context = context;
    this.delivery = delivery;
    this.subscriptions = subscriptions;
    TopicsConfig t = context.config().kafka().topics();
    ActionTopics topics = new ActionTopics(TopicSpec.requiredName(t.actions(), "actions"),
        TopicSpec.requiredName(t.actionsRetry(), "actionsRetry"), TopicSpec.requiredName(t.deadLetter(), "deadLetter"));
    ActionCodec codec = new ActionCodec();
    ActionMetrics metrics = new ActionMetrics(context.metrics());
    Map<String, CircuitBreaker> breakers = new TreeMap<>();
    targets.forEach((name, target) -> {
      TargetConfig.Breaker b = target.config().breaker();
      CircuitBreaker breaker = new CircuitBreaker(name, b.failureThreshold(), b.openDuration(), context.clock());
      breakers.put(name, breaker);
      metrics.breaker(name, breaker);
      metrics.target(name);
    });
    this.producer = new ModuleProducer("the actions producer", context.kafka().eventLoopProducer("hookgate-actions",
        Duration.ofSeconds(30)));
    this.acting = new ActingContext(topics, targets, breakers, new EventPublisher(producer.producer()),
        delivery.recorder(), codec,
        metrics, context.clock(), new Random(), subscriptions == null ? null : subscriptions.operations());
    this.api = new DeliveryStatusApi(delivery.store(), new Catalog(), codec.mapper());
    this.subscriptionTargets = subscriptions == null ? null : new SubscriptionTargets(subscriptions.store(),
        context.config().subscriptions().allowedHosts(), context.clock());
  }

  /** What the management API asks of the delivery side of subscriptions; null without subscriptions. */
  public SubscriptionDeliveries subscriptionDeliveries() {
    if (subscriptionTargets == null) {
      return null;
    }
    if (calls == null) {
      calls = new SubscriptionCalls(context.vertx(), acting, subscriptionTargets, delivery.store(),
          context.kafka().topicReader("hookgate-resend"));
    }
    return calls;
  }

  /** The read-only status API, for the management port. */
  @Override
  public List<Consumer<Router>> managementRoutes() {
    return List.of(api);
  }

  /**
   * Starts the retry and action consumers; start the {@link DeliveryModule} first, so that the delivery logs are
   * read and counters continue rather than restart. Completes once they are deployed.
   */
  @Override
  public Future<Void> start() {
    ActionTopics topics = acting.topics();
    KafkaClientFactory kafka = context.kafka();
    String retryGroup = group(topics.retry(), "schedulers");
    String actionsGroup = group(topics.actions(), "executors");
    ConsumerSettings retry = ConsumerSettings.group("hookgate-retry-consumer",
        kafka.groupConsumer("hookgate-retry", retryGroup, MAX_PENDING_RETRIES, "earliest"), topics.retry())
        .withMaxInFlight(MAX_PENDING_RETRIES)
        .withCommitInterval(kafka.commitInterval())
        // Waiting records are read again by the next owner: nothing to drain.
        .withDrain(Duration.ZERO, Duration.ZERO);
    ConsumerSettings actions = ConsumerSettings.group("hookgate-actions-consumer",
        kafka.groupConsumer("hookgate-actions", actionsGroup, MAX_IN_FLIGHT, "earliest"), topics.actions())
        .withMaxInFlight(MAX_IN_FLIGHT)
        .withCommitInterval(kafka.commitInterval())
        .withDrain(DRAIN_TIMEOUT, Duration.ZERO);
    var meters = context.metrics().registry();
    // The producer of outcomes, in /metrics beside the ingress's: its errors and retries are what a broker
    // outage shows on the acting side.
    return producer.start(context.vertx(), meters, acting.operations() == null
        ? List.of(topics.actions(), topics.retry(), topics.deadLetter())
        : List.of(topics.actions(), topics.retry(), topics.deadLetter(),
            context.config().kafka().topics().operations().name()))
        .compose(v -> context.vertx().deployVerticle(new RetryVerticle(retry, acting,
            ConsumerProgress.register(meters, retryGroup))))
        .compose(v -> context.vertx().deployVerticle(new ActionConsumerVerticle(actions, acting,
            ConsumerProgress.register(meters, actionsGroup), subscriptionTargets,
            subscriptions == null ? null : subscriptions.service(), kafka.topicReader("hookgate-resume"))))
        .onSuccess(v -> {
          Duration after = context.config().subscriptions().disableAfter();
          if (subscriptions != null && !after.isZero()) {
            context.vertx().setPeriodic(Math.min(after.toMillis(), Duration.ofMinutes(1).toMillis()),
                t -> disableFailing(after));
          }
        })
        .onSuccess(v -> LOG.info("Actions: consuming {} for targets {}; retries via {}, dead letters to {}",
            topics.actions(), acting.targets().keySet(), topics.retry(), topics.deadLetter()))
        .mapEmpty();
  }

  /**
   * Disables the subscriptions whose deliveries have failed without a success for {@code after}, as Svix does:
   * every replica asks, the subscriptions' writer applies it once; a resume enables them again.
   */
  private void disableFailing(Duration after) {
    Instant now = context.clock().instant();
    for (var s : subscriptions.store().all()) {
      if (!s.delivers()) {
        continue;
      }
      delivery.store().get(DeliveryStatusStore.key(s.targetName())).map(DeliveryStatus::failingSince)
          .filter(since -> !since.plus(after).isAfter(now))
          .ifPresent(since -> subscriptions.service().disable(s.id(), "its deliveries have failed since " + since
              + " without a success"));
    }
  }

  private static String group(String topic, String role) {
    return topic + "." + role;
  }

  /** The consumer groups of the actions and retry topics, for {@code hookgate_consumer_group_lag}. */
  @Override
  public List<ConsumerGroupLag.Group> consumerGroups() {
    ActionTopics topics = acting.topics();
    return List.of(new ConsumerGroupLag.Group(group(topics.actions(), "executors"), topics.actions(), true),
        new ConsumerGroupLag.Group(group(topics.retry(), "schedulers"), topics.retry(), true));
  }

  /** Closes the producer; call after the verticles are undeployed. */
  @Override
  public void close() {
    producer.close();
  }

  /** Target settings for the API: no secret, only where each comes from. */
  private final class Catalog implements DeliveryStatusApi.TargetCatalog {
    @Override
    public List<String> names() {
      return List.copyOf(acting.targets().keySet());
    }

    @Override
    public Optional<ObjectNode> describe(String name) {
      Target t = acting.targets().get(name);
      if (t == null) {
        return Optional.empty();
      }
      ObjectMapper m = acting.codec().mapper();
      TargetConfig c = t.config();
      ObjectNode n = m.createObjectNode();
      n.put("baseUrl", t.displayUrl());
      if (c.auth() != null) {
        // The prefix is not secret ("Bearer ", Kili's "X-API-Key: ") and says how the header is written.
        n.putObject("auth").put("header", c.auth().header()).put("prefix", c.auth().prefix())
            .put("secret", c.auth().secret().toString());
      }
      n.put("signed", !t.signingKeys().isEmpty());
      n.put("timeoutMs", c.timeout().toMillis());
      n.putObject("retry")
          .put("maxAttempts", c.retry().maxAttempts())
          .put("maxAgeMs", c.retry().maxAge().toMillis())
          .put("initialBackoffMs", c.retry().initialBackoff().toMillis())
          .put("maxBackoffMs", c.retry().maxBackoff().toMillis())
          .put("maxRetryAfterMs", c.retry().maxRetryAfter().toMillis());
      n.put("rateLimit", c.rateLimit());
      n.put("concurrency", c.concurrency());
      n.putObject("breaker")
          .put("failureThreshold", c.breaker().failureThreshold())
          .put("openDurationMs", c.breaker().openDuration().toMillis());
      n.put("allowPrivateNetwork", c.allowPrivateNetwork());
      n.set("allowedHosts", m.valueToTree(c.allowedHosts()));
      return Optional.of(n);
    }

    @Override
    public Optional<String> breakerState(String name) {
      return Optional.ofNullable(acting.breakers().get(name)).map(b -> b.state().label());
    }
  }
}
