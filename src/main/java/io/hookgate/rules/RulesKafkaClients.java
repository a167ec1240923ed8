package io.hookgate.rules;

import io.hookgate.config.RulesEngineConfig;
import io.hookgate.kafka.KafkaClientFactory;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Kafka client settings of the rules side: a group consumer of the events, a producer of the actions. */
public final class RulesKafkaClients {
  private RulesKafkaClients() {
  }

  /** Offsets are committed by hand, only once an event's actions are acknowledged. */
  public static Map<String, Object> consumer(KafkaClientFactory clients, String clientId, String groupId,
      RulesEngineConfig config) {
    Map<String, Object> p = clients.groupMember(clientId, groupId);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, config.autoOffsetReset());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(1, Math.min(500, config.maxInFlight())));
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }

  /**
   * Idempotent, {@code acks=all}: an acknowledged action is stored, and retries inside the producer neither
   * duplicate nor reorder it. {@code send()} is only called from the rules consumers' own threads, so it may
   * wait a little for metadata. {@code batch.size} is 128 KiB for the reason the ingress producer's is (see
   * {@link KafkaClientFactory#eventProducer}): actions are keyed by target, so a busy target's forwarded
   * events (~4 KB each) all go to one partition. The operator's {@code kafka.producer} settings apply too.
   */
  public static Map<String, Object> actionsProducer(KafkaClientFactory clients, String clientId) {
    Map<String, Object> p = clients.common(clientId);
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, KafkaClientFactory.MAX_RECORD_BYTES);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 2);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    clients.applyProducerOverrides(p);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }
}
