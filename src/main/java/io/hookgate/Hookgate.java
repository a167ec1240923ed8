package io.hookgate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.actions.ActionsModule;
import io.hookgate.actions.Target;
import io.hookgate.admin.AdminModule;
import io.hookgate.config.EncryptionKeys;
import io.hookgate.config.HookgateConfig;
import io.hookgate.config.SecretBox;
import io.hookgate.connections.ConnectionsModule;
import io.hookgate.console.ConsoleModule;
import io.hookgate.delivery.DeliveryModule;
import io.hookgate.health.KafkaReadiness;
import io.hookgate.health.ManagementVerticle;
import io.hookgate.ingress.IngressModule;
import io.hookgate.jobs.JobsModule;
import io.hookgate.kafka.ConsumerGroupLag;
import io.hookgate.kafka.EmbeddedKafkaBroker;
import io.hookgate.kafka.KafkaClientFactory;
import io.hookgate.metrics.GatewayMetrics;
import io.hookgate.pull.PullModule;
import io.hookgate.rules.RuleSet;
import io.hookgate.rules.RulesModule;
import io.hookgate.subscriptions.SubscriptionDeliveries;
import io.hookgate.subscriptions.SubscriptionsModule;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running gateway: wires configuration, Kafka clients and verticles together, and takes them down in
 * the order that loses nothing. {@link Main} runs it as a process; tests run it in their JVM.
 */
public final class Hookgate {
  private static final Logger LOG = LoggerFactory.getLogger(Hookgate.class);

  private final HookgateConfig config;
  private final EmbeddedKafkaBroker broker;
  private final Vertx vertx;
  private final Producer<String, byte[]> producer;
  private final Admin admin;
  private final GatewayMetrics metrics;
  private final KafkaReadiness readiness;
  private final KafkaClientMetrics producerMetrics;
  private IngressModule ingress;
  private final String bootstrapServers;
  /** In start order; closed in reverse once Vert.x has stopped their verticles. */
  private final List<GatewayModule> modules = new ArrayList<>();
  private ManagementVerticle management;

  private Hookgate(HookgateConfig config, EmbeddedKafkaBroker broker, String bootstrapServers, Vertx vertx,
      Producer<String, byte[]> producer, Admin admin, GatewayMetrics metrics, KafkaReadiness readiness,
      KafkaClientMetrics producerMetrics) {
    this.config = config;
    this.broker = broker;
    this.bootstrapServers = bootstrapServers;
    this.vertx = vertx;
    this.producer = producer;
    this.admin = admin;
    this.metrics = metrics;
    this.readiness = readiness;
    this.producerMetrics = producerMetrics;
  }

  /** Starts everything; blocks the calling thread (never call it from an event loop). */
  public static Hookgate start(HookgateConfig config, Map<String, String> env) throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    // Everything the configuration decides is checked before the embedded broker starts: a configuration error
    // stops start-up before anything listens. Targets resolve their secrets now, sources when the ingress is made.
    Map<String, Target> targets = Target.resolveAll(config.targets(), env);
    RuleSet rules = RulesModule.compile(config);
    // The embedded broker's dev mode keeps a generated encryption key beside its data when none is set.
    Path devKeyDir = config.kafka().useEmbedded()
        ? Path.of(config.kafka().embedded().dataDir()).toAbsolutePath().normalize().getParent() : null;
    Optional<SecretBox> secretBox = EncryptionKeys.resolve(config.encryption(), env, devKeyDir);
    EmbeddedKafkaBroker broker = null;
    String bootstrap = config.kafka().bootstrapServers();
    if (config.kafka().useEmbedded()) {
      var e = config.kafka().embedded();
      LOG.info("No Kafka configured (KAFKA_BOOTSTRAP_SERVERS / kafka.bootstrapServers): starting the embedded broker");
      broker = new EmbeddedKafkaBroker(Path.of(e.dataDir()).toAbsolutePath().normalize(), e.host(), e.port(),
          e.controllerPort(), Map.of()).start();
      bootstrap = broker.bootstrapServers();
      LOG.info("Embedded Kafka broker listening on {} (point kcat or any Kafka client here), data in {}",
          bootstrap, broker.dataDir());
    }
    KafkaClientFactory clients = new KafkaClientFactory(bootstrap, config.kafka());
    Producer<String, byte[]> producer = new KafkaProducer<>(
        clients.eventProducer("hookgate-ingress", config.ingress().publishTimeout()));
    Admin admin = Admin.create(clients.admin("hookgate-admin"));
    GatewayMetrics metrics = new GatewayMetrics();
    KafkaClientMetrics producerMetrics = new KafkaClientMetrics(producer);
    producerMetrics.bindTo(metrics.registry());
    Clock clock = Clock.systemUTC();
    KafkaReadiness readiness = new KafkaReadiness(admin, producer, config.kafka().topics().all(),
        config.kafka().createTopics(), broker != null ? 1 : -1, bootstrap, clock);
    metrics.gauge("hookgate.ready", "1 when hookgate can accept webhooks, else 0",
        () -> readiness.status().ready() ? 1 : 0);

