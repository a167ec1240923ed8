package io.hookgate.actions;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hookgate.config.ConfigException;
import io.hookgate.config.HookgateConfig;
import io.hookgate.config.TargetConfig;
import io.hookgate.config.TopicSpec;
import io.hookgate.config.TopicsConfig;
import io.hookgate.delivery.DeliveryRecorder;
import io.hookgate.delivery.DeliveryStatusApi;
import io.hookgate.delivery.DeliveryStatusStore;
import io.hookgate.event.EventPublisher;
import io.hookgate.kafka.ConsumerGroupLag;
import io.hookgate.kafka.KafkaClientFactory;
import io.hookgate.metrics.GatewayMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The acting half of the gateway, wired together: configured targets, the actions producer, the delivery
 * status store and its API, the retry verticle and the action consumer verticle. Created only when
 * {@code targets} are configured.
 *
 * <p>Consumer groups are named after their topics ({@code <actions topic>.executors} and
 * {@code <retry topic>.schedulers}), so that replicas sharing topics share the work and a restarted gateway
 * resumes where the previous one committed.
 */
public final class ActionsModule implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ActionsModule.class);
  /** Actions in flight per gateway (calls, waits for a slot, outcome writes); past it, consumption pauses. */
  static final int MAX_IN_FLIGHT = 1000;
  /** Waiting retries held on timers per gateway; past it, the retry topic is paused. */
  static final int MAX_PENDING_RETRIES = 10_000;

  private final Vertx vertx;
  private final Map<String, Target> targets;
  private final Map<String, CircuitBreaker> breakers;
  private final ActionConsumerVerticle.Topics topics;
  private final String statusTopic;
  private final KafkaClientFactory clients;
  private final Producer<String, byte[]> producer;
  private final EventPublisher publisher;
  private final DeliveryStatusStore store;
  private final DeliveryRecorder recorder;
  private final DeliveryStatusApi api;
  private final ActionCodec codec;
  private final ActionMetrics metrics;
  private final Clock clock;
  private final RandomGenerator random;
  private KafkaClientMetrics producerMetrics;

  private ActionsModule(Vertx vertx, Map<String, Target> targets, Map<String, CircuitBreaker> breakers,
      ActionConsumerVerticle.Topics topics, String statusTopic, KafkaClientFactory clients,
      Producer<String, byte[]> producer, DeliveryStatusStore store, ActionCodec codec, ActionMetrics metrics,
      Clock clock) {
    this.vertx = vertx;
    this.targets = targets;
    this.breakers = breakers;
    this.topics = topics;
    this.statusTopic = statusTopic;
    this.clients = clients;
    this.producer = producer;
    this.publisher = new EventPublisher(producer);
    this.store = store;
    this.codec = codec;
    this.metrics = metrics;
    this.clock = clock;
    this.random = new Random();
    this.recorder = new DeliveryRecorder(store, publisher, statusTopic, codec.mapper());
    this.api = new DeliveryStatusApi(store, new Catalog(), codec.mapper());
  }

  /**
   * Creates the Kafka clients for the targets, resolved beforehand with {@link Target#resolveAll}; nothing
   * is consumed until {@link #start()}.
   */
  public static ActionsModule create(Vertx vertx, HookgateConfig config, Map<String, Target> targets,
      KafkaClientFactory clients, GatewayMetrics gatewayMetrics, Clock clock) {
    TopicsConfig t = config.kafka().topics();
    ActionConsumerVerticle.Topics topics = new ActionConsumerVerticle.Topics(
        name(t.actions(), "actions"), name(t.actionsRetry(), "actionsRetry"), name(t.deadLetter(), "deadLetter"));
    String statusTopic = name(t.deliveryStatus(), "deliveryStatus");
    ActionCodec codec = new ActionCodec();
    ActionMetrics metrics = new ActionMetrics(gatewayMetrics);
    Map<String, CircuitBreaker> breakers = new TreeMap<>();
    targets.forEach((name, target) -> {
      TargetConfig.Breaker b = target.config().breaker();
      CircuitBreaker breaker = new CircuitBreaker(name, b.failureThreshold(), b.openDuration(), clock);
      breakers.put(name, breaker);
      metrics.breaker(name, breaker);
      metrics.target(name);
    });
    Map<String, Object> producerProperties = clients.eventProducer("hookgate-actions", Duration.ofSeconds(30));
    // max.block.ms is 0 (send never blocks the event loop), so keep the few topics we write in the metadata cache.
    producerProperties.put(ProducerConfig.METADATA_MAX_IDLE_CONFIG, (int) Duration.ofDays(1).toMillis());
    Producer<String, byte[]> producer = new KafkaProducer<>(producerProperties);
    DeliveryStatusStore store = new DeliveryStatusStore(clients.common("hookgate-delivery-status"), statusTopic,
        codec.mapper());
    return new ActionsModule(vertx, targets, breakers, topics, statusTopic, clients, producer, store, codec, metrics,
        clock);
  }

  private static String name(TopicSpec spec, String key) {
    if (spec == null || spec.name() == null || spec.name().isBlank()) {
      throw new ConfigException("config key 'kafka.topics." + key + "': is required when targets are configured");
    }
    return spec.name();
  }

  /** The read-only status API, for the management port. */
  public List<Consumer<Router>> adminRoutes() {
    return List.of(api);
  }

  public DeliveryStatusStore statusStore() {
    return store;
  }

  /**
   * Reads the delivery logs to the end (so that counters continue rather than restart), then starts the
   * retry and action consumers. Completes once they are deployed.
   */
  public Future<Void> start() {
    // The producer of outcomes and delivery logs, in /metrics beside the ingress's: its errors and retries
    // are what a broker outage shows on the acting side.
    producerMetrics = new KafkaClientMetrics(producer);
    producerMetrics.bindTo(metrics.registry());
    return vertx.executeBlocking(this::warmProducer, false)
        .compose(v -> store.start())
        .compose(v -> vertx.deployVerticle(new RetryVerticle(consumer(topics.retry(), "schedulers", "hookgate-retry"),
            clients.commitInterval(), topics, publisher, codec, clock, MAX_PENDING_RETRIES, metrics.registry())))
        .compose(v -> vertx.deployVerticle(new ActionConsumerVerticle(
            consumer(topics.actions(), "executors", "hookgate-actions"), clients.commitInterval(), topics, targets,
            breakers, publisher, recorder, codec, metrics, clock, random, MAX_IN_FLIGHT)))
        .onSuccess(v -> LOG.info("Actions: consuming {} for targets {}; retries via {}, dead letters to {}",
            topics.actions(), targets.keySet(), topics.retry(), topics.deadLetter()))
        .mapEmpty();
  }

  /** Fetches the metadata of the topics the producer writes, so that its first sends do not fail. */
  private Void warmProducer() {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    for (String topic : List.of(topics.actions(), topics.retry(), topics.deadLetter(), statusTopic)) {
      while (true) {
        try {
          producer.partitionsFor(topic);
          break;
        } catch (RuntimeException e) {
          if (System.nanoTime() > deadline) {
            LOG.warn("No metadata yet for topic {}: {}", topic, e.toString());
            break;
          }
          try {
            Thread.sleep(50);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return null;
          }
        }
      }
    }
    return null;
  }

  private Map<String, Object> consumer(String topic, String role, String clientId) {
    return clients.groupMember(clientId, group(topic, role));
  }

  private static String group(String topic, String role) {
    return topic + "." + role;
  }

  /** The consumer groups of the actions and retry topics, for {@code hookgate_consumer_group_lag}. */
  public List<ConsumerGroupLag.Group> consumerGroups() {
    return List.of(new ConsumerGroupLag.Group(group(topics.actions(), "executors"), topics.actions(), true),
        new ConsumerGroupLag.Group(group(topics.retry(), "schedulers"), topics.retry(), true));
  }

  /** Closes the producer and the status reader; call after the verticles are undeployed. */
  @Override
  public void close() {
    if (producerMetrics != null) {
      producerMetrics.close();
    }
    try {
      producer.flush();
      producer.close(Duration.ofSeconds(5));
    } catch (RuntimeException e) {
      LOG.warn("Closing the actions producer: {}", e.toString());
    }
    store.close();
  }

  /** Target settings for the API: no secret, only where each comes from. */
  private final class Catalog implements DeliveryStatusApi.TargetCatalog {
    @Override
    public List<String> names() {
      return List.copyOf(targets.keySet());
    }

    @Override
    public Optional<ObjectNode> describe(String name) {
      Target t = targets.get(name);
      if (t == null) {
        return Optional.empty();
      }
      ObjectMapper m = codec.mapper();
      TargetConfig c = t.config();
      ObjectNode n = m.createObjectNode();
      n.put("baseUrl", t.displayUrl());
      if (c.auth() != null) {
        // The prefix is not secret ("Bearer ", Kili's "X-API-Key: ") and says how the header is written.
        n.putObject("auth").put("header", c.auth().header()).put("prefix", c.auth().prefix())
            .put("secret", c.auth().secret().toString());
      }
      n.put("signed", t.signingKey().isPresent());
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
      return Optional.ofNullable(breakers.get(name)).map(b -> b.state().label());
    }
  }
}
