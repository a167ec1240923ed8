package io.hookgate.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A module's own Kafka producer with its client metrics in {@code /metrics} ({@code kafka_producer_*}): each
 * module (actions, delivery status, jobs, rules, subscriptions) writes through one of these, so that a slow or
 * failing write of one shows under its own client id and does not hold the others' buffers.
 */
public final class ModuleProducer {
  private static final Logger LOG = LoggerFactory.getLogger(ModuleProducer.class);

  private final String name;
  private final Producer<String, byte[]> producer;
  private KafkaClientMetrics metrics;

  /**
   * @param name what the module's log lines call it ({@code the jobs producer})
   * @param properties from {@link KafkaClientFactory}
   */
  public ModuleProducer(String name, Map<String, Object> properties) {
    this.name = name;
    this.producer = new KafkaProducer<>(properties);
  }

  public Producer<String, byte[]> producer() {
    return producer;
  }

  /**
   * Binds the client metrics, then, on a worker, fetches the metadata of the topics the module writes, so that
   * its first writes (often on an event loop, with {@code max.block.ms=0}) do not fail for lack of it.
   */
  public Future<Void> start(Vertx vertx, MeterRegistry registry, List<String> topics) {
    metrics = new KafkaClientMetrics(producer);
    metrics.bindTo(registry);
    if (topics.isEmpty()) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      TopicMetadata.warm(producer, topics);
      return null;
    }, false).mapEmpty();
  }

  /** Sends what is buffered (waiting up to 5 s) and closes; call once the module's writers have stopped. */
  public void close() {
    if (metrics != null) {
      metrics.close();
    }
    try {
      producer.close(Duration.ofSeconds(5));
    } catch (RuntimeException e) {
      LOG.warn("Closing {}: {}", name, e.toString());
    }
  }
}
