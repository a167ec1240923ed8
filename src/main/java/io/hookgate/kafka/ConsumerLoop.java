package io.hookgate.kafka;

import io.hookgate.kafka.ConsumerSettings.OnFailure;
import io.hookgate.kafka.ConsumerSettings.WholeTopic;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * hookgate's one Kafka consumer: every reader of a topic (rules, actions, retries, the delivery status
 * store...) is one of these with its own {@link ConsumerSettings} and {@link RecordHandler}.
 *
 * <p>The plain {@link KafkaConsumer} is not thread-safe and its {@code poll} blocks, so it lives on a thread of
 * its own, which alone touches it. Fetched records are handed to the handler on a Vert.x context, in offset
 * order per partition; the handler's future says when a record's outcome is durable, and an
 * {@link OffsetTracker} per partition turns those completions, in whatever order they come, into commits
 * that never pass an unfinished record. Past {@code maxInFlight} unfinished records every partition is
 * paused until some finish. Commits go out at most every {@code commitInterval}, at once on a rebalance
 * (after up to {@code revokeDrain} for the records in flight) and on stop (after up to {@code drainTimeout}).
 * A stopped member leaves its group at once, even as a static member. Should the consumer fail unexpectedly,
 * it is closed and a new one takes its place after {@value #RESTART_DELAY_MS}ms.
 *
 * <p>Meters, while the consumer is open: its Kafka client metrics ({@code kafka_consumer_*}), and its lag,
 * in-flight records and partitions in the group's {@link ConsumerProgress}.
 *
 * <p>Just over 400 lines because the consumer's whole life (poll, pause and resume, commits, rebalance, rewind,
 * restart, close) must stay on its one thread in one place; the offset arithmetic is in {@link OffsetTracker}.
 */