    int instances = config.ingress().instances() > 0 ? config.ingress().instances()
        : Math.max(1, Runtime.getRuntime().availableProcessors());
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Math.max(instances, 2)));
    GatewayContext context = new GatewayContext(config, env, vertx, clients, admin, metrics, mapper, clock);
    Hookgate gateway = new Hookgate(config, broker, bootstrap, vertx, producer, admin, metrics, readiness,
        producerMetrics);
    try {
      // Before the ingress: the sources that connect to their platform accept their connections' secrets.
      ConnectionsModule connections = ConnectionsModule.create(context, secretBox.orElse(null));
      gateway.modules.add(connections);
      gateway.ingress = IngressModule.create(context, producer, connections.tokens());
      PullModule pull = PullModule.create(context, producer);
      gateway.modules.add(pull);
      KafkaReadiness.Status first = readiness.start(vertx, Duration.ofSeconds(2)).await(30, TimeUnit.SECONDS);
      if (!first.ready()) {
        LOG.warn("Starting while not ready ({}); webhooks get 503 until Kafka is reachable", first.reason());
      }
      SubscriptionsModule subscriptions = new SubscriptionsModule(context, secretBox.orElse(null));
      gateway.modules.add(subscriptions);
      // Always: subscriptions may be created at any time, and their deliveries are actions.
      DeliveryModule delivery = new DeliveryModule(context);
      ActionsModule actions = new ActionsModule(context, targets, delivery, subscriptions);
      List<GatewayModule> acting = List.of(delivery, actions);
      gateway.modules.addAll(acting);
      RulesModule rulesModule = new RulesModule(context, rules, subscriptions.store());
      gateway.modules.add(rulesModule);
      JobsModule jobs = new JobsModule(context, subscriptions);
      gateway.modules.add(jobs);
      // The management API's router is made from its OpenAPI document before the management port listens.
      gateway.modules.add(AdminModule.load(context, subscriptions, actions.subscriptionDeliveries(), jobs,
          gateway.ingress.recentRequests(), pull, connections)
          .await(30, TimeUnit.SECONDS));
      gateway.modules.add(new ConsoleModule());
      Map<String, Supplier<JsonNode>> details = new LinkedHashMap<>();
      gateway.modules.forEach(m -> details.putAll(m.readinessDetails()));
      gateway.management = new ManagementVerticle(config.management(), readiness, metrics, mapper,
          gateway.modules.stream().flatMap(m -> m.managementRoutes().stream()).toList(), details);
      vertx.deployVerticle(gateway.management).await(30, TimeUnit.SECONDS);
      // Every replica reads the subscriptions in full before it is ready, and before it matches or delivers.
      Future<Void> subscriptionsRead = subscriptions.start()
          .onFailure(e -> LOG.error("Subscriptions could not be read: {}", e.toString()));
      readiness.waitFor("reading the subscriptions", subscriptionsRead);
      // Every replica reads the connections in full before it is ready, so that it accepts their secrets.
      Future<Void> connectionsRead = connections.start()
          .onFailure(e -> LOG.error("Connections could not be read: {}", e.toString()));
      readiness.waitFor("reading the connections", connectionsRead);
      // With Kafka down at start, actions begin once it is reachable, like the ingress.
      Future<Void> actingStarted = subscriptionsRead.otherwiseEmpty();
      for (GatewayModule m : acting) {
        actingStarted = actingStarted.compose(v -> m.start());
      }
      actingStarted.onFailure(e -> LOG.error("Actions could not start: {}", e.toString()));
      if (first.ready()) {
        actingStarted.await(60, TimeUnit.SECONDS);
      }
      gateway.ingress.start().await(30, TimeUnit.SECONDS);
      readiness.markListening();
      // Kili's subscriptions once the positions can be read; Kili being away never holds the start.
      pull.start().onFailure(e -> LOG.error("The Kili pull could not start: {}", e.toString()));
      subscriptionsRead.otherwiseEmpty().compose(v -> jobs.start())
          .onFailure(e -> LOG.error("Jobs could not start: {}", e.toString()));
      // The rules and the matching of subscriptions start once the subscriptions are read.
      Future<Void> rulesStarted = subscriptionsRead.otherwiseEmpty().compose(v -> rulesModule.start())
          .onFailure(e -> LOG.error("Rules could not start: {}", e.toString()));
      if (first.ready()) {
        rulesStarted.await(30, TimeUnit.SECONDS);
      }
      ConsumerGroupLag lag = new ConsumerGroupLag(admin, vertx);
      gateway.modules.forEach(m -> m.consumerGroups().forEach(g -> lag.register(g, metrics.registry())));
    } catch (Exception e) {
      gateway.close();
      throw e;
    }
    LOG.info(
        "hookgate started: webhooks at http://{}:{}/webhooks/<source> for sources {}, management on port {}, Kafka {}{}",
        config.ingress().host(), config.ingress().port(), gateway.ingress.sourceNames(),
        config.management().port(), bootstrap, broker != null ? " (embedded)" : "");
    return gateway;
  }

  public HookgateConfig config() {
    return config;
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public KafkaReadiness readiness() {
    return readiness;
  }

  public int ingressPort() {
    return ingress.port();
  }

  /** The subscriptions (store and service); for tests and tools. */
  public SubscriptionsModule subscriptions() {
    return modules.stream().filter(SubscriptionsModule.class::isInstance).map(SubscriptionsModule.class::cast)
        .findFirst().orElseThrow();
  }

  /** The replays, redrives and dead letters; for tests and tools. */
  public JobsModule jobs() {
    return modules.stream().filter(JobsModule.class::isInstance).map(JobsModule.class::cast).findFirst()
        .orElseThrow();
  }

  /** The delivery side of subscriptions; for tests and tools. */
  public SubscriptionDeliveries subscriptionDeliveries() {
    return modules.stream().filter(ActionsModule.class::isInstance).map(ActionsModule.class::cast)
        .findFirst().orElseThrow().subscriptionDeliveries();
  }

  public int managementPort() {
    return management.actualPort();
  }

  /**
   * Graceful shutdown, all within {@code shutdown.gracePeriod}: readiness turns false first, then the drain
   * delay lets load balancers stop sending; then the webhook listener closes and the requests in flight
   * get their Kafka acknowledgement and their answer; then the producer flushes what it still holds,
   * consumers leave their groups, Vert.x closes (the management port last, so probes see "not ready" until
   * the end) and the embedded broker, if any, stops cleanly.
   */
  public void shutdownGracefully() {
    long started = System.nanoTime();
    Duration grace = config.shutdown().gracePeriod();
    long deadline = started + grace.toNanos();
    Duration drain = min(config.shutdown().drainDelay(), grace);
    LOG.info("Shutting down within {}ms: readiness off, then {}ms for load balancers to stop sending",
        grace.toMillis(), drain.toMillis());
    readiness.markShuttingDown();
    sleep(drain);
    // Keep part of the grace period for flushing the producer and stopping Kafka after the listener.
    Duration reserve = min(grace.dividedBy(4), Duration.ofSeconds(5));
    Duration httpGrace = atLeast(remaining(deadline).minus(reserve), Duration.ZERO);
    LOG.info("Closing the webhook listener; requests in flight have {}ms to finish", httpGrace.toMillis());
    try {
      ingress.shutdown(httpGrace).await(httpGrace.toMillis() + 1000, TimeUnit.MILLISECONDS);
      LOG.info("Webhook listener closed: every request in flight has been answered");
    } catch (Exception e) {
      LOG.warn("Requests still in flight after {}ms were cut off: {}", httpGrace.toMillis(), e.toString());
    }
    release(deadline);
    LOG.info("hookgate stopped in {}ms", Duration.ofNanos(System.nanoTime() - started).toMillis());
  }

  /** Closes everything at once, without draining; use {@link #shutdownGracefully()} for that. */
  public void close() {
    release(System.nanoTime() + Duration.ofSeconds(20).toNanos());
    LOG.info("hookgate stopped");
  }

  /** Releases the clients, Vert.x and the broker, in the order that loses nothing, by {@code deadline}. */
  private void release(long deadline) {
    readiness.stop(vertx);
    // No request can publish any more: close() sends what the producer still holds and waits for the acks.
    try {
      producerMetrics.close();
      producer.close(atLeast(remaining(deadline), Duration.ofSeconds(1)));
      LOG.info("Kafka producer flushed and closed");
    } catch (RuntimeException e) {
      LOG.warn("Kafka producer did not close cleanly: {}", e.toString());
    }
    // Consumers (rules, actions) commit their offsets and leave their groups here, before Vert.x closes.
    try {
      vertx.close().await(atLeast(remaining(deadline), Duration.ofSeconds(1)).toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("Vert.x did not close cleanly: {}", e.toString());
    }
    // After Vert.x: the consumers have drained through the modules' producers while they stopped.
    for (int i = modules.size() - 1; i >= 0; i--) {
      modules.get(i).close();
    }
    admin.close(atLeast(remaining(deadline), Duration.ofMillis(500)));
    metrics.close();
    if (broker != null) {
      LOG.info("Stopping the embedded Kafka broker");
      broker.stop();
    }
  }

  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static Duration atLeast(Duration d, Duration floor) {
    return d.compareTo(floor) >= 0 ? d : floor;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
