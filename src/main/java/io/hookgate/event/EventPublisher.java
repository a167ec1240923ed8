package io.hookgate.event;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;

/**
 * Writes records with the plain Kafka producer and completes on the caller's Vert.x context once the
 * broker has acknowledged them. The plain producer is used rather than vertx-kafka-client's wrapper, which
 * hops to a worker thread per send: bench/ measures the difference. {@code send()} does not block because
 * the producer runs with {@code max.block.ms=0} (see {@code KafkaClientFactory}).
 */
public final class EventPublisher {
  private final Producer<String, byte[]> producer;

  public EventPublisher(Producer<String, byte[]> producer) {
    this.producer = producer;
  }

  /**
   * The partition a record of {@code key} goes to in {@code topic}, as the producer picks it; throws when the
   * topic's metadata is not known yet (the producer never waits for it).
   */
  public int partitionFor(String topic, String key) {
    int partitions = producer.partitionsFor(topic).size();
    return BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), partitions);
  }

  public Future<RecordMetadata> publish(Context context, ProducerRecord<String, byte[]> record) {
    Promise<RecordMetadata> promise = Promise.promise();
    try {
      producer.send(record, (metadata, error) -> context.runOnContext(v -> {
        if (error != null) {
          promise.fail(error);
        } else {
          promise.complete(metadata);
        }
      }));
    } catch (RuntimeException e) {
      // No metadata yet, buffer full, record too large: the request gets a 503, nothing was written.
      promise.fail(e);
    }
    return promise.future();
  }
}
