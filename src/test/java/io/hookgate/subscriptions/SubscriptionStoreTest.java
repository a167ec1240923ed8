package io.hookgate.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.GatewayContext;
import io.hookgate.config.ConfigLoader;
import io.hookgate.config.HookgateConfig;
import io.hookgate.config.SecretBox;
import io.hookgate.kafka.KafkaClientFactory;
import io.hookgate.kafka.TopicProvisioner;
import io.hookgate.metrics.GatewayMetrics;
import io.hookgate.subscriptions.StateRecord.Result;
import io.hookgate.subscriptions.SubscriptionStore.Outcome;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Subscriptions in Kafka with two replicas on the same topics: a write taken by either is read back by the one
 * that took it when it answers and by the other soon after; If-Match is exact across replicas; a restarted
 * replica has everything; no secret is in a topic in clear.
 */
@ExtendWith(KafkaBrokerExtension.class)
class SubscriptionStoreTest {
  private final List<Replica> replicas = new ArrayList<>();
  private final byte[] key = Base64.getDecoder().decode(SecretBox.newKey());
  private HookgateConfig config;
  private KafkaBroker broker;

  /** One gateway's subscriptions module, with its own Vert.x and clients. */
  private record Replica(Vertx vertx, Admin admin, GatewayMetrics metrics, SubscriptionsModule module) {
    SubscriptionService service() {
      return module.service();
    }

    SubscriptionStore store() {
      return module.store();
    }
  }

