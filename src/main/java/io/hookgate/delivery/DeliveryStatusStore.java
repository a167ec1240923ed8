package io.hookgate.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every delivery log, in memory, as the compacted delivery-status topic holds them. At start it reads the
 * whole topic (all partitions, from the beginning, without a consumer group) and {@link #start()}
 * completes once it has caught up with the end offsets of that moment; it then follows the topic, so that
 * every replica serves the same logs and a restart loses none.
 *
 * <p>Per key, the record with the highest {@code version} wins, whether it comes from the topic or from
 * this replica's own write (applied locally at once, before its echo comes back from the topic).
 */
public final class DeliveryStatusStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryStatusStore.class);

  private final Map<String, Object> properties;
  private final String topic;
  private final ObjectMapper mapper;
  private final Map<String, DeliveryStatus> logs = new ConcurrentHashMap<>();
  private final Promise<Void> caughtUp = Promise.promise();
  private volatile boolean running = true;
  private volatile KafkaConsumer<String, byte[]> consumer;
  private Thread thread;

  /** @param properties consumer properties with bootstrap servers and client id */
  public DeliveryStatusStore(Map<String, Object> properties, String topic, ObjectMapper mapper) {
    this.properties = new HashMap<>(properties);
    this.topic = topic;
    this.mapper = mapper;
    this.properties.remove(ConsumerConfig.GROUP_ID_CONFIG);
    this.properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    this.properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    this.properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
  }

  /** Starts reading; completes when the topic as it was at start has been read. */
  public Future<Void> start() {
    thread = new Thread(this::run, "hookgate-delivery-status");
    thread.setDaemon(true);
    thread.start();
    return caughtUp.future();
  }

  public static String key(String target) {
    return target;
  }

  public static String key(String target, String source, String projectId) {
    return target + "|" + (source == null ? "" : source) + "|" + (projectId == null ? "" : projectId);
  }

  public Optional<DeliveryStatus> get(String key) {
    return Optional.ofNullable(logs.get(key));
  }

  /** Target-level logs, by name. */
  public List<DeliveryStatus> targets() {
    return logs.values().stream().filter(s -> s.source() == null && s.projectId() == null)
        .sorted(Comparator.comparing(DeliveryStatus::target)).toList();
  }

  /** The subscription logs of one target. */
  public List<DeliveryStatus> subscriptions(String target) {
    return logs.values().stream()
        .filter(s -> s.target().equals(target) && (s.source() != null || s.projectId() != null))
        .sorted(Comparator.comparing((DeliveryStatus s) -> String.valueOf(s.source()))
            .thenComparing(s -> String.valueOf(s.projectId())))
        .toList();
  }

  /** Applies a record unless the store already holds a newer version of that key. */
  public void apply(String key, DeliveryStatus status) {
    logs.merge(key, status, (old, incoming) -> incoming.version() > old.version() ? incoming : old);
  }

  private void run() {
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(properties)) {
      consumer = c;
      List<TopicPartition> partitions = partitions(c);
      if (partitions == null) {
        return;
      }
      c.assign(partitions);
      c.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = null;
      while (running) {
        try {
          if (end == null) {
            end = c.endOffsets(partitions, Duration.ofSeconds(10));
          }
          for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
            read(r);
          }
          if (!caughtUp.future().isComplete() && reached(c, end)) {
            LOG.info("Delivery status: {} logs read from {}", logs.size(), topic);
            caughtUp.tryComplete();
          }
        } catch (WakeupException e) {
          // close() woke us up.
        } catch (RuntimeException e) {
          LOG.warn("Delivery status: reading {} failed, retrying: {}", topic, e.toString());
          sleep(Duration.ofSeconds(1));
        }
      }
    } catch (RuntimeException e) {
      LOG.error("Delivery status: the reader of {} stopped", topic, e);
      caughtUp.tryFail(e);
    } finally {
      caughtUp.tryFail("the delivery status store was closed before it had read " + topic);
    }
  }

  private List<TopicPartition> partitions(KafkaConsumer<String, byte[]> c) {
    while (running) {
      try {
        List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(10));
        if (infos != null && !infos.isEmpty()) {
          List<TopicPartition> out = new ArrayList<>();
          infos.forEach(p -> out.add(new TopicPartition(p.topic(), p.partition())));
          return out;
        }
        LOG.warn("Delivery status: topic {} has no partitions yet; waiting", topic);
      } catch (WakeupException e) {
        return null;
      } catch (RuntimeException e) {
        LOG.warn("Delivery status: cannot look up topic {}: {}", topic, e.toString());
      }
      sleep(Duration.ofSeconds(1));
    }
    return null;
  }

  private static boolean reached(KafkaConsumer<String, byte[]> c, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (c.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private void read(ConsumerRecord<String, byte[]> r) {
    if (r.key() == null) {
      return;
    }
    if (r.value() == null) {
      logs.remove(r.key());
      return;
    }
    try {
      apply(r.key(), mapper.readValue(r.value(), DeliveryStatus.class));
    } catch (Exception e) {
      LOG.warn("Delivery status: record {} at {}-{}@{} is not a delivery status; skipped", r.key(), r.topic(),
          r.partition(), r.offset());
    }
  }

  private void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /** All logs, for tests and tools. */
  public Collection<DeliveryStatus> all() {
    return List.copyOf(logs.values());
  }

  @Override
  public void close() {
    running = false;
    KafkaConsumer<String, byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    if (thread != null) {
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
