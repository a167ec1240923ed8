package io.hookgate.pull;

import io.hookgate.kafka.ConsumerLoop;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which replica holds each {@code kili-subscription} source: the one whose member of the group
 * {@code <pullPositions>.owners} is assigned the partition of the positions topic the source's records go to
 * ({@link PullPositions#partitionOf}). Kafka's group protocol makes that one replica at a time, and moves the
 * partition when the replica stops or dies (after the session timeout), so a source's subscriptions are held
 * once however many replicas run, and a label is written once.
 *
 * <p>A source taken is started from the positions and pause the topic holds (read to its end first: the replica
 * that held it before wrote them); a source lost is put on standby. The member reads the pauses written to its
 * partitions as they come ({@code paused/<source>}), so a pause asked of any replica reaches the one holding the
 * source. Everything runs on the member's context.
 */
final class PullOwners implements ConsumerLoop.RecordHandler {
  private static final Logger LOG = LoggerFactory.getLogger(PullOwners.class);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration RETRY = Duration.ofSeconds(5);

  /** The last pause record read for a source. */
  private record Pause(int partition, long offset, boolean paused) {
  }

  private final Vertx vertx;
  private final PullPositions positions;
  private final Collection<PullSource> sources;
  private final Set<Integer> owned = new HashSet<>();
  private final Map<String, Pause> lastPause = new HashMap<>();
  /** Per partition, the end offset the last read of the topic covered: pauses below it were in that read. */
  private final Map<Integer, Long> readEnds = new HashMap<>();
  private long generation;

  PullOwners(Vertx vertx, PullPositions positions, Collection<PullSource> sources) {
    this.vertx = vertx;
    this.positions = positions;
    this.sources = List.copyOf(sources);
  }

  @Override
  public void assigned(Collection<TopicPartition> partitions) {
    partitions.forEach(tp -> owned.add(tp.partition()));
    reconcile();
  }

  @Override
  public void revoked(Collection<TopicPartition> partitions) {
    partitions.forEach(tp -> owned.remove(tp.partition()));
    reconcile();
  }

  @Override
  public Future<Void> handle(ConsumerRecord<String, byte[]> record) {
    String key = record.key();
    if (key == null || !key.startsWith(PullPositions.PAUSED_PREFIX)) {
      return Future.succeededFuture();
    }
    Boolean paused = positions.pausedValue(record);
    if (paused == null) {
      return Future.succeededFuture();
    }
    String name = key.substring(PullPositions.PAUSED_PREFIX.length());
    Pause pause = new Pause(record.partition(), record.offset(), paused);
    lastPause.put(name, pause);
    for (PullSource s : sources) {
      if (s.name().equals(name) && s.held() && newerThanRead(pause)) {
        s.applyPaused(paused);
      }
    }
    return Future.succeededFuture();
  }

  private boolean newerThanRead(Pause p) {
    return p.offset() >= readEnds.getOrDefault(p.partition(), Long.MAX_VALUE);
  }

  private boolean mine(PullSource s) {
    return owned.contains(PullPositions.partitionOf(s.name(), positions.partitions()));
  }

  /** Puts the sources lost on standby, and starts those taken once the topic is read. */
  private void reconcile() {
    long gen = ++generation;
    List<PullSource> taken = new ArrayList<>();
    for (PullSource s : sources) {
      if (!mine(s) && s.held()) {
        s.standby();
      } else if (mine(s) && !s.held()) {
        taken.add(s);
      }
    }
    if (taken.isEmpty()) {
      return;
    }
    vertx.executeBlocking(() -> positions.readAll(READ_TIMEOUT), false).onComplete(ar -> {
      if (gen != generation) {
        // The partitions moved again meanwhile: the later reconcile reads for itself.
        return;
      }
      if (ar.failed()) {
        LOG.warn("Kili pull: cannot read {} to take sources {} ({}); retrying in {}s", positions.topic(),
            taken.stream().map(PullSource::name).toList(), ar.cause().toString(), RETRY.toSeconds());
        vertx.setTimer(RETRY.toMillis(), t -> {
          if (gen == generation) {
            reconcile();
          }
        });
        return;
      }
      PullPositions.Stored stored = ar.result();
      readEnds.putAll(stored.ends());
      for (PullSource s : taken) {
        if (mine(s) && !s.held()) {
          boolean paused = stored.paused().getOrDefault(s.name(), false);
          Pause later = lastPause.get(s.name());
          if (later != null && newerThanRead(later)) {
            paused = later.paused();
          }
          s.take(stored.positions(), paused);
        }
      }
    });
  }
}
