package io.hookgate.kafka;

import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Topic metadata fetched ahead of the first send, for producers that never wait for it ({@code max.block.ms=0}). */
public final class TopicMetadata {
  private static final Logger LOG = LoggerFactory.getLogger(TopicMetadata.class);
  private static final Duration PATIENCE = Duration.ofSeconds(15);

  private TopicMetadata() {
  }

  /** Fetches the metadata of these topics, waiting up to 15s in all; blocks, so never on an event loop. */
  public static void warm(Producer<?, ?> producer, List<String> topics) {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    for (String topic : topics) {
      while (true) {
        try {
          producer.partitionsFor(topic);
          break;
        } catch (RuntimeException e) {
          if (System.nanoTime() > deadline) {
            LOG.warn("No metadata yet for topic {}: {}", topic, e.toString());
            break;
          }
          try {
            Thread.sleep(50);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }
  }
}
