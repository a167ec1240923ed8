package io.hookgate.rules;

import io.hookgate.GatewayContext;
import io.hookgate.GatewayModule;
import io.hookgate.config.ConfigException;
import io.hookgate.config.HookgateConfig;
import io.hookgate.config.RulesEngineConfig;
import io.hookgate.kafka.ConsumerGroupLag;
import io.hookgate.kafka.ConsumerProgress;
import io.hookgate.kafka.ConsumerSettings;
import io.hookgate.kafka.ConsumerSettings.OnFailure;
import io.hookgate.kafka.ConsumerVerticle;
import io.hookgate.kafka.KafkaClientFactory;
import io.hookgate.kafka.ModuleProducer;
import io.hookgate.subscriptions.SubscriptionStore;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules and the subscriptions' matching: {@code rulesEngine.instances} consumers of the events topic per
 * replica, in one group shared by every replica, writing the actions their rules emit and the deliveries of the
 * subscriptions each event matches through one idempotent producer. Without subscriptions (tests that run the
 * rules alone) nothing runs when no rule is configured.
 */
public final class RulesModule implements GatewayModule {
  private static final Logger LOG = LoggerFactory.getLogger(RulesModule.class);

  private final GatewayContext context;
  private final RuleSet rules;
  private final String eventsTopic;
  private final String actionsTopic;
  private final String group;
  private final SubscriptionStore subscriptions;
  private ModuleProducer producer;

  /** @param subscriptions the subscriptions to match; null for rules alone */
  public RulesModule(GatewayContext context, RuleSet rules, SubscriptionStore subscriptions) {
    this.context = context;
    this.rules = rules;
    this.subscriptions = subscriptions;
    HookgateConfig config = context.config();
    this.eventsTopic = config.kafka().topics().events().name();
    this.group = config.rulesEngine().groupId(eventsTopic);
    if (runs() && config.kafka().topics().actions() == null) {
      throw new ConfigException("config key 'kafka.topics.actions': is required");
    }
    this.actionsTopic = runs() ? config.kafka().topics().actions().name() : null;
  }

  /**
   * Compiles every rule, or throws {@link ConfigException}: called before anything starts, so that a wrong
   * expression, or a rule naming a source or target that is not configured, stops start-up.
   */
  public static RuleSet compile(HookgateConfig config) {
    RuleSet rules = new RuleCompiler().compile(config.rules());
    if (!config.sources().isEmpty()) {
      rules.requireSources(config.sources().keySet());
    }
    if (!config.targets().isEmpty()) {
      rules.requireTargets(config.targets().keySet());
    } else if (!rules.isEmpty()) {
      LOG.warn("Rules are configured but no targets: their actions are dead-lettered as for an unknown target");
    }
    return rules;
  }

  /** The events topic, and hookgate's own events when there are subscriptions to get them. */
  private List<String> topics() {
    var operations = context.config().kafka().topics().operations();
    return subscriptions == null || operations == null ? List.of(eventsTopic)
        : List.of(eventsTopic, operations.name());
  }

  private boolean runs() {
    return !rules.isEmpty() || subscriptions != null;
  }

  /** Starts the consumers; call once the subscriptions are read, so that the first events match them. */
  @Override
  public Future<Void> start() {
    if (!runs()) {
      return Future.succeededFuture();
    }
    SubscriptionRoutes routes = subscriptions == null ? null
        : new SubscriptionRoutes(subscriptions, new FilterExpressions());
    RulesEngineConfig engine = context.config().rulesEngine();
    producer = new ModuleProducer("the rules producer", context.kafka().blockingProducer("hookgate-rules-actions"));
    ConsumerProgress progress = ConsumerProgress.register(context.metrics().registry(), group);
    RulesStats.bind(context.metrics(), progress);
    rules.names().forEach(context.metrics()::ruleConfigured);
    AtomicInteger n = new AtomicInteger();
    Producer<String, byte[]> actions = producer.producer();
    // Workers: the producer may wait for metadata, and CEL is evaluated off the event loops.
    return producer.start(context.vertx(), context.metrics().registry(), List.of())
        .compose(v -> context.vertx().deployVerticle(() -> {
          String name = "hookgate-rules-" + n.getAndIncrement();
          return new ConsumerVerticle(consumerSettings(context.kafka(), name, group, topics(), engine),
              new RulesHandler(name, actions, actionsTopic, rules, routes, context.mapper(), context.metrics(),
                  context.clock()),
              context.metrics().registry(), progress);
        }, new DeploymentOptions().setInstances(engine.instances()).setThreadingModel(ThreadingModel.WORKER)))
        .onSuccess(id -> LOG.info("Rules {} running in {} consumer(s) of group {}: {} -> {}", rules.names(),
            engine.instances(), group, eventsTopic, actionsTopic))
        .mapEmpty();
  }

  /**
   * One rules consumer: at most {@code maxInFlight} events whose actions are not acknowledged; on a stop or a
   * rebalance, up to {@code drainTimeout} for them before the commit; a failed write reads the partition again.
   */
  static ConsumerSettings consumerSettings(KafkaClientFactory kafka, String name, String group, String eventsTopic,
      RulesEngineConfig engine) {
    return consumerSettings(kafka, name, group, List.of(eventsTopic), engine);
  }

  static ConsumerSettings consumerSettings(KafkaClientFactory kafka, String name, String group, List<String> topics,
      RulesEngineConfig engine) {
    return ConsumerSettings.group(name, kafka.groupConsumer(name, group, engine.maxInFlight(),
        engine.autoOffsetReset()), topics)
        .withMaxInFlight(engine.maxInFlight())
        .withCommitInterval(kafka.commitInterval())
        .withDrain(engine.drainTimeout(), engine.drainTimeout())
        .withOnFailure(OnFailure.READ_AGAIN);
  }

  @Override
  public List<ConsumerGroupLag.Group> consumerGroups() {
    return !runs() ? List.of() : List.of(new ConsumerGroupLag.Group(group, eventsTopic,
        !"latest".equals(context.config().rulesEngine().autoOffsetReset())));
  }

  /** After Vert.x has closed: the consumers have drained through the producer while they stopped. */
  @Override
  public void close() {
    if (producer != null) {
      producer.close();
    }
  }
}