  @BeforeEach
  void topics(KafkaBroker broker) throws Exception {
    this.broker = broker;
    String id = UUID.randomUUID().toString().substring(0, 8);
    config = new ConfigLoader(Map.of()).loadYaml("""
        kafka:
          topics:
            subscriptions: { name: subs-%s, partitions: 3, replicationFactor: 1, compacted: true }
            subscriptionCommands: { name: subs-commands-%s, partitions: 3, replicationFactor: 1 }
        """.formatted(id, id));
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      new TopicProvisioner(admin).ensure(List.of(config.kafka().topics().subscriptions(),
          config.kafka().topics().subscriptionCommands()), 1);
    }
  }

  @AfterEach
  void stop() {
    replicas.forEach(this::close);
  }

  private void close(Replica r) {
    try {
      r.vertx().close().await(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      // Best effort.
    }
    r.module().close();
    r.admin().close();
    r.metrics().close();
  }

  private Replica start() throws Exception {
    Vertx vertx = Vertx.vertx();
    KafkaClientFactory kafka = new KafkaClientFactory(broker.bootstrapServers(), config.kafka());
    Admin admin = Admin.create(kafka.admin("test-admin"));
    GatewayMetrics metrics = new GatewayMetrics();
    GatewayContext context = new GatewayContext(config, Map.of(), vertx, kafka, admin, metrics, new ObjectMapper(),
        Clock.systemUTC());
    SubscriptionsModule module = new SubscriptionsModule(context, new SecretBox(List.of(key)));
    module.start().await(60, TimeUnit.SECONDS);
    Replica r = new Replica(vertx, admin, metrics, module);
    replicas.add(r);
    return r;
  }

  private static Subscription subscription(String id, String url) {
    return new Subscription(id, url, "batch webhook", new SubscriptionFilter(List.of("isahit"), List.of("p1"), null,
        null, null), null, Map.of("Authorization", "isahit-header-value"), true, null, null, null, null, null, 0);
  }

  private static <T> T done(Future<T> f) throws Exception {
    return f.await(30, TimeUnit.SECONDS);
  }

  @Test
  void aWriteIsReadBackWhereItWasTakenAndSoonOnTheOtherReplica() throws Exception {
    Replica a = start();
    Replica b = start();
    Outcome created = done(a.service().create(subscription("isahit-b1", "https://hooks.example/isahit")));
    assertThat(created.result()).isEqualTo(Result.created);
    assertThat(created.subscription().secrets()).hasSize(1);
    assertThat(created.subscription().secrets().get(0).secret()).startsWith("whsec_");
    // Read your writes: the replica that answered has it.
    assertThat(a.store().get("isahit-b1")).map(Subscription::revision).contains(1L);
    await().atMost(Duration.ofSeconds(1)).until(() -> b.store().get("isahit-b1").isPresent());
    assertThat(b.store().get("isahit-b1").orElseThrow().headers()).containsEntry("Authorization",
        "isahit-header-value");

    // A change taken by the other replica: a read-modify-write on the state the first one left.
    Outcome paused = done(b.service().pause("isahit-b1", "maintenance", null));
    assertThat(paused.result()).isEqualTo(Result.updated);
    assertThat(paused.subscription().revision()).isEqualTo(2);
    await().atMost(Duration.ofSeconds(1)).until(() -> "paused".equals(
        a.store().get("isahit-b1").map(Subscription::status).orElse("")));

    assertThat(done(a.service().create(subscription("isahit-b1", "https://elsewhere.example"))).result())
        .isEqualTo(Result.exists);
    assertThat(done(a.service().delete("nope", null)).result()).isEqualTo(Result.notFound);
  }

  @Test
  void ifMatchIsExactAcrossReplicas() throws Exception {
    Replica a = start();
    Replica b = start();
    done(a.service().create(subscription("kili-hook", "https://one.example")));
    await().atMost(Duration.ofSeconds(2)).until(() -> b.store().get("kili-hook").isPresent());
    // Both replicas took a write made against revision 1, at the same time: exactly one applies.
    Future<Outcome> fromA = a.service().put(subscription("kili-hook", "https://from-a.example"), 1L);
    Future<Outcome> fromB = b.service().put(subscription("kili-hook", "https://from-b.example"), 1L);
    List<Result> results = List.of(done(fromA).result(), done(fromB).result());
    assertThat(results).containsExactlyInAnyOrder(Result.replaced, Result.conflict);
    String winner = results.get(0) == Result.replaced ? "https://from-a.example" : "https://from-b.example";
    await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
      assertThat(a.store().get("kili-hook").orElseThrow().url()).isEqualTo(winner);
      assertThat(b.store().get("kili-hook").orElseThrow().url()).isEqualTo(winner);
    });
    assertThat(a.store().get("kili-hook").orElseThrow().revision()).isEqualTo(2);
  }

  @Test
  void aRestartedReplicaHasEverythingAndNoSecretIsInATopicInClear() throws Exception {
    Replica a = start();
    Outcome created = done(a.service().create(subscription("s1", "https://one.example")));
    String signing = created.subscription().secrets().get(0).secret();
    done(a.service().rotateSecret("s1", null));
    done(a.service().create(subscription("s2", "https://two.example")));
    done(a.service().delete("s2", null));
    replicas.remove(a);
    close(a);

    Replica again = start();
    Subscription s1 = again.store().get("s1").orElseThrow();
    assertThat(s1.secrets()).hasSize(2);
    assertThat(s1.secrets().get(1).secret()).isEqualTo(signing);
    assertThat(s1.headers()).containsEntry("Authorization", "isahit-header-value");
    assertThat(again.store().get("s2")).isEmpty();

    for (String topic : List.of(config.kafka().topics().subscriptions().name(),
        config.kafka().topics().subscriptionCommands().name())) {
      String all = readAll(topic);
      assertThat(all).as(topic).contains("s1").doesNotContain("isahit-header-value").doesNotContain(signing)
          .doesNotContain(s1.secrets().get(0).secret());
    }
  }

  private String readAll(String topic) {
    StringBuilder out = new StringBuilder();
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers", broker.bootstrapServers(),
        "group.id", "reader-" + UUID.randomUUID(), "auto.offset.reset", "earliest",
        "key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer",
        "value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer"))) {
      c.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      int empty = 0;
      while (System.nanoTime() < deadline && empty < 5) {
        var records = c.poll(Duration.ofMillis(500));
        empty = records.isEmpty() ? empty + 1 : 0;
        for (ConsumerRecord<String, byte[]> r : records) {
          out.append(r.key()).append(' ');
          if (r.value() != null) {
            out.append(new String(r.value(), StandardCharsets.UTF_8)).append('\n');
          }
        }
      }
    }
    return out.toString();
  }
}
