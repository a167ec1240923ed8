package io.hookgate.testing;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.message.MessageReader;
import io.cloudevents.kafka.KafkaMessageFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A plain Kafka consumer reading a topic from the beginning, decoding records with the CloudEvents SDK's
 * Kafka binding, as a downstream team's consumer would.
 */
public final class EventConsumer implements AutoCloseable {
  private final KafkaConsumer<String, byte[]> consumer;
  private final List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();

  public EventConsumer(String bootstrapServers, String topic) {
    consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
        new StringDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(topic));
  }

  /** Polls until a record matches or the timeout passes; returns every record seen so far. */
  public List<ConsumerRecord<String, byte[]>> pollUntil(Predicate<List<ConsumerRecord<String, byte[]>>> done,
      Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.test(seen) && System.nanoTime() < deadline) {
      consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
    }
    return List.copyOf(seen);
  }

  /**
   * Waits for the record whose CloudEvent id is {@code id}. When the same id was written more than once
   * (a re-sent webhook keeps its id), the newest one is returned: the consumer reads on to the end first.
   */
  public ConsumerRecord<String, byte[]> awaitId(String id, Duration timeout) {
    pollUntil(rs -> rs.stream().anyMatch(r -> id.equals(toCloudEvent(r).getId())), timeout);
    int polled;
    do {
      var batch = consumer.poll(Duration.ofMillis(300));
      batch.forEach(seen::add);
      polled = batch.count();
    } while (polled > 0);
    return seen.stream().filter(r -> id.equals(toCloudEvent(r).getId())).reduce((first, second) -> second)
        .orElseThrow(
            () -> new AssertionError("no event with id " + id + " within " + timeout + "; saw " + seen.size()));
  }

  /** Everything that arrives within {@code quiet}: for proving that nothing was published. */
  public List<ConsumerRecord<String, byte[]>> drain(Duration quiet) {
    long deadline = System.nanoTime() + quiet.toNanos();
    while (System.nanoTime() < deadline) {
      consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
    }
    return List.copyOf(seen);
  }

  public static CloudEvent toCloudEvent(ConsumerRecord<String, byte[]> record) {
    MessageReader reader = KafkaMessageFactory.createReader(record);
    return reader.toEvent();
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(2));
  }
}
