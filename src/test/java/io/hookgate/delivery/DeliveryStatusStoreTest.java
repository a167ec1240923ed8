package io.hookgate.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.actions.ActionCodec;
import io.hookgate.config.ConfigLoader;
import io.hookgate.event.EventPublisher;
import io.hookgate.kafka.ConsumerSettings;
import io.hookgate.kafka.ConsumerVerticle;
import io.hookgate.kafka.KafkaClientFactory;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The delivery logs in a real compacted topic: a fresh store (another replica, or this one after a restart)
 * reads them all back before it says it is ready, and keeps the highest version of each key.
 */
@ExtendWith(KafkaBrokerExtension.class)
class DeliveryStatusStoreTest {
  private final ObjectMapper mapper = new ActionCodec().mapper();

  private static KafkaClientFactory kafka(KafkaBroker broker) {
    return new KafkaClientFactory(broker.bootstrapServers(), new ConfigLoader(Map.of()).loadYaml("{}").kafka());
  }

  /** Reads the topic into the store as {@link DeliveryModule} does; completes once it has caught up. */
  private static Future<Void> follow(Vertx vertx, KafkaClientFactory kafka, String topic, DeliveryStatusStore store) {
    ConsumerVerticle reader = new ConsumerVerticle(ConsumerSettings.wholeTopic("test-status-reader",
        kafka.topicReader("test-status"), topic, ConsumerSettings.StartAt.beginning()), store, null, null);
    return vertx.deployVerticle(reader).compose(id -> reader.caughtUp());
  }

