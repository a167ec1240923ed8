package io.hookgate.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partitions a {@link ConsumerLoop} holds, each with its {@link OffsetTracker}, what was last committed
 * for them, and the count of their unfinished records. Commits and releases run on the consumer's thread;
 * trackers are finished from the handlers' threads.
 */
final class OwnedPartitions {
  private static final Logger LOG = LoggerFactory.getLogger(OwnedPartitions.class);

  private final String name;
  private final Map<TopicPartition, OffsetTracker> trackers = new ConcurrentHashMap<>();
  /** Consumer thread only. */
  private final Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
  private final AtomicInteger outstanding = new AtomicInteger();

  OwnedPartitions(String name) {
    this.name = name;
  }

  OffsetTracker tracker(TopicPartition tp) {
    return trackers.get(tp);
  }

  Set<TopicPartition> partitions() {
    return trackers.keySet();
  }

  int size() {
    return trackers.size();
  }

  /** Unfinished records in every partition held. */
  int outstanding() {
    return outstanding.get();
  }

  /** Takes partitions on; {@code last} holds their committed offsets, whose metadata lists what is done past them. */
  void assign(Collection<TopicPartition> partitions, Map<TopicPartition, OffsetAndMetadata> last) {
    for (TopicPartition tp : partitions) {
      OffsetAndMetadata om = last.get(tp);
      trackers.put(tp, new OffsetTracker(tp, om, outstanding));
      if (om != null) {
        committed.put(tp, om);
      }
    }
  }

  /** Gives partitions up: their trackers ignore late completions. Returns those that were held. */
  List<TopicPartition> release(Collection<TopicPartition> partitions) {
    List<TopicPartition> gone = List.copyOf(partitions);
    for (TopicPartition tp : gone) {
      OffsetTracker t = trackers.remove(tp);
      if (t != null) {
        t.revoke();
      }
      committed.remove(tp);
    }
    return gone;
  }

  /**
   * Waits until the records in flight of these partitions are finished or {@code deadlineNanos} passes;
   * {@code onFailure} runs on this thread when a record failed meanwhile (to read its partition again).
   * Returns whether nothing is left in flight.
   */
  boolean awaitIdle(Collection<TopicPartition> partitions, long deadlineNanos, Runnable onFailure) {
    try {
      for (TopicPartition tp : List.copyOf(partitions)) {
        OffsetTracker t = trackers.get(tp);
        while (t != null && !t.awaitIdle(deadlineNanos) && System.nanoTime() < deadlineNanos) {
          onFailure.run();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return partitions.stream().map(trackers::get).noneMatch(t -> t != null && t.pendingCount() > 0);
  }

  /** Commits what is finished in these partitions and was not committed yet. */
  void commit(Consumer<?, ?> c, Collection<TopicPartition> partitions, boolean sync) {
    Map<TopicPartition, OffsetAndMetadata> due = new HashMap<>();
    for (TopicPartition tp : partitions) {
      OffsetTracker t = trackers.get(tp);
      OffsetAndMetadata point = t == null ? null : t.commitPoint();
      if (point != null && !point.equals(committed.get(tp))) {
        due.put(tp, point);
      }
    }
    if (due.isEmpty()) {
      return;
    }
    if (!sync) {
      committed.putAll(due);
      c.commitAsync(due, (offsets, error) -> {
        if (error != null) {
          // Runs inside a later poll, on this thread: forget what we believed committed, the next round does it.
          offsets.keySet().forEach(committed::remove);
          LOG.debug("{}: asynchronous commit failed: {}", name, error.toString());
        }
      });
      return;
    }
    for (int attempt = 1; attempt <= 2; attempt++) {
      try {
        c.commitSync(due, Duration.ofSeconds(5));
        committed.putAll(due);
        return;
      } catch (WakeupException e) {
        // A wakeup meant for poll(): it is consumed now, so the second attempt goes through.
      } catch (RuntimeException e) {
        LOG.warn("{}: committing {} failed ({}); their records will be done again", name, due.keySet(), e.toString());
        return;
      }
    }
  }
}
