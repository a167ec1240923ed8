package io.hookgate.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.actions.ActionCodec;
import io.hookgate.event.EventPublisher;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import io.vertx.core.Context;
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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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

  @Test
  void aNewStoreRebuildsEveryLogFromTheCompactedTopic(KafkaBroker broker) throws Exception {
    String topic = "status-" + UUID.randomUUID().toString().substring(0, 8);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1)
          .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)))).all().get(10, TimeUnit.SECONDS);
    }
    Map<String, Object> consumer = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    Vertx vertx = Vertx.vertx();
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
        new StringSerializer(), new ByteArraySerializer())) {
      DeliveryStatusStore first = new DeliveryStatusStore(consumer, topic, mapper);
      first.start().await(20, TimeUnit.SECONDS);
      DeliveryRecorder recorder = new DeliveryRecorder(first, new EventPublisher(producer), topic, mapper);
      Context context = vertx.getOrCreateContext();
      recorder.record(context, outcome("kili", "p1", DeliveryOutcome.Result.RETRY, 503, "Service Unavailable",
          "{\"error\":\"busy\"}")).await(10, TimeUnit.SECONDS);
      recorder.record(context, outcome("kili", "p1", DeliveryOutcome.Result.SUCCESS, 200, "OK", null))
          .await(10, TimeUnit.SECONDS);
      recorder.record(context, outcome("kili", "p2", DeliveryOutcome.Result.DEAD_LETTER, 400, "Bad Request", "nope"))
          .await(10, TimeUnit.SECONDS);
      first.close();

      DeliveryStatusStore second = new DeliveryStatusStore(consumer, topic, mapper);
      try {
        second.start().await(20, TimeUnit.SECONDS);
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
            Instant.now(), 1);
        producer.send(new ProducerRecord<>(topic, "kili", mapper.writeValueAsBytes(stale))).get(10, TimeUnit.SECONDS);
        DeliveryStatus newer = new DeliveryStatus("kili", null, null, kili.lastCall(), kili.lastError(), kili.counts(),
            "open", Instant.now(), 4);
        producer.send(new ProducerRecord<>(topic, "kili", mapper.writeValueAsBytes(newer))).get(10, TimeUnit.SECONDS);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
            second.get("kili").map(DeliveryStatus::version).equals(Optional.of(4L)));
        assertThat(second.get("kili").orElseThrow().counts().attempts()).isEqualTo(3);
      } finally {
        second.close();
      }
    } finally {
      vertx.close().await(5, TimeUnit.SECONDS);
    }
  }

  private static DeliveryOutcome outcome(String target, String project, DeliveryOutcome.Result result, int status,
      String message, String body) {
    return new DeliveryOutcome(target, "kili", project, true, result, status, message, body, Instant.now(), "closed");
  }
}
