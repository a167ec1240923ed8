package io.hookgate.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ConsumerLoop}'s part in its group's rebalances; runs inside {@code poll()}, on the consumer's thread.
 * Partitions going away get their finished records committed (after up to {@code revokeDrain} for those in
 * flight) before they are released, so that the next owner starts right after; partitions coming in start from
 * their last commit, skipping what its metadata says the previous owner finished past it.
 */
final class GroupRebalance implements ConsumerRebalanceListener {
  private static final Logger LOG = LoggerFactory.getLogger(GroupRebalance.class);

  private final ConsumerLoop loop;
  private final KafkaConsumer<String, byte[]> consumer;

  GroupRebalance(ConsumerLoop loop, KafkaConsumer<String, byte[]> consumer) {
    this.loop = loop;
    this.consumer = consumer;
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    loop.drain(consumer, partitions, loop.settings().revokeDrain());
    loop.owned().commit(consumer, partitions, true);
    loop.release(partitions);
    LOG.info("{}: gave up {}", loop.name(), partitions);
  }

  @Override
  public void onPartitionsLost(Collection<TopicPartition> partitions) {
    // Someone else may own them already: committing now could move their offsets backwards.
    loop.release(partitions);
    LOG.warn("{}: lost {} without a rebalance; the new owner reads from the last commit", loop.name(), partitions);
  }

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    loop.owned().assign(partitions, lastCommits(partitions));
    if (loop.pausedAll()) {
      consumer.pause(partitions);
    }
    loop.assigned(partitions);
    LOG.info("{}: now reads {}", loop.name(), partitions);
  }

  /** The previous owner's commits, whose metadata lists what it finished past them. */
  private Map<TopicPartition, OffsetAndMetadata> lastCommits(Collection<TopicPartition> partitions) {
    for (int attempt = 1; attempt <= 2; attempt++) {
      try {
        Map<TopicPartition, OffsetAndMetadata> last = consumer.committed(new HashSet<>(partitions),
            Duration.ofSeconds(10));
        return last == null ? Map.of() : last;
      } catch (WakeupException e) {
        // A wakeup meant for poll(): consumed now, try once more.
      } catch (RuntimeException e) {
        break;
      }
    }
    // Without them, records finished by the previous owner past its commit are done again.
    LOG.warn("{}: could not read the committed offsets of {}", loop.name(), partitions);
    return Map.of();
  }
}
