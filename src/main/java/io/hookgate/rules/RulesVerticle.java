package io.hookgate.rules;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.actions.ActionCodec;
import io.hookgate.config.RulesEngineConfig;
import io.hookgate.metrics.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link RulesConsumer}: deploy it N times per gateway (and run several gateways) and the
 * instances share the events topic's partitions through their consumer group. The Kafka work happens on
 * the consumer's own thread, never on an event loop; start completes once it has subscribed, stop once it
 * has drained the events in flight, committed and left the group.
 */
public final class RulesVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RulesVerticle.class);
  private static final long RESTART_DELAY_MS = 5_000;

  private final String clientId;
  private final Map<String, Object> consumerConfig;
  private final Producer<String, byte[]> producer;
  private final String eventsTopic;
  private final String actionsTopic;
  private final RuleSet rules;
  private final RulesEngineConfig config;
  private final Duration commitInterval;
  private final GatewayMetrics metrics;
  private final RulesStats stats;
  private final ObjectMapper mapper;
  private final Clock clock;
  private RulesConsumer consumer;
  private boolean stopping;

  /**
   * @param consumerConfig from {@link RulesKafkaClients#consumer}; its client id names the thread
   * @param producer shared by the instances; writes the actions (see {@link RulesKafkaClients#actionsProducer})
   */
  public RulesVerticle(Map<String, Object> consumerConfig, Duration commitInterval, Producer<String, byte[]> producer,
      String eventsTopic, String actionsTopic, RuleSet rules, RulesEngineConfig config, GatewayMetrics metrics,
      RulesStats stats, ObjectMapper mapper, Clock clock) {
    this.commitInterval = commitInterval;
    this.clientId = String.valueOf(consumerConfig.get("client.id"));
    this.consumerConfig = Map.copyOf(consumerConfig);
    this.producer = producer;
    this.eventsTopic = eventsTopic;
    this.actionsTopic = actionsTopic;
    this.rules = rules;
    this.config = config;
    this.metrics = metrics;
    this.stats = stats;
    this.mapper = mapper;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    return launch();
  }

  private Future<Void> launch() {
    RulesConsumer c = new RulesConsumer(clientId, () -> new KafkaConsumer<>(consumerConfig), producer, eventsTopic,
        actionsTopic, rules, new ActionCodec(), mapper, metrics, stats, clock, config.maxInFlight(),
        config.drainTimeout(), commitInterval);
    consumer = c;
    Thread thread = new Thread(c, clientId);
    thread.setDaemon(true);
    thread.start();
    LOG.info("Rules consumer {} started: {} rules on {} -> {} (group {})", clientId, rules.names().size(), eventsTopic,
        actionsTopic, consumerConfig.get("group.id"));
    // A consumer that died on an unexpected error (it has committed what it could) is replaced, so this
    // replica keeps its share of the partitions.
    c.stopped().thenRun(() -> context.runOnContext(v -> {
      if (!stopping && c.failed() && c.subscribed().isDone() && !c.subscribed().isCompletedExceptionally()) {
        LOG.warn("Rules consumer {} restarts in {}ms", clientId, RESTART_DELAY_MS);
        vertx.setTimer(RESTART_DELAY_MS, id -> {
          if (!stopping) {
            launch();
          }
        });
      }
    }));
    return Future.fromCompletionStage(c.subscribed(), context);
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    return consumer == null ? Future.succeededFuture() : Future.fromCompletionStage(consumer.stop(), context);
  }
}
