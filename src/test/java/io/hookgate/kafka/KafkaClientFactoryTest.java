package io.hookgate.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.hookgate.config.KafkaSettings;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

/** The ingress producer's settings: what makes a 202 mean "stored" cannot be configured away. */
class KafkaClientFactoryTest {

  @Test
  void durabilitySettingsWinOverTheConfiguredProducerProperties() {
    KafkaSettings settings = new KafkaSettings("kafka:9092", null, null, true,
        Map.of("acks", "0", "enable.idempotence", "false", "max.block.ms", "60000", "linger.ms", "20"),
        Map.of("security.protocol", "SASL_SSL"), null, null);
    Map<String, Object> p = new KafkaClientFactory("kafka:9092", settings).eventProducer("ingress",
        Duration.ofSeconds(5));

    assertThat(p).containsEntry(ProducerConfig.ACKS_CONFIG, "all")
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
        .containsEntry(ProducerConfig.MAX_BLOCK_MS_CONFIG, 0)
        .containsEntry(ProducerConfig.LINGER_MS_CONFIG, "20") // a tuning knob, not durability: allowed
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka:9092");
  }

  @Test
  void groupMembersAreStaticOnlyWithAGroupInstanceIdOneIdPerConsumer() {
    KafkaSettings dynamic = new KafkaSettings("kafka:9092", null, null, true, Map.of(), Map.of(), null, null);
    assertThat(new KafkaClientFactory("kafka:9092", dynamic).groupMember("hookgate-actions", "a.executors"))
        .containsEntry("group.id", "a.executors").doesNotContainKey("group.instance.id");
    KafkaSettings named = new KafkaSettings("kafka:9092", null, null, true, Map.of(), Map.of(), null, "pod-1");
    KafkaClientFactory clients = new KafkaClientFactory("kafka:9092", named);
    assertThat(clients.groupMember("hookgate-actions", "a.executors")).containsEntry("group.instance.id",
        "pod-1.hookgate-actions");
    assertThat(clients.groupMember("hookgate-rules-1", "e.rules")).containsEntry("group.instance.id",
        "pod-1.hookgate-rules-1");
  }

  @Test
  void theProducerGivesUpOnARecordWithinThePublishTimeout() {
    KafkaSettings settings = new KafkaSettings("kafka:9092", null, null, true, Map.of(), Map.of(), null, null);
    Map<String, Object> p = new KafkaClientFactory("kafka:9092", settings).eventProducer("ingress",
        Duration.ofSeconds(3));
    assertThat(p).containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 3000);
    assertThat((Integer) p.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG)).isLessThan(3000);
  }

  @Test
  void theProducerConfigurationIsValidForShortAndLongPublishTimeouts() {
    KafkaSettings settings = new KafkaSettings("127.0.0.1:1", null, null, true, Map.of(), Map.of(), null, null);
    for (Duration timeout : new Duration[] {Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(30)}) {
      // KafkaProducer refuses inconsistent timeouts (delivery < linger + request) at construction.
      assertThatCode(() -> new KafkaProducer<String, byte[]>(
          new KafkaClientFactory("127.0.0.1:1", settings).eventProducer("t", timeout)).close(Duration.ZERO))
          .as("publish timeout %s", timeout).doesNotThrowAnyException();
    }
  }
}
