package io.hookgate.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hookgate.config.ConfigLoader;
import io.hookgate.kafka.ConsumerSettings.OnFailure;
import io.hookgate.kafka.ConsumerSettings.StartAt;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The one consumer component against a real broker: reading again after a failure, the in-flight bound,
 * commits of finished records only, and whole-topic readers that start at a time.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ConsumerLoopTest {
  private Vertx vertx;
  private KafkaClientFactory kafka;
  private String topic;

  @BeforeEach
  void setUp(KafkaBroker broker) throws Exception {
    vertx = Vertx.vertx();
    kafka = new KafkaClientFactory(broker.bootstrapServers(), new ConfigLoader(Map.of()).loadYaml("{}").kafka());
    topic = "loop-" + UUID.randomUUID().toString().substring(0, 8);
    try (Admin admin = Admin.create(kafka.admin("test-admin"))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(10, TimeUnit.SECONDS);
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private void produce(int from, int to) throws Exception {
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.blockingProducer("test-producer"))) {
      for (int i = from; i < to; i++) {
        producer.send(new ProducerRecord<>(topic, "k", ("r" + i).getBytes(StandardCharsets.UTF_8)));
      }
      producer.flush();
    }
  }

  private static String value(ConsumerRecord<String, byte[]> r) {
    return new String(r.value(), StandardCharsets.UTF_8);
  }

  @Test
  void aFailedRecordIsReadAgainWithWhatFollowedItInOrderAndCommitsStopBeforeIt() throws Exception {
    produce(0, 10);
    String group = "g-" + topic;
    List<String> handled = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger failures = new AtomicInteger();
    ConsumerSettings settings = ConsumerSettings.group("test-again", kafka.groupConsumer("test-again", group, 4,
        "earliest"), topic)
        .withMaxInFlight(4)
        .withCommitInterval(Duration.ZERO)
        .withOnFailure(OnFailure.READ_AGAIN);
    ConsumerVerticle consumer = new ConsumerVerticle(settings, r -> {
      handled.add(value(r));
      // r5 fails the first time it is handled.
      if (value(r).equals("r5") && failures.getAndIncrement() == 0) {
        return Future.failedFuture("write failed");
      }
      return Future.succeededFuture();
    }, null, null);
    vertx.deployVerticle(consumer).await(30, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(30)).until(() -> committed(group) == 10);
    List<String> seen = List.copyOf(handled);
    int first = seen.indexOf("r5");
    int second = seen.lastIndexOf("r5");
    assertThat(second).as("r5 handled again").isGreaterThan(first);
    // After the failure the partition is read again from r5: r5..r9 follow in order, each once more at most.
    assertThat(seen.subList(second, seen.size())).containsExactly("r5", "r6", "r7", "r8", "r9");
    assertThat(seen.subList(0, first)).containsExactly("r0", "r1", "r2", "r3", "r4");
  }

  @Test
  void anUnfinishedRecordIsNotCommittedAndTheInFlightBoundHolds() throws Exception {
    produce(0, 20);
    String group = "h-" + topic;
    List<Promise<Void>> open = Collections.synchronizedList(new ArrayList<>());
    ConsumerSettings settings = ConsumerSettings.group("test-bound", kafka.groupConsumer("test-bound", group, 5,
        "earliest"), topic)
        .withMaxInFlight(5)
        .withCommitInterval(Duration.ZERO)
        .withDrain(Duration.ZERO, Duration.ZERO);
    ConsumerVerticle consumer = new ConsumerVerticle(settings, r -> {
      Promise<Void> p = Promise.promise();
      open.add(p);
      return p.future();
    }, null, null);
    vertx.deployVerticle(consumer).await(30, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(30)).until(() -> open.size() >= 5);
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> open.size() <= 9);
    // Finish the second record only: nothing is committable past the first, still open.
    vertx.runOnContext(v -> open.get(1).complete());
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> committed(group) <= 0);
    vertx.runOnContext(v -> open.get(0).complete());
    await().atMost(Duration.ofSeconds(10)).until(() -> committed(group) == 2);
  }

  @Test
  void aWholeTopicReaderStartsAtATimeAndSaysWhenItHasCaughtUp() throws Exception {
    produce(0, 5);
    Instant middle = Instant.now();
    while (!Instant.now().isAfter(middle.plusMillis(5))) {
      Thread.onSpinWait(); // the records after this have later timestamps, to the millisecond
    }
    produce(5, 8);
    List<String> read = Collections.synchronizedList(new ArrayList<>());
    ConsumerVerticle reader = new ConsumerVerticle(ConsumerSettings.wholeTopic("test-reader",
        kafka.topicReader("test-reader"), topic, StartAt.time(middle.plusMillis(1))), r -> {
          read.add(value(r));
          return Future.succeededFuture();
        }, null, null);
    vertx.deployVerticle(reader).await(30, TimeUnit.SECONDS);
    reader.caughtUp().await(30, TimeUnit.SECONDS);
    assertThat(read).containsExactly("r5", "r6", "r7");
    // It follows the topic after catching up.
    produce(8, 9);
    await().atMost(Duration.ofSeconds(10)).until(() -> read.contains("r8"));
  }

  private long committed(String group) throws Exception {
    try (Admin admin = Admin.create(kafka.admin("test-admin"))) {
      Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
      OffsetAndMetadata om = offsets.get(new TopicPartition(topic, 0));
      return om == null ? -1 : om.offset();
    }
  }
}
