package io.hookgate.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.config.IngressConfig;
import io.hookgate.event.EventPublisher;
import io.hookgate.ingress.auth.NoAuthenticator;
import io.hookgate.metrics.GatewayMetrics;
import io.hookgate.testing.KafkaBrokers;
import io.hookgate.testing.LogCapture;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The publisher's refusals and its throttled log, with a real producer and no broker: nothing listens where it
 * points, so it has no metadata and (max.block.ms=0) fails every send at once. Writes that succeed are in
 * every *IngressTest.
 */
class IngressPublisherTest {
  private static final String LOGGER = "io.hookgate.ingress.IngressVerticle";
  private static final ConfiguredSource SOURCE = new ConfiguredSource("kili", "kili", new NoAuthenticator(), null,
      1024);
  private final IngressConfig config = new IngressConfig("127.0.0.1", 0, 1024, Duration.ofSeconds(5),
      Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(7), 1, false,
      Duration.ofSeconds(5), 64L << 20, 0, null);
  private final Vertx vertx = Vertx.vertx();
  private final GatewayMetrics metrics = new GatewayMetrics();
  private final Producer<String, byte[]> producer = new KafkaProducer<>(Map.of(
      ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + KafkaBrokers.freePort(),
      ProducerConfig.MAX_BLOCK_MS_CONFIG, 0), new StringSerializer(), new ByteArraySerializer());
  private final AtomicLong now = new AtomicLong(1);
  private final IngressPublisher publisher = new IngressPublisher(new EventPublisher(producer), config, metrics,
      now::get);

  @AfterEach
  void close() throws Exception {
    producer.close(Duration.ZERO);
    metrics.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void kafkaOutOfReachIsA503WithRetryAfterAndOneLogLinePerTenSeconds() throws Exception {
    try (LogCapture logs = new LogCapture()) {
      Refusal first = refusal(publish("e1"));
      assertThat(first.status()).isEqualTo(503);
      assertThat(first.reason()).isEqualTo("kafka_unavailable");
      assertThat(first.problem().detail())
          .isEqualTo("Kafka is not reachable (the topic's partitions are unknown); retry later");
      assertThat(first.headers()).containsEntry("retry-after", "7");
      refusal(publish("e2"));
      refusal(publish("e3"));
      now.addAndGet(Duration.ofSeconds(10).toNanos());
      refusal(publish("e4"));
      assertThat(logs.lines()).filteredOn(l -> l.startsWith("WARN " + LOGGER + " Kafka write failed")).satisfiesExactly(
          l -> assertThat(l).contains("event e1 from source kili").doesNotContain("more failed writes"),
          l -> assertThat(l).contains("event e4 from source kili")
              .contains("(2 more failed writes since the last such line)"));
    }
    assertThat(metrics.scrape())
        .contains("hookgate_ingress_publish_seconds_count{outcome=\"timeout\",source=\"kili\"} 4");
  }

  private Future<IngressEvent> publish(String id) throws Exception {
    Context context = vertx.getOrCreateContext();
    IngressEvent event = new IngressEvent(SOURCE, id, "label.submitted",
        new ProducerRecord<>("hookgate.events", "p", new byte[] {'{', '}'}), 2);
    Future<Future<IngressEvent>> published = Future.future(
        p -> context.runOnContext(v -> publisher.publish(context, event).onComplete(ar -> p.complete(ar.succeeded()
            ? Future.succeededFuture(ar.result()) : Future.failedFuture(ar.cause())))));
    return published.await(10, TimeUnit.SECONDS);
  }

  private static Refusal refusal(Future<IngressEvent> published) {
    assertThat(published.failed()).isTrue();
    assertThat(published.cause()).isInstanceOf(Refused.class);
    return ((Refused) published.cause()).refusal();
  }
}