public final class ConsumerLoop {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);
  private static final Duration POLL = Duration.ofMillis(100);
  static final long RESTART_DELAY_MS = 5_000;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** What a {@link ConsumerLoop} hands its records to; every method is called on the loop's Vert.x context. */
  public interface RecordHandler {
    /**
     * Handles one record; the future completes once its outcome is durable (then its offset may be committed)
     * or fails (then {@link ConsumerSettings#onFailure()} applies). Records of one partition come in offset order.
     */
    Future<Void> handle(ConsumerRecord<String, byte[]> record);

    /** These partitions are now this consumer's. */
    default void assigned(Collection<TopicPartition> partitions) {
    }

    /** These partitions went away: their records still in flight will not be committed here. */
    default void revoked(Collection<TopicPartition> partitions) {
    }
  }

  /** A failed record's request to read its partition again, applied on the consumer's thread. */
  private record Rewind(OffsetTracker tracker, int generation, long offset, Throwable cause) {
  }

  private final ConsumerSettings settings;
  private final RecordHandler handler;
  private final Context context;
  private final MeterRegistry meters;
  private final ConsumerProgress progress;
  private final OwnedPartitions owned;
  private final Queue<Rewind> rewinds = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean wakeRequested = new AtomicBoolean();
  private final Promise<Void> started = Promise.promise();
  private final Promise<Void> caughtUp = Promise.promise();
  private final Promise<Void> stopped = Promise.promise();
  private volatile boolean running = true;
  private volatile boolean pausedAll;
  private volatile KafkaConsumer<String, byte[]> consumer;
  private Map<TopicPartition, Long> endAtStart;
  private long lastCommit = System.nanoTime();
  private volatile Thread thread;

  /**
   * @param context where the handler is called
   * @param meters where the Kafka client's meters go; null for none
   * @param progress the group's progress in this replica; null for none
   */
  public ConsumerLoop(ConsumerSettings settings, RecordHandler handler, Context context, MeterRegistry meters,
      ConsumerProgress progress) {
    this.settings = settings;
    this.handler = handler;
    this.context = context;
    this.meters = meters;
    this.progress = progress;
    this.owned = new OwnedPartitions(settings.name());
  }

  /** Starts the thread; completes once subscribed (a group) or assigned and positioned (a whole topic). */
  public Future<Void> start() {
    thread = new Thread(this::run, settings.name());
    thread.setDaemon(true);
    thread.start();
    return started.future();
  }

  /** For a whole-topic reader: completes once it has read and handed out what the topic held when it started. */
  public Future<Void> caughtUp() {
    return caughtUp.future();
  }

  /** Stops fetching, lets what is in flight finish (up to the drain timeout), commits, and leaves the group. */
  public Future<Void> stop() {
    running = false;
    KafkaConsumer<String, byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    if (thread == null) {
      stopped.tryComplete();
    }
    return stopped.future();
  }

  /**
   * Where this consumer started in a partition it holds: the offset committed when it took the partition; -1
   * when it holds it not, or nothing was committed.
   */
  public long startOffset(TopicPartition partition) {
    OffsetTracker t = owned.tracker(partition);
    return t == null ? -1 : t.committedOffset();
  }

  /** Records handed out and not finished. */
  public int outstanding() {
    return owned.outstanding();
  }

  public String name() {
    return settings.name();
  }

  /** CPU time its thread has used, in nanoseconds; -1 before it starts, once it ended, or if the JVM cannot tell. */
  public long cpuNanos() {
    Thread t = thread;
    return t == null || !THREADS.isThreadCpuTimeSupported() ? -1 : THREADS.getThreadCpuTime(t.getId());
  }

  ConsumerSettings settings() {
    return settings;
  }

  OwnedPartitions owned() {
    return owned;
  }

  boolean pausedAll() {
    return pausedAll;
  }

  /** The handler learns of new partitions on its context. */
  void assigned(Collection<TopicPartition> partitions) {
    List<TopicPartition> assigned = List.copyOf(partitions);
    onContext(() -> handler.assigned(assigned));
  }

  private void run() {
    try {
      while (running) {
        try {
          consume();
        } catch (RuntimeException e) {
          releaseAll();
          if (!running) {
            break;
          }
          LOG.error("{}: the consumer of {} failed; a new one starts in {}ms", settings.name(),
              settings.subscription().topic(), RESTART_DELAY_MS, e);
          pause(RESTART_DELAY_MS);
        }
      }
    } finally {
      releaseAll();
      started.tryFail("the consumer " + settings.name() + " stopped before it started");
      caughtUp.tryFail("the consumer " + settings.name() + " stopped before it had read "
          + settings.subscription().topic());
      stopped.tryComplete();
    }
  }

  /** One consumer's life: until stopped, or until it fails. */
  private void consume() {
    KafkaClientMetrics clientMetrics = null;
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(settings.properties())) {
      consumer = c;
      if (meters != null) {
        // Bound on the thread that owns the consumer; metrics() may then be read from the scraping thread.
        clientMetrics = new KafkaClientMetrics(c);
        clientMetrics.bindTo(meters);
      }
      if (settings.subscription() instanceof WholeTopic whole) {
        if (!assignWholeTopic(c, whole)) {
          return;
        }
      } else {
        c.subscribe(((ConsumerSettings.Group) settings.subscription()).topics(), new GroupRebalance(this, c));
      }
      started.tryComplete();
      while (running) {
        try {
          pollOnce(c);
        } catch (WakeupException | InterruptException e) {
          // stop(), or records finished while every partition was paused: look at the state again.
        }
      }
      finish(c);
    } finally {
      consumer = null;
      if (clientMetrics != null) {
        clientMetrics.close();
      }
      if (progress != null) {
        progress.remove(settings.name());
      }
    }
  }

  private boolean assignWholeTopic(KafkaConsumer<String, byte[]> c, WholeTopic whole) {
    List<TopicPartition> partitions = WholeTopicReader.assign(c, whole, () -> running, settings.name());
    if (partitions == null) {
      return false;
    }
    endAtStart = c.endOffsets(partitions, Duration.ofSeconds(10));
    owned.assign(partitions, Map.of());
    assigned(partitions);
    return true;
  }

  private void pollOnce(KafkaConsumer<String, byte[]> c) {
    applyRewinds(c);
    boolean full = owned.outstanding() >= settings.maxInFlight();
    if (full != pausedAll) {
      if (full) {
        c.pause(c.assignment());
      } else {
        c.resume(c.paused());
      }
      pausedAll = full;
    }
    if (settings.inGroup() && System.nanoTime() - lastCommit >= settings.commitInterval().toNanos()) {
      // Not after every poll: each commit is a write to the broker's offsets topic, and under load polls
      // come by the thousand a second.
      owned.commit(c, owned.partitions(), false);
      lastCommit = System.nanoTime();
    }
    wakeRequested.set(false);
    ConsumerRecords<String, byte[]> records = c.poll(POLL);
    for (TopicPartition tp : records.partitions()) {
      dispatch(tp, records.records(tp));
    }
    long lag = 0;
    for (TopicPartition tp : c.assignment()) {
      lag += c.currentLag(tp).orElse(0);
    }
    if (progress != null) {
      progress.update(settings.name(), lag, owned.outstanding(), owned.size());
    }
    if (endAtStart != null && !caughtUp.future().isComplete() && WholeTopicReader.reached(c, endAtStart)) {
      // After the records handed out above, which run first on the same context.
      onContext(caughtUp::tryComplete);
    }
  }

  private void dispatch(TopicPartition tp, List<ConsumerRecord<String, byte[]>> fetched) {
    OffsetTracker tracker = owned.tracker(tp);
    if (tracker == null) {
      return;
    }
    int generation = tracker.generation();
    List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>(fetched.size());
    for (ConsumerRecord<String, byte[]> r : fetched) {
      if (tracker.track(r.offset())) {
        batch.add(r);
      }
    }
    if (batch.isEmpty()) {
      return;
    }
    onContext(() -> {
      for (ConsumerRecord<String, byte[]> r : batch) {
        if (!tracker.isCurrent(generation)) {
          return;
        }
        handleOne(tracker, generation, r);
      }
    });
  }

  private void handleOne(OffsetTracker tracker, int generation, ConsumerRecord<String, byte[]> record) {
    Future<Void> outcome;
    try {
      outcome = handler.handle(record);
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    outcome.onComplete(ar -> {
      if (ar.succeeded()) {
        tracker.done(record.offset(), generation);
        wakeIfPaused();
      } else if (settings.onFailure() == OnFailure.READ_AGAIN) {
        // Queued before the tracker is told, so that a drain woken by it finds the rewind to apply.
        rewinds.add(new Rewind(tracker, generation, record.offset(), ar.cause()));
        tracker.failed(generation);
        wakeIfPaused();
      } else {
        LOG.warn("{}: record {}@{} not finished (whoever owns the partition next does it again): {}", settings.name(),
            tracker.partition(), record.offset(), ar.cause().toString());
      }
    });
  }

  /** Back-pressure released while every partition is paused: poll again at once rather than after the timeout. */
  private void wakeIfPaused() {
    KafkaConsumer<String, byte[]> c = consumer;
    if (c != null && pausedAll && owned.outstanding() < settings.maxInFlight()
        && wakeRequested.compareAndSet(false, true)) {
      c.wakeup();
    }
  }

  /** Reads the partitions of failed records again from their first unfinished offset. */
  private void applyRewinds(KafkaConsumer<String, byte[]> c) {
    Rewind r;
    while ((r = rewinds.poll()) != null) {
      long from = r.tracker().rewind(r.generation());
      TopicPartition tp = r.tracker().partition();
      if (from >= 0 && owned.tracker(tp) == r.tracker()) {
        LOG.warn("{}: record {}@{} failed ({}); reading {} again from offset {}", settings.name(), tp, r.offset(),
            r.cause().toString(), tp, from);
        c.seek(tp, from);
      }
    }
  }

  /** On stop: fetch nothing more, let what is in flight finish, commit, leave. */
  private void finish(KafkaConsumer<String, byte[]> c) {
    c.pause(c.assignment());
    pausedAll = true;
    drain(c, owned.partitions(), settings.drainTimeout());
    if (settings.inGroup()) {
      owned.commit(c, owned.partitions(), true);
      // Leaves the group even as a static member: a stopped replica's partitions move at once.
      c.close(CloseOptions.timeout(Duration.ofSeconds(5))
          .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    }
  }

  /** Waits up to {@code timeout} for the records in flight of these partitions, reading failed ones again. */
  void drain(KafkaConsumer<String, byte[]> c, Collection<TopicPartition> partitions, Duration timeout) {
    if (!timeout.isZero()
        && !owned.awaitIdle(partitions, System.nanoTime() + timeout.toNanos(), () -> applyRewinds(c))) {
      LOG.warn("{}: records still in flight after {}ms; whoever owns their partitions next does them again",
          settings.name(), timeout.toMillis());
    }
  }

  /** Forgets these partitions: their trackers ignore late completions, the handler drops what it holds for them. */
  void release(Collection<TopicPartition> partitions) {
    if (!partitions.isEmpty()) {
      List<TopicPartition> gone = owned.release(partitions);
      onContext(() -> handler.revoked(gone));
    }
  }

  /**
   * Runs on the handler's context. Once that is closed (Vert.x closed without stopping this loop first),
   * nothing can be handed out any more: the loop stops, leaving what it has not finished to the next owner.
   */
  private void onContext(Runnable task) {
    try {
      context.runOnContext(v -> task.run());
    } catch (RejectedExecutionException e) {
      if (running) {
        LOG.warn("{}: its Vert.x context is closed; stopping", settings.name());
        running = false;
      }
    }
  }

  private void releaseAll() {
    release(List.copyOf(owned.partitions()));
  }

  /** Waits, in steps that notice a {@link #stop()}. */
  private void pause(long millis) {
    long deadline = System.nanoTime() + millis * 1_000_000;
    try {
      while (running && System.nanoTime() < deadline) {
        Thread.sleep(Math.min(50, millis));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
