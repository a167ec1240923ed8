package io.hookgate.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.Hookgate;
import io.hookgate.config.ConfigLoader;
import io.hookgate.config.HookgateConfig;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A whole gateway with targets, on free ports and fresh topics, plus what tests need around it: a producer
 * writing actions straight onto the actions topic (as the rules do), a reader of the dead-letter and
 * status topics, and the management API.
 */
final class ActionsGateway implements AutoCloseable {
  static final ObjectMapper MAPPER = new ActionCodec().mapper();
  private static final ActionCodec CODEC = new ActionCodec();

  /** Topic names unique to one test class (or to one gateway and its restarts). */
  record Topics(String events, String actions, String retry, String deadLetter, String status) {
    static Topics fresh() {
      String id = UUID.randomUUID().toString().substring(0, 8);
      return new Topics("events-" + id, "actions-" + id, "actions-retry-" + id, "actions-dlq-" + id,
          "delivery-status-" + id);
    }
  }

  private final Hookgate gateway;
  private final Topics topics;
  private final KafkaProducer<String, byte[]> producer;
  private final HttpClient http = HttpClient.newHttpClient();

  private ActionsGateway(Hookgate gateway, Topics topics, KafkaProducer<String, byte[]> producer) {
    this.gateway = gateway;
    this.topics = topics;
    this.producer = producer;
  }

  /** @param targetsYaml a {@code targets:} block */
  static ActionsGateway start(KafkaBroker broker, Topics topics, String targetsYaml, Map<String, String> env)
      throws Exception {
    int[] ports = KafkaBrokers.freePorts(2);
    String yaml = targetsYaml + "\n" + """
        ingress:
          port: %d
          instances: 1
        management:
          port: %d
        kafka:
          bootstrapServers: "%s"
          topics:
            events: { name: %s, partitions: 1, replicationFactor: 1 }
            actions: { name: %s, partitions: 2, replicationFactor: 1 }
            actionsRetry: { name: %s, partitions: 2, replicationFactor: 1 }
            deadLetter: { name: %s, partitions: 1, replicationFactor: 1 }
            deliveryStatus: { name: %s, partitions: 1, replicationFactor: 1, compacted: true }
            subscriptions: { name: subscriptions-%s, partitions: 1, replicationFactor: 1, compacted: true }
            subscriptionCommands: { name: subscription-commands-%s, partitions: 1, replicationFactor: 1 }
            operations: { name: operations-%s, partitions: 1, replicationFactor: 1 }
            jobs: { name: jobs-%s, partitions: 1, replicationFactor: 1, compacted: true }
        shutdown:
          gracePeriod: 5s
        """.formatted(ports[0], ports[1], broker.bootstrapServers(), topics.events(),
        topics.actions(), topics.retry(), topics.deadLetter(), topics.status(), topics.events(), topics.events(),
        topics.events(), topics.events());
    Map<String, String> environment = new HashMap<>(env);
    HookgateConfig config = new ConfigLoader(environment).loadYaml(yaml);
    Hookgate gateway = Hookgate.start(config, environment);
    KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
    return new ActionsGateway(gateway, topics, producer);
  }

  Topics topics() {
    return topics;
  }

  /** An action as a rule would emit it: first attempt, created now, source {@code test}. */
  static ActionRecord action(String id, String target, String kind, String path, JsonNode body) {
    return new ActionRecord(id, "evt-" + id, "labeling.label.submitted", "test", "p1", "test-rule", target, kind,
        null, path, Map.of(), body, List.of(), 1, Instant.now(), null, null);
  }

  static ActionRecord withThen(ActionRecord a, List<ActionRecord> then) {
    return new ActionRecord(a.id(), a.eventId(), a.eventType(), a.source(), a.projectId(), a.rule(), a.target(),
        a.kind(), a.method(), a.path(), a.headers(), a.body(), then, a.attempt(), a.createdAt(), a.notBefore(),
        a.lastError());
  }

  static JsonNode json(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** Writes the action onto the actions topic, key = target, and waits for the ack. */
  void send(ActionRecord action) throws Exception {
    producer.send(new ProducerRecord<>(topics.actions(), action.target(), CODEC.write(action))).get(10,
        TimeUnit.SECONDS);
  }

  /** Writes the actions onto the actions topic at once (a burst), and waits for them all to be acked. */
  void sendAll(List<ActionRecord> actions) throws Exception {
    List<Future<?>> acks = new ArrayList<>();
    for (ActionRecord a : actions) {
      acks.add(producer.send(new ProducerRecord<>(topics.actions(), a.target(), CODEC.write(a))));
    }
    for (Future<?> ack : acks) {
      ack.get(10, TimeUnit.SECONDS);
    }
  }

  /** Writes the action onto the retry topic, as a failed attempt would. */
  void sendToRetry(ActionRecord action) throws Exception {
    producer.send(new ProducerRecord<>(topics.retry(), action.target(), CODEC.write(action))).get(10, TimeUnit.SECONDS);
  }

  void sendRaw(String key, byte[] value) throws Exception {
    producer.send(new ProducerRecord<>(topics.actions(), key, value)).get(10, TimeUnit.SECONDS);
  }

  JsonNode get(String path) throws Exception {
    HttpResponse<String> r = getRaw(path);
    if (r.statusCode() != 200) {
      throw new AssertionError("GET " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    return MAPPER.readTree(r.body());
  }

  HttpResponse<String> getRaw(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.managementPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  JsonNode status(String target) throws Exception {
    return get("/api/v1/targets/" + target + "/status");
  }

  String metrics() throws Exception {
    return getRaw("/metrics").body();
  }

  /** Reads a whole topic from the beginning until {@code done} holds for what was read (or the timeout). */
  static List<ConsumerRecord<String, byte[]>> read(String bootstrap, String topic,
      Predicate<List<ConsumerRecord<String, byte[]>>> done, Duration timeout) {
    List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo p : c.partitionsFor(topic, Duration.ofSeconds(10))) {
        parts.add(new TopicPartition(topic, p.partition()));
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!done.test(seen) && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(100)).forEach(seen::add);
      }
    }
    return seen;
  }

  /** Waits for the dead letter of the action {@code id}. */
  ConsumerRecord<String, byte[]> awaitDeadLetter(String id) {
    List<ConsumerRecord<String, byte[]>> seen = read(gateway.bootstrapServers(), topics.deadLetter(),
        rs -> rs.stream().anyMatch(r -> id.equals(idOf(r))), Duration.ofSeconds(20));
    return seen.stream().filter(r -> id.equals(idOf(r))).findFirst()
        .orElseThrow(() -> new AssertionError("no dead letter for " + id + "; saw " + seen.size()));
  }

  /** Every dead letter written so far (reads for {@code quiet}). */
  List<ConsumerRecord<String, byte[]>> deadLetters(Duration quiet) {
    return read(gateway.bootstrapServers(), topics.deadLetter(), rs -> false, quiet);
  }

  static String idOf(ConsumerRecord<String, byte[]> r) {
    try {
      return MAPPER.readTree(r.value()).path("id").asText(null);
    } catch (Exception e) {
      return null;
    }
  }

  static ActionRecord decode(ConsumerRecord<String, byte[]> r) {
    return CODEC.read(r.value());
  }

  static String header(ConsumerRecord<String, byte[]> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
  }

  String bootstrapServers() {
    return gateway.bootstrapServers();
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
    gateway.close();
  }
}
