package io.hookgate.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.config.TopicSpec;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Readiness waits for the webhook listener as well as for Kafka: at start-up the management port opens
 * first, and a probe answering 200 then would send webhooks to a port that is not listening yet.
 */
@ExtendWith(KafkaBrokerExtension.class)
class KafkaReadinessTest {

  @Test
  void notReadyUntilTheListenerIsOpenEvenWithKafkaReachable(KafkaBroker broker) {
    String topic = "readiness-" + UUID.randomUUID();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
            ProducerConfig.MAX_BLOCK_MS_CONFIG, 0), new StringSerializer(), new ByteArraySerializer())) {
      KafkaReadiness readiness = new KafkaReadiness(admin, producer,
          List.of(new TopicSpec(topic, 1, (short) 1, null, false)), true, 1, broker.bootstrapServers(),
          Clock.systemUTC());

      KafkaReadiness.Status kafka = readiness.check(Duration.ofSeconds(20));
      assertThat(kafka.ready()).as("Kafka's verdict: %s", kafka.reason()).isTrue();
      assertThat(readiness.status().ready()).isFalse();
      assertThat(readiness.status().reason()).isEqualTo("starting: the webhook listener is not open yet");

      readiness.markListening();
      assertThat(readiness.status().ready()).isTrue();
      assertThat(readiness.check(Duration.ZERO).ready()).isTrue();
      assertThat(readiness.status().ready()).isTrue();

      readiness.markShuttingDown();
      assertThat(readiness.status().ready()).isFalse();
      assertThat(readiness.status().reason()).isEqualTo("shutting down");
    }
  }
}
