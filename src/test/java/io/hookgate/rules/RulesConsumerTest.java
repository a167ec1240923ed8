package io.hookgate.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hookgate.actions.ActionCodec;
import io.hookgate.actions.ActionRecord;
import io.hookgate.config.KafkaSettings;
import io.hookgate.config.RulesEngineConfig;
import io.hookgate.kafka.ConsumerProgress;
import io.hookgate.kafka.ConsumerVerticle;
import io.hookgate.kafka.KafkaClientFactory;
import io.hookgate.metrics.GatewayMetrics;
import io.hookgate.testing.EventConsumer;
import io.hookgate.testing.GatewayHarness;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Rules consumers against a real broker, fed by a real gateway: restarts and rebalances in the middle of a
 * stream lose no event, in-flight stays bounded, and offsets end up committed to the end.
 */
@ExtendWith(KafkaBrokerExtension.class)
class RulesConsumerTest {
  private static GatewayHarness gateway;
  private static KafkaBroker kafka;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start(KafkaBroker broker) throws Exception {
    kafka = broker;
    // The gateway only ingests here (no rules configured); the test runs the rules consumers itself.
    gateway = GatewayHarness.start(broker, """
        sources:
          isahit:
            kind: isahit
            auth: { type: none }
        """, Map.of());
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void restartsAndRebalancesMidStreamLoseNothing() throws Exception {
    String group = "rules-restart-" + UUID.randomUUID();
    // Few events in flight per consumer: a backlog takes a while to work through, so a stop lands inside it.
    RulesEngineConfig engine = new RulesEngineConfig(group, 1, 2, Duration.ofSeconds(5), "earliest");
    RuleSet rules = new RuleCompiler().compile(RuleFixtures.example("isahit.yaml"));
    // Rebalances complete within a heartbeat: quick ones keep this test short.
    KafkaClientFactory clients = new KafkaClientFactory(kafka.bootstrapServers(), withClientProperty(
        gateway.gateway().config().kafka(), "heartbeat.interval.ms", "100"));
    GatewayMetrics metrics = new GatewayMetrics();
    ConsumerProgress stats = ConsumerProgress.register(metrics.registry(), group);
    Vertx vertx = Vertx.vertx();
    AtomicInteger instance = new AtomicInteger();
    List<String> posted = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.ScheduledExecutorService sampler = java.util.concurrent.Executors
        .newSingleThreadScheduledExecutor();
    try (Producer<String, byte[]> producer = new KafkaProducer<>(clients.blockingProducer("test-actions"));
        EventConsumer actions = new EventConsumer(kafka.bootstrapServers(), gateway.actionsTopic());
        Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      java.util.function.Supplier<String> deploy = () -> {
        try {
          String name = "rules-test-" + instance.getAndIncrement();
          return deployRules(vertx, clients, name, group, engine, producer, rules, metrics, stats);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      };
      AtomicInteger maxInFlight = new AtomicInteger();
      sampler.scheduleAtFixedRate(() -> maxInFlight.accumulateAndGet(stats.inFlight(), Math::max), 0, 2,
          TimeUnit.MILLISECONDS);

      // 1. One consumer, a few events.
      String a = deploy.get();
      postAll(posted, 0, 15);
      actions.pollUntil(rs -> distinct(rs, posted) >= 15, Duration.ofSeconds(60));

      // 2. No consumer while 300 events arrive (a backlog that outlasts a rebalance): they wait in the topic.
      vertx.undeploy(a).await(30, TimeUnit.SECONDS);
      postAll(posted, 15, 315);

      // 3. A consumer starts on the backlog and is stopped in the middle of it: it drains what is in flight
      //    and commits what is done, no more.
      String b = deploy.get();
      actions.pollUntil(rs -> distinct(rs, posted) >= 20, Duration.ofSeconds(60));
      vertx.undeploy(b).await(30, TimeUnit.SECONDS);
      assertThat(committed(admin, group)).as("the stop landed inside the backlog")
          .isLessThan(ends(admin, gateway.eventsTopic()));

      // 4. Another consumer takes over; a second one joins while it works through the backlog, and the
      //    rebalance makes the first give up its partitions mid-stream (it drains and commits first).
      deploy.get();
      actions.pollUntil(rs -> distinct(rs, posted) >= 40, Duration.ofSeconds(60));
      CompletableFuture<Void> more = CompletableFuture.runAsync(() -> postAll(posted, 315, 330));
      deploy.get();
      await().atMost(Duration.ofSeconds(30)).until(() -> stats.partitions("rules-test-3") > 0);
      assertThat(committed(admin, group)).as("the rebalance landed inside the backlog")
          .isLessThan(ends(admin, gateway.eventsTopic()));
      more.get(60, TimeUnit.SECONDS);

      Set<String> expected = new LinkedHashSet<>();
      synchronized (posted) {
        posted.forEach(id -> expected.add(id + ":isahit-task-finished:0"));
      }
      List<ConsumerRecord<String, byte[]>> seen = actions
          .pollUntil(rs -> ids(rs).containsAll(expected), Duration.ofSeconds(60))
          .stream().filter(r -> expected.contains(id(r))).toList();
      List<String> ids = ids(seen);
      assertThat(new LinkedHashSet<>(ids)).isEqualTo(expected);
      // Every event is on the same partition (same project) and every action on the same key: the first
      // time each action appears follows the order the webhooks were posted in.
      assertThat(new ArrayList<>(new LinkedHashSet<>(ids))).containsExactlyElementsOf(expected);
      // A duplicate, if a rebalance ever makes one, is the very same action.
      ActionCodec codec = new ActionCodec();
      Map<String, String> bodies = new HashMap<>();
      for (ConsumerRecord<String, byte[]> r : seen) {
        ActionRecord action = codec.read(r.value());
        assertThat(bodies.putIfAbsent(action.id(), action.body().toString())).isIn(null, action.body().toString());
      }
      sampler.shutdownNow();
      // Each consumer reads at most maxInFlight records per poll and only polls below maxInFlight: at most
      // 2 * maxInFlight - 1 each, and never more than two consumers hold partitions at once.
      assertThat(maxInFlight.get()).as("events in flight").isLessThanOrEqualTo(2 * (2 * engine.maxInFlight() - 1));
      awaitCommittedToTheEnd(kafka.bootstrapServers(), group, gateway.eventsTopic());
    } finally {
      sampler.shutdownNow();
      vertx.close().await(30, TimeUnit.SECONDS);
      metrics.close();
    }
  }

  @Test
  void anActionTooLargeForTheTopicIsDroppedWithoutStallingThePartition() throws Exception {
    String group = "rules-large-" + UUID.randomUUID();
    RulesEngineConfig engine = new RulesEngineConfig(group, 1, 16, Duration.ofSeconds(5), "earliest");
    // Tasks named "big..." get a body far over the producer's request size; the others a small one.
    RuleSet rules = RuleFixtures.compile("""
        rules:
          - name: sized
            scope: { sources: [isahit] }
            actions:
              - target: sink
                kind: http
                body: "{'task': event.data.taskId, 'pad': event.data.taskId.startsWith('big') ? lists.range(2000) : []}"
        """);
    KafkaClientFactory clients = new KafkaClientFactory(kafka.bootstrapServers(), gateway.gateway().config().kafka());
    Map<String, Object> producerConfig = clients.blockingProducer("test-small-requests");
    producerConfig.put("max.request.size", 4096);
    GatewayMetrics metrics = new GatewayMetrics();
    Vertx vertx = Vertx.vertx();
    try (Producer<String, byte[]> producer = new KafkaProducer<>(producerConfig);
        EventConsumer actions = new EventConsumer(kafka.bootstrapServers(), gateway.actionsTopic())) {
      deployRules(vertx, clients, "rules-large", group, engine, producer, rules, metrics,
          ConsumerProgress.register(metrics.registry(), group));
      String small1 = post("small-1-" + group);
      post("big-" + group);
      String small2 = post("small-2-" + group);

      List<ConsumerRecord<String, byte[]>> seen = actions.pollUntil(
          rs -> ids(rs).contains(small2 + ":sized:0"), Duration.ofSeconds(60));
      assertThat(ids(seen)).contains(small1 + ":sized:0", small2 + ":sized:0");
      assertThat(ids(seen)).noneMatch(id -> id.contains("big-"));
      await().atMost(Duration.ofSeconds(10)).until(() -> metrics.scrape().contains(
          "hookgate_rules_actions_dropped_total{reason=\"RecordTooLargeException\",rule=\"sized\"} 1.0"));
      awaitCommittedToTheEnd(kafka.bootstrapServers(), group, gateway.eventsTopic());
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
      metrics.close();
    }
  }

  /** A rules consumer as {@link RulesModule} deploys it: a worker verticle running the rules handler. */
  private static String deployRules(Vertx vertx, KafkaClientFactory clients, String name, String group,
      RulesEngineConfig engine, Producer<String, byte[]> producer, RuleSet rules, GatewayMetrics metrics,
      ConsumerProgress progress) {
    try {
      return vertx.deployVerticle(new ConsumerVerticle(
          RulesModule.consumerSettings(clients, name, group, gateway.eventsTopic(), engine),
          new RulesHandler(name, producer, gateway.actionsTopic(), rules, null, RuleFixtures.MAPPER, metrics,
              Clock.systemUTC()),
          metrics.registry(), progress),
          new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)).await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static KafkaSettings withClientProperty(KafkaSettings k, String key, String value) {
    Map<String, String> client = new HashMap<>(k.client());
    client.put(key, value);
    return new KafkaSettings(k.bootstrapServers(), k.embedded(), k.topics(), k.createTopics(), k.producer(), client,
        k.commitInterval(), k.groupInstanceId());
  }

  private void postAll(List<String> ids, int from, int to) {
    for (int i = from; i < to; i++) {
      ids.add(post("task_" + i));
    }
  }

  /** How many of these actions are of the given events (the other test's rules and events share the topics). */
  private static long distinct(List<ConsumerRecord<String, byte[]>> records, List<String> events) {
    Set<String> mine = new java.util.HashSet<>();
    synchronized (events) {
      events.forEach(e -> mine.add(e + ":isahit-task-finished:0"));
    }
    return ids(records).stream().filter(mine::contains).distinct().count();
  }

  private static long ends(Admin admin, String topic) throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
        .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
    return admin.listOffsets(latest).all().get().values().stream().mapToLong(o -> o.offset()).sum();
  }

  private static long committed(Admin admin, String group) throws Exception {
    return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().values().stream()
        .mapToLong(OffsetAndMetadata::offset).sum();
  }

  private String post(String taskId) {
    try {
      String body = """
          {"workflowId": "wf_1", "type": "annotation", "taskId": "%s", "batchId": "batch_1", "projectId": "proj_1"}
          """.formatted(taskId);
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(gateway.webhookUrl("isahit")))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(202);
      return RuleFixtures.MAPPER.readTree(response.body()).path("id").asText();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> ids(List<ConsumerRecord<String, byte[]>> records) {
    return records.stream().map(RulesConsumerTest::id).toList();
  }

  private static String id(ConsumerRecord<String, byte[]> record) {
    return new ActionCodec().read(record.value()).id();
  }

  /** Waits until the group's committed offsets reach the end of every partition of the topic. */
  static void awaitCommittedToTheEnd(String bootstrap, String group, String topic) {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
            .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        var ends = admin.listOffsets(latest).all().get();
        long events = 0;
        for (var e : ends.entrySet()) {
          long end = e.getValue().offset();
          events += end;
          OffsetAndMetadata c = committed.get(e.getKey());
          assertThat(end == 0 || (c != null && c.offset() == end))
              .as("partition %s: committed %s, end %d", e.getKey(), c, end).isTrue();
        }
        assertThat(events).isPositive();
      });
    }
  }
}
