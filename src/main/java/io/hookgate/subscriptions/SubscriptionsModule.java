package io.hookgate.subscriptions;

import io.hookgate.GatewayContext;
import io.hookgate.GatewayModule;
import io.hookgate.config.SecretBox;
import io.hookgate.config.TopicSpec;
import io.hookgate.event.EventPublisher;
import io.hookgate.event.OperationalEvents;
import io.hookgate.kafka.ConsumerGroupLag;
import io.hookgate.kafka.ConsumerSettings;
import io.hookgate.kafka.ConsumerSettings.OnFailure;
import io.hookgate.kafka.ConsumerVerticle;
import io.hookgate.kafka.ModuleProducer;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Subscriptions as data, with Kafka as the only store: the compacted state topic every replica reads in full
 * before it is ready and follows after ({@link SubscriptionStore}), the commands topic whose writers apply
 * changes one at a time ({@link SubscriptionWriter}), and the {@link SubscriptionService} the API asks.
 */
public final class SubscriptionsModule implements GatewayModule {
  private static final Logger LOG = LoggerFactory.getLogger(SubscriptionsModule.class);

  private final GatewayContext context;
  private final String stateTopic;
  private final String commandsTopic;
  private final ModuleProducer producer;
  private final SubscriptionCodec codec;
  private final SubscriptionStore store;
  private final SubscriptionService service;
  private final SubscriptionWriter writer;
  private final PauseRetention retention;
  private final OperationalEvents operations;
  /** Paused subscriptions already warned about, by id and pause start, so that each pause is warned of once. */
  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  /** @param box null when no encryption key is set: subscriptions can then be read but not written */
  public SubscriptionsModule(GatewayContext context, SecretBox box) {
    this.context = context;
    this.stateTopic = TopicSpec.requiredName(context.config().kafka().topics().subscriptions(), "subscriptions");
    this.commandsTopic = TopicSpec.requiredName(context.config().kafka().topics().subscriptionCommands(),
        "subscriptionCommands");
    this.producer = new ModuleProducer("the subscriptions producer",
        context.kafka().eventLoopProducer("hookgate-subscriptions", Duration.ofSeconds(10)));
    this.codec = new SubscriptionCodec(box);
    this.store = new SubscriptionStore(codec, context.clock());
    EventPublisher publisher = new EventPublisher(producer.producer());
    this.service = new SubscriptionService(context.vertx(), store, codec, publisher, commandsTopic,
        context.config().subscriptions().secretOverlap(), context.clock());
    TopicSpec ops = context.config().kafka().topics().operations();
    this.operations = ops == null ? null : new OperationalEvents(ops.name(), context.mapper(), context.clock());
    this.writer = new SubscriptionWriter(store, codec, publisher, stateTopic, this::stateEnds, operations,
        context.clock());
    TopicSpec actions = context.config().kafka().topics().actions();
    this.retention = new PauseRetention(actions == null ? "the actions topic" : actions.name(),
        actions == null ? null : actions.retention());
  }

  /**
   * Tells {@code listener} which partitions of the commands topic this replica writes for, whenever that changes:
   * what is keyed like a subscription (its replay jobs) runs on the replica that writes for its key.
   */
  public void onOwnership(Consumer<Set<Integer>> listener) {
    writer.onOwnership(listener);
  }

  /** The commands topic, whose partitions say who writes for a key. */
  public String commandsTopic() {
    return commandsTopic;
  }

  /** hookgate's own events (null when no operations topic is configured). */
  public OperationalEvents operations() {
    return operations;
  }

  /** Says when a pause is long enough for Kafka's retention to delete what it holds. */
  public PauseRetention retention() {
    return retention;
  }

  /** Warns once per pause, in the log, of a pause that outlasts (or is about to) what Kafka keeps. */
  private void warnOfLongPauses() {
    for (Subscription s : store.all()) {
      retention.warning(s, context.clock().instant()).ifPresent(w -> {
        if (warned.add(s.id() + "@" + s.pause().since())) {
          LOG.warn("Subscription {} {}", s.id(), w);
        }
      });
    }
  }

  public SubscriptionStore store() {
    return store;
  }

  public SubscriptionService service() {
    return service;
  }

  /** Whether an encryption key is set, without which no subscription can be written. */
  public boolean writable() {
    return codec.canSeal();
  }

  /**
   * Reads the state topic to its end, then starts the writer of this replica's share of the commands topic.
   * Completes once both run; the gateway is not ready before.
   */
  @Override
  public Future<Void> start() {
    var kafka = context.kafka();
    ConsumerVerticle follower = new ConsumerVerticle(ConsumerSettings.wholeTopic("hookgate-subscriptions-reader",
        kafka.topicReader("hookgate-subscriptions-reader"), stateTopic, ConsumerSettings.StartAt.beginning()),
        store, null, null);
    String group = commandsTopic + ".writers";
    // One command at a time, in order; a failed state write reads the command again.
    ConsumerSettings writers = ConsumerSettings.group("hookgate-subscriptions-writer",
        kafka.groupConsumer("hookgate-subscriptions-writer", group, 1, "earliest"), commandsTopic)
        .withMaxInFlight(1)
        .withCommitInterval(kafka.commitInterval())
        .withDrain(Duration.ofSeconds(5), Duration.ofSeconds(5))
        .withOnFailure(OnFailure.READ_AGAIN);
    return producer.start(context.vertx(), context.metrics().registry(), operations == null
        ? List.of(stateTopic, commandsTopic)
        : List.of(stateTopic, commandsTopic, context.config().kafka().topics().operations().name()))
        .compose(v -> follower.deployAndCatchUp(context.vertx()))
        .onSuccess(v -> LOG.info("Subscriptions: {} read from {}", store.size(), stateTopic))
        .compose(v -> context.vertx().deployVerticle(new WriterVerticle(writers, writer)))
        .onSuccess(v -> context.vertx().setPeriodic(Duration.ofMinutes(1).toMillis(), t -> warnOfLongPauses()))
        .mapEmpty();
  }

  /** The end offsets of the state topic, asked of the cluster. */
  private Future<Map<Integer, Long>> stateEnds() {
    return context.vertx().executeBlocking(() -> {
      var partitions = context.admin().describeTopics(List.of(stateTopic)).allTopicNames().get()
          .get(stateTopic).partitions();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      partitions.forEach(p -> latest.put(new TopicPartition(stateTopic, p.partition()), OffsetSpec.latest()));
      Map<Integer, Long> ends = new HashMap<>();
      context.admin().listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp.partition(), info.offset()));
      return ends;
    }, false);
  }

  @Override
  public List<ConsumerGroupLag.Group> consumerGroups() {
    return List.of(new ConsumerGroupLag.Group(commandsTopic + ".writers", commandsTopic, true));
  }

  @Override
  public void close() {
    producer.close();
  }
}
