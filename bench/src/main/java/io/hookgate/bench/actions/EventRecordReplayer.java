package io.hookgate.bench.actions;

import io.hookgate.bench.management.ProjectSpots;
import io.hookgate.bench.management.Projects;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The acting phase's way in: writes events straight into the gateway's events topic as the very records its
 * ingress writes (CloudEvents Kafka binary binding: {@code ce_*} headers, the project as key, the data as
 * value), so the gateway's core does only the acting half (rules, actions, calls). The record is not built
 * here but taken from the gateway itself: {@link #readOne} reads one that its ingress wrote for a probe
 * webhook, and every event replays it with only the {@code ce_id} header changed, which makes it a distinct
 * event whose forward reaches the sink as {@code <id>:<rule>:0}.
 *
 * <p>With {@code projects} > 1 (bench/run-management.sh's fan-out phases) the events take the projects of
 * {@link Projects} in turn: event {@code k} is the template with every occurrence of its project id (the key,
 * {@code data.projectId}, the body kept as {@code data.original}, any header) replaced by project
 * {@code k % projects}'s, an id of the same length, so that every event has the same size.
 *
 * <p>The producer is a plain kafka-clients producer in the driver's process (on the load core), with the
 * settings hookgate's ingress uses: {@code acks=all}, idempotent, {@code linger.ms} 2, {@code batch.size}
 * 128 KiB. An event counts as written when the broker acknowledged it (the time is taken in the producer's
 * callback, and the result handed back to the driver's event loop).
 */
final class EventRecordReplayer implements Submitter, AutoCloseable {
  static final String ID_HEADER = "ce_id";

  private final Context context;
  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final byte[] key;
  private final byte[] value;
  private final Header[] headers;
  private final int idIndex;
  /** Project ids taken in turn (one: the template's own, unchanged), and where the template holds its own. */
  private final byte[][] projectIds;
  private final ProjectSpots spots;
  private long sequence;

  private EventRecordReplayer(Context context, Producer<byte[], byte[]> producer, String topic,
      ConsumerRecord<byte[], byte[]> template, int projects) {
    this.context = context;
    this.producer = producer;
    this.topic = topic;
    this.key = template.key();
    this.value = template.value();
    this.headers = template.headers().toArray();
    if (projects > 1) {
      if (key == null) {
        throw new IllegalArgumentException("the template record has no key (its project): cannot vary projects");
      }
      Projects names = new Projects(new String(key, StandardCharsets.UTF_8));
      this.projectIds = new byte[projects][];
      for (int i = 0; i < projects; i++) {
        projectIds[i] = names.id(i).getBytes(StandardCharsets.UTF_8);
      }
      this.spots = new ProjectSpots(key, value, headers);
    } else {
      this.projectIds = null;
      this.spots = null;
    }
    int found = -1;
    for (int i = 0; i < headers.length; i++) {
      if (headers[i].key().equals(ID_HEADER)) {
        found = i;
      }
    }
    if (found < 0) {
      throw new IllegalArgumentException("the record read from " + topic + " has no " + ID_HEADER
          + " header: not a CloudEvent in the binary binding");
    }
    this.idIndex = found;
  }

  /**
   * A replayer of {@code template} into {@code topic}, whose producer already has the topic's metadata (so
   * that no send blocks the event loop waiting for it). Call from a thread that may block.
   *
   * @param context the driver's event loop, where the futures complete
   */
  static EventRecordReplayer create(Context context, String bootstrap, String topic,
      ConsumerRecord<byte[], byte[]> template) {
    return create(context, bootstrap, topic, template, 1);
  }

  /** As {@link #create(Context, String, String, ConsumerRecord)}, the events taking {@code projects} projects in turn. */
  static EventRecordReplayer create(Context context, String bootstrap, String topic,
      ConsumerRecord<byte[], byte[]> template, int projects) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-acting-writer");
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 2);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config);
    try {
      producer.partitionsFor(topic);
      return new EventRecordReplayer(context, producer, topic, template, projects);
    } catch (RuntimeException e) {
      producer.close(Duration.ZERO);
      throw e;
    }
  }

  /**
   * The first record of {@code topic} (any partition), read with a plain consumer that joins no group.
   * Call once the gateway has accepted at least one webhook.
   */
  static ConsumerRecord<byte[], byte[]> readOne(String bootstrap, String topic, Duration limit) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-acting-template");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, limit).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + limit.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          return record;
        }
      }
    }
    throw new IllegalStateException("no record in " + topic + " after " + limit.toSeconds() + "s");
  }

  /** The template's {@code ce_id}, to say in the log which event is replayed. */
  String templateId() {
    return new String(headers[idIndex].value(), StandardCharsets.UTF_8);
  }

  int templateBytes() {
    int n = (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
    for (Header h : headers) {
      n += h.key().length() + (h.value() == null ? 0 : h.value().length);
    }
    return n;
  }

  @Override
  public Future<Long> submit(String id) {
    Header[] own = headers.clone();
    byte[] recordKey = key;
    byte[] recordValue = value;
    if (projectIds != null) {
      byte[] project = projectIds[(int) (sequence++ % projectIds.length)];
      recordKey = spots.key(project);
      recordValue = spots.value(project);
      spots.headers(own, project);
    }
    own[idIndex] = new RecordHeader(ID_HEADER, id.getBytes(StandardCharsets.UTF_8));
    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, null, recordKey, recordValue,
        new RecordHeaders(own));
    Promise<Long> written = Promise.promise();
    try {
      producer.send(record, (metadata, error) -> {
        long acknowledged = System.nanoTime();
        context.runOnContext(v -> {
          if (error == null) {
            written.complete(acknowledged);
          } else {
            written.fail(error);
          }
        });
      });
    } catch (RuntimeException e) {
      written.fail(e);
    }
    return written.future();
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
