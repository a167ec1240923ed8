package io.hookgate.kafka;

import io.hookgate.config.KafkaSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Every Kafka client property hookgate uses is made here: the cluster in use, the operator's {@code kafka.client}
 * and {@code kafka.producer} settings, and hookgate's durability settings, which configuration cannot weaken.
 */
public final class KafkaClientFactory {
  /** Settings an operator may not override: they are what makes a 202 mean "stored". */
  private static final Set<String> DURABILITY = Set.of(ProducerConfig.ACKS_CONFIG,
      ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, ProducerConfig.MAX_BLOCK_MS_CONFIG);

  private final String bootstrapServers;
  private final KafkaSettings settings;

  public KafkaClientFactory(String bootstrapServers, KafkaSettings settings) {
    this.bootstrapServers = bootstrapServers;
    this.settings = settings;
  }
  /**
   * A consumer-group member's properties: {@link #common} plus the group, and, with
   * {@code kafka.groupInstanceId}, its static membership ({@code <groupInstanceId>.<clientId>}, unique per
   * consumer of the replica). Static members leave the group on a clean close all the same (see the
   * consumers' {@code close}): only a crash keeps their partitions waiting for them, for at most the session timeout.
   */
  public Map<String, Object> groupMember(String clientId, String groupId) {
    Map<String, Object> p = common(clientId);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    if (!settings.groupInstanceId().isEmpty()) {
      p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, settings.groupInstanceId() + "." + clientId);
    }
    return p;
  }

  /**
   * A {@link ConsumerLoop} in a group: offsets committed by hand, only for finished records; at most
   * {@code maxPollRecords} records a poll (the loop's in-flight bound); committed records only.
   *
   * @param autoOffsetReset where a partition the group never committed starts: earliest or latest
   */
  public Map<String, Object> groupConsumer(String clientId, String groupId, int maxPollRecords,
      String autoOffsetReset) {
    Map<String, Object> p = groupMember(clientId, groupId);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, autoOffsetReset);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(1, Math.min(500, maxPollRecords)));
    deserializers(p);
    return p;
  }

  /** A {@link ConsumerLoop} reading a whole topic: no group, no commits. */
  public Map<String, Object> topicReader(String clientId) {
    Map<String, Object> p = common(clientId);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    deserializers(p);
    return p;
  }

  private static void deserializers(Map<String, Object> p) {
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
  }

  /**
   * A producer that may wait a little (for metadata, or buffer space), for threads that are not event loops:
   * idempotent and {@code acks=all}, so that an acknowledged record is stored and the producer's own retries
   * neither duplicate nor reorder it. {@code batch.size} is 128 KiB for the reason the ingress producer's is (see
   * {@link #eventProducer}): records keyed by target all go to one partition. The operator's
   * {@code kafka.producer} settings apply too.
   */
  public Map<String, Object> blockingProducer(String clientId) {
    Map<String, Object> p = common(clientId);
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_RECORD_BYTES);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 2);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    applyProducerOverrides(p);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    serializers(p);
    return p;
  }

  /**
   * The producer of the acting side (outcomes, retries, dead letters, delivery logs) on event loops: the
   * ingress producer's settings with {@code timeout} for deliveries, and the metadata of the few topics it
   * writes kept for a day, since {@code max.block.ms=0} makes a send without metadata fail.
   */
  public Map<String, Object> eventLoopProducer(String clientId, Duration timeout) {
    Map<String, Object> p = eventProducer(clientId, timeout);
    p.put(ProducerConfig.METADATA_MAX_IDLE_CONFIG, (int) Duration.ofDays(1).toMillis());
    return p;
  }

  private static void serializers(Map<String, Object> p) {
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
  }

  /** {@code kafka.commitInterval}: the least time between two offset commits of a running consumer. */
  public Duration commitInterval() {
    return settings.commitInterval();
  }

  /**
   * The largest record hookgate writes (producers' {@code max.request.size}, and {@code max.message.bytes} of
   * the topics it creates and of its embedded broker). Kafka's 1 MiB default is too small: an event's
   * {@code data} carries the body and what hookgate reads from it, up to about twice the body for a label of
   * thousands of boxes, so a body within the default 1 MiB limit could make a record Kafka refuses. Operators
   * may change it with {@code kafka.producer.max.request.size} and their topics' settings.
   */
  public static final int MAX_RECORD_BYTES = 4 * 1024 * 1024;

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public Map<String, Object> common(String clientId) {
    Map<String, Object> p = new HashMap<>(settings.client());
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
    return p;
  }

  /**
   * The ingress producer: idempotent, {@code acks=all}, and {@code max.block.ms=0} so that {@code send()}
   * never blocks the event loop (with no topic metadata or a full buffer it fails at once, and the request
   * gets a 503). A record not acknowledged within the publish timeout is failed by the producer itself.
   *
   * <p>{@code batch.size} is 128 KiB, not Kafka's 16 KiB: events are keyed by project, so a busy project
   * writes to one partition, where at most 5 batches are in flight. A CloudEvent of a 2 KB webhook is about
   * 4 KB, so 16 KiB batches held 4 events and the producer thread spent ~17 us of CPU per event; with
   * 128 KiB one batch takes what arrives during the linger, and bench/ measured ~5 us per event and 40%
   * more webhooks per second on one core. An operator can still override both in {@code kafka.producer}.
   */
  public Map<String, Object> eventProducer(String clientId, Duration publishTimeout) {
    Map<String, Object> p = common(clientId);
    long timeout = Math.max(1000, publishTimeout.toMillis());
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_RECORD_BYTES);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 2);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(500, timeout - 100));
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout);
    applyProducerOverrides(p);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 0);
    serializers(p);
    return p;
  }

  /**
   * The operator's {@code kafka.producer} settings, except those durability depends on ({@code acks},
   * idempotence...), which hookgate sets itself.
   */
  public void applyProducerOverrides(Map<String, Object> properties) {
    settings.producer().forEach((k, v) -> {
      if (!DURABILITY.contains(k)) {
        properties.put(k, v);
      }
    });
  }

  public Map<String, Object> admin(String clientId) {
    Map<String, Object> p = common(clientId);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
    p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
    return p;
  }
}