  @Test
  void aNewStoreRebuildsEveryLogFromTheCompactedTopic(KafkaBroker broker) throws Exception {
    String topic = "status-" + UUID.randomUUID().toString().substring(0, 8);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1)
          .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)))).all()
          .get(10, TimeUnit.SECONDS);
    }
    KafkaClientFactory kafka = kafka(broker);
    Vertx vertx = Vertx.vertx();
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
        new StringSerializer(), new ByteArraySerializer())) {
      DeliveryStatusStore first = new DeliveryStatusStore(mapper);
      follow(vertx, kafka, topic, first).await(20, TimeUnit.SECONDS);
      DeliveryRecorder recorder = new DeliveryRecorder(first, new EventPublisher(producer), topic, mapper);
      Context context = vertx.getOrCreateContext();
      recorder.record(context, outcome("kili", "p1", DeliveryOutcome.Result.RETRY, 503, "Service Unavailable",
          "{\"error\":\"busy\"}")).await(10, TimeUnit.SECONDS);
      recorder.record(context, outcome("kili", "p1", DeliveryOutcome.Result.SUCCESS, 200, "OK", null))
          .await(10, TimeUnit.SECONDS);
      recorder.record(context, outcome("kili", "p2", DeliveryOutcome.Result.DEAD_LETTER, 400, "Bad Request", "nope"))
          .await(10, TimeUnit.SECONDS);

      DeliveryStatusStore second = new DeliveryStatusStore(mapper);
      follow(vertx, kafka, topic, second).await(20, TimeUnit.SECONDS);
      assertThat(versionHeaders(broker, topic, "kili")).containsExactly("1", "2", "3");
      DeliveryStatus kili = second.get(DeliveryStatusStore.key("kili")).orElseThrow();
      assertThat(kili.version()).isEqualTo(3);
      assertThat(kili.counts()).isEqualTo(new DeliveryStatus.Counts(3, 1, 2, 1, 1, 0));
      assertThat(kili.lastCall().statusCode()).isEqualTo(400);
      assertThat(kili.lastError().statusCode()).isEqualTo(400);
      assertThat(kili.lastError().body().asText()).isEqualTo("nope");

      DeliveryStatus p1 = second.get(DeliveryStatusStore.key("kili", "kili", "p1")).orElseThrow();
      assertThat(p1.counts()).isEqualTo(new DeliveryStatus.Counts(2, 1, 1, 1, 0, 0));
      assertThat(p1.lastCall().statusCode()).isEqualTo(200);
      assertThat(p1.lastError().body().path("error").asText()).isEqualTo("busy");
      assertThat(second.subscriptions("kili")).extracting(DeliveryStatus::projectId).containsExactly("p1", "p2");
      assertThat(second.targets()).extracting(DeliveryStatus::target).containsExactly("kili");

      // An older version arriving late (say from a replica that lost the partition) does not win.
      DeliveryStatus stale = new DeliveryStatus("kili", null, null, null, null, DeliveryStatus.Counts.ZERO, null,
          Instant.now(), 1, 0, null, null);
      producer.send(new ProducerRecord<>(topic, "kili", mapper.writeValueAsBytes(stale))).get(10, TimeUnit.SECONDS);
      DeliveryStatus newer = new DeliveryStatus("kili", null, null, kili.lastCall(), kili.lastError(), kili.counts(),
          "open", Instant.now(), 4, 0, null, null);
      producer.send(new ProducerRecord<>(topic, "kili", mapper.writeValueAsBytes(newer))).get(10, TimeUnit.SECONDS);
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
          .until(() -> second.get("kili").map(DeliveryStatus::version).equals(Optional.of(4L)));
      assertThat(second.get("kili").orElseThrow().counts().attempts()).isEqualTo(3);
    } finally {
      vertx.close().await(5, TimeUnit.SECONDS);
    }
  }

  /**
   * The version header lets a reader skip, without decoding, a record it already holds (the echo of its own
   * write): a record whose header says an older or equal version is not even parsed, one that says a newer
   * version is, and one without the header (an older hookgate) always is.
   */
  @Test
  void aRecordWhoseVersionHeaderIsNotNewerIsSkippedWithoutDecoding() throws Exception {
    DeliveryStatusStore store = new DeliveryStatusStore(mapper);
    DeliveryStatus v2 = new DeliveryStatus("kili", null, null, null, null, DeliveryStatus.Counts.ZERO, null,
        Instant.now(), 2, 0, null, null);
    store.handle(record("kili", mapper.writeValueAsBytes(v2), "2"));
    assertThat(store.get("kili").orElseThrow().version()).isEqualTo(2);

    // A decodable record of version 5 whose header says 2 or 1: skipped, so it was not decoded.
    DeliveryStatus v5 = new DeliveryStatus("kili", null, null, null, null, DeliveryStatus.Counts.ZERO, "open",
        Instant.now(), 5, 0, null, null);
    store.handle(record("kili", mapper.writeValueAsBytes(v5), "2"));
    assertThat(store.get("kili").orElseThrow().version()).isEqualTo(2);
    store.handle(record("kili", mapper.writeValueAsBytes(v5), "1"));
    assertThat(store.get("kili").orElseThrow().version()).isEqualTo(2);

    store.handle(record("kili", mapper.writeValueAsBytes(v5), "5"));
    assertThat(store.get("kili").orElseThrow().version()).isEqualTo(5);

    DeliveryStatus v6 = new DeliveryStatus("kili", null, null, null, null, DeliveryStatus.Counts.ZERO, "closed",
        Instant.now(), 6, 0, null, null);
    store.handle(record("kili", mapper.writeValueAsBytes(v6), null));
    assertThat(store.get("kili").orElseThrow().breaker()).isEqualTo("closed");
    store.handle(record("kili", mapper.writeValueAsBytes(v6), "not a number"));
    assertThat(store.get("kili").orElseThrow().version()).isEqualTo(6);
    // A key not held yet is always decoded, whatever the header says.
    store.handle(record("other", mapper.writeValueAsBytes(v6), "0"));
    assertThat(store.get("other")).isPresent();
  }

  private static ConsumerRecord<String, byte[]> record(String key, byte[] value, String version) {
    ConsumerRecord<String, byte[]> r = new ConsumerRecord<>("t", 0, 0, key, value);
    if (version != null) {
      r.headers().add(DeliveryStatusStore.VERSION_HEADER, version.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    return r;
  }

  @Test
  void outcomesArrivingFasterThanAcknowledgementsShareRecordsAndAllBecomeDurable(KafkaBroker broker) throws Exception {
    String topic = "status-" + UUID.randomUUID().toString().substring(0, 8);
    createCompacted(broker, topic);
    KafkaClientFactory kafka = kafka(broker);
    Vertx vertx = Vertx.vertx();
    int outcomes = 300;
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
        new StringSerializer(), new ByteArraySerializer())) {
      DeliveryStatusStore store = new DeliveryStatusStore(mapper);
      follow(vertx, kafka, topic, store).await(20, TimeUnit.SECONDS);
      DeliveryRecorder recorder = new DeliveryRecorder(store, new EventPublisher(producer), topic, mapper);
      Context context = vertx.getOrCreateContext();
      // All at once on the context, as the action consumer does under load: none waits for the previous one.
      io.vertx.core.Promise<List<Future<Void>>> recorded = io.vertx.core.Promise.promise();
      context.runOnContext(v -> {
        List<Future<Void>> all = new java.util.ArrayList<>();
        for (int i = 0; i < outcomes; i++) {
          all.add(recorder.record(context,
              outcome("kili", "p" + (i % 3), DeliveryOutcome.Result.SUCCESS, 200, "OK", null)));
        }
        recorded.complete(all);
      });
      List<Future<Void>> durable = recorded.future().await(10, TimeUnit.SECONDS);
      Future.all(durable).await(20, TimeUnit.SECONDS);
      assertThat(durable).allMatch(Future::succeeded);

      List<ConsumerRecord<String, byte[]>> records = readAll(broker, topic);
      assertThat(records).as("one record per log per round trip, not two per outcome").hasSizeLessThan(2 * outcomes);
      DeliveryStatus target = lastOf(records, DeliveryStatusStore.key("kili"));
      assertThat(target.counts().attempts()).isEqualTo(outcomes);
      assertThat(target.counts().successes()).isEqualTo(outcomes);
      assertThat(target.version()).isEqualTo(outcomes);
      long perProject = 0;
      for (int p = 0; p < 3; p++) {
        perProject += lastOf(records, DeliveryStatusStore.key("kili", "kili", "p" + p)).counts().attempts();
      }
      assertThat(perProject).isEqualTo(outcomes);
    } finally {
      vertx.close().await(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aBusyLogIsWrittenAtMostOncePerSpacingAndEveryOutcomeBecomesDurable(KafkaBroker broker) throws Exception {
    String topic = "status-" + UUID.randomUUID().toString().substring(0, 8);
    createCompacted(broker, topic);
    Vertx vertx = Vertx.vertx();
    int outcomes = 100;
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
        new StringSerializer(), new ByteArraySerializer())) {
      DeliveryStatusStore store = new DeliveryStatusStore(mapper);
      DeliveryRecorder recorder = new DeliveryRecorder(store, new EventPublisher(producer), topic, mapper,
          java.time.Duration.ofMillis(200));
      Context context = vertx.getOrCreateContext();
      // An outcome every 10 ms for a second, as a steady stream of deliveries to one target: a round trip to the
      // broker is shorter than that, so without the spacing each would be a record of its own.
      List<Future<Void>> durable = new java.util.concurrent.CopyOnWriteArrayList<>();
      io.vertx.core.Promise<Void> sent = io.vertx.core.Promise.promise();
      context.runOnContext(v -> vertx.setPeriodic(10, id -> {
        durable.add(recorder.record(context, outcome("kili", "p1", DeliveryOutcome.Result.SUCCESS, 200, "OK",
            null)));
        if (durable.size() == outcomes) {
          vertx.cancelTimer(id);
          sent.complete();
        }
      }));
      sent.future().await(20, TimeUnit.SECONDS);
      Future.all(durable).await(20, TimeUnit.SECONDS);
      assertThat(durable).allMatch(Future::succeeded);

      List<ConsumerRecord<String, byte[]>> records = readAll(broker, topic).stream()
          .filter(r -> DeliveryStatusStore.key("kili").equals(r.key())).toList();
      long took = records.get(records.size() - 1).timestamp() - records.get(0).timestamp();
      // Timestamps are whole milliseconds: 190 leaves room for their rounding.
      assertThat(records).as("records of one log over %d ms, at most one per 200 ms", took)
          .hasSizeLessThanOrEqualTo((int) (took / 190) + 1);
      assertThat(records.size()).as("the outcomes were spread over about a second").isGreaterThanOrEqualTo(3);
      DeliveryStatus target = lastOf(records, DeliveryStatusStore.key("kili"));
      assertThat(target.counts().successes()).isEqualTo(outcomes);
      assertThat(target.version()).isEqualTo(outcomes);
    } finally {
      vertx.close().await(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aFailedWriteIsRepeatedWithoutCountingTheOutcomeTwice(KafkaBroker broker) throws Exception {
    String topic = "status-" + UUID.randomUUID().toString().substring(0, 8);
    KafkaClientFactory kafka = kafka(broker);
    Vertx vertx = Vertx.vertx();
    // max.block.ms=0, as hookgate's producers: a send to a topic whose metadata is unknown fails at once.
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.MAX_BLOCK_MS_CONFIG, 0), new StringSerializer(), new ByteArraySerializer())) {
      DeliveryStatusStore store = new DeliveryStatusStore(mapper);
      DeliveryRecorder recorder = new DeliveryRecorder(store, new EventPublisher(producer), topic, mapper);
      Context context = vertx.getOrCreateContext();
      DeliveryRecorder.Update update = recorder
          .apply(outcome("kili", "p1", DeliveryOutcome.Result.SUCCESS, 200, "OK", null));
      Future<Void> first = recorder.persist(context, update);
      first.otherwiseEmpty().await(10, TimeUnit.SECONDS);
      assertThat(first.failed()).as("the topic does not exist yet").isTrue();

      createCompacted(broker, topic);
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
          .until(() -> recorder.persist(context, update).map(true).otherwise(false).await(10, TimeUnit.SECONDS)
              && readAll(broker, topic).size() >= 2);
      DeliveryStatus target = lastOf(readAll(broker, topic), DeliveryStatusStore.key("kili"));
      assertThat(target.counts().attempts()).isEqualTo(1);
      assertThat(target.version()).isEqualTo(1);
    } finally {
      vertx.close().await(5, TimeUnit.SECONDS);
    }
  }

  private static void createCompacted(KafkaBroker broker, String topic) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1)
          .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)))).all()
          .get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      // A broker that creates topics on first use may have made it already, from the failed send's metadata request.
      if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
        throw e;
      }
    }
  }

  private static List<String> versionHeaders(KafkaBroker broker, String topic, String key) {
    return readAll(broker, topic).stream().filter(r -> key.equals(r.key()))
        .map(r -> io.hookgate.kafka.HeaderText.last(r.headers(), DeliveryStatusStore.VERSION_HEADER)).toList();
  }

  private static List<ConsumerRecord<String, byte[]>> readAll(KafkaBroker broker, String topic) {
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), new StringDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = c.partitionsFor(topic, java.time.Duration.ofSeconds(10)).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      c.assign(partitions);
      c.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = c.endOffsets(partitions);
      List<ConsumerRecord<String, byte[]>> out = new java.util.ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (partitions.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
        c.poll(java.time.Duration.ofMillis(200)).forEach(out::add);
      }
      return out;
    }
  }

  private DeliveryStatus lastOf(List<ConsumerRecord<String, byte[]>> records, String key) throws Exception {
    ConsumerRecord<String, byte[]> last = null;
    for (ConsumerRecord<String, byte[]> r : records) {
      if (r.key().equals(key)) {
        last = r;
      }
    }
    assertThat(last).as("a record of " + key).isNotNull();
    return mapper.readValue(last.value(), DeliveryStatus.class);
  }

  private static DeliveryOutcome outcome(String target, String project, DeliveryOutcome.Result result, int status,
      String message, String body) {
    return new DeliveryOutcome(target, "kili", project, true, result, status, message, body, Instant.now(), "closed");
  }
}
