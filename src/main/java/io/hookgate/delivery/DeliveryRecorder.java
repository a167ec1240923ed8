package io.hookgate.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.hookgate.event.EventPublisher;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes each delivery outcome into the two logs it belongs to (the target's, and the subscription's:
 * target + source + project) in the compacted delivery-status topic.
 *
 * <p>Read-modify-write is safe because a target has a single writer at a time: actions are keyed by
 * target, so one target's actions are in one partition, consumed by one member of the group. A new owner
 * after a rebalance starts from what the store has read, and versions keep increasing.
 *
 * <p>Writes are coalesced per log: while one record of a log is on its way to Kafka, or until {@code spacing}
 * has passed since the log's last record, later outcomes only update the log in memory, and the next record
 * carries all of them at once (each record is the whole log, so the latest one is all a reader of the
 * compacted topic needs). Every outcome is durable once the future of {@link #persist} completes, but a busy
 * target writes at most one record per spacing instead of two per call. A subscription's log holds its last
 * {@value DeliveryStatus#RECENT} attempts with their request headers (~14 KB): at a round trip's pace, one
 * subscription taking ~4,500 deliveries a second had it written ~150 times a second, 2 MB/s into the compacted
 * topic, and each delivery cost 193 µs of the gateway's CPU against 168 through a YAML target; spaced, 168
 * (bench/README.md, subscription vs YAML target).
 */
public final class DeliveryRecorder {
  /** The most of a response body kept in {@code lastError.body}. */
  public static final int MAX_BODY_CHARS = 2048;
  /**
   * The least time between two records of one log: what an outcome may wait to become durable (the action's
   * offset is committed after that), well under a call's own time, for at most 40 records a second per log.
   */
  public static final Duration SPACING = Duration.ofMillis(25);

  /** The two logs an outcome was applied to, to be made durable with {@link #persist}. */
  public record Update(String targetKey, String subscriptionKey) {
  }

  private final DeliveryStatusStore store;
  private final EventPublisher publisher;
  private final String topic;
  private final ObjectMapper mapper;
  private final long spacingNanos;
  private final Map<String, LogWriter> writers = new ConcurrentHashMap<>();

  public DeliveryRecorder(DeliveryStatusStore store, EventPublisher publisher, String topic, ObjectMapper mapper) {
    this(store, publisher, topic, mapper, SPACING);
  }

  /** @param spacing the least time between two records of one log */
  public DeliveryRecorder(DeliveryStatusStore store, EventPublisher publisher, String topic, ObjectMapper mapper,
      Duration spacing) {
    this.store = store;
    this.publisher = publisher;
    this.topic = topic;
    this.mapper = mapper;
    this.spacingNanos = spacing.toNanos();
  }

  /** {@link #apply} then {@link #persist}: completes once Kafka has acknowledged both logs with the outcome. */
  public Future<Void> record(Context context, DeliveryOutcome outcome) {
    return persist(context, apply(outcome));
  }

  /**
   * Adds the outcome to both logs in memory, once. A write that fails is repeated with {@link #persist}, never
   * by applying the outcome again (that would count it twice).
   */
  public Update apply(DeliveryOutcome outcome) {
    String targetKey = DeliveryStatusStore.key(outcome.target());
    String subscriptionKey = DeliveryStatusStore.key(outcome.target(), outcome.source(), outcome.projectId());
    DeliveryStatus target = next(store.get(targetKey)
        .orElse(DeliveryStatus.empty(outcome.target(), null, null)), outcome, true);
    DeliveryStatus subscription = next(store.get(subscriptionKey)
        .orElse(DeliveryStatus.empty(outcome.target(), outcome.source(), outcome.projectId())), outcome, false);
    store.apply(targetKey, target);
    store.apply(subscriptionKey, subscription);
    return new Update(targetKey, subscriptionKey);
  }

  /** Completes once a record of each log, as it is now or later, has been acknowledged by Kafka. */
  public Future<Void> persist(Context context, Update update) {
    return Future.all(writer(update.targetKey()).persist(context), writer(update.subscriptionKey()).persist(context))
        .mapEmpty();
  }

  private LogWriter writer(String key) {
    return writers.computeIfAbsent(key, LogWriter::new);
  }

  /**
   * One log's writes: at most one record in flight, at least {@code spacing} apart; whoever asks meanwhile waits
   * for the next one.
   */
  private final class LogWriter {
    private final String key;
    private boolean writing;
    private List<Promise<Void>> waiting = new ArrayList<>();
    /** When the last record was taken ({@link System#nanoTime()}); none yet: a spacing ago. */
    private long lastFlush = System.nanoTime() - spacingNanos;

    LogWriter(String key) {
      this.key = key;
    }

    Future<Void> persist(Context context) {
      Promise<Void> promise = Promise.promise();
      synchronized (this) {
        waiting.add(promise);
        if (writing) {
          return promise.future();
        }
        writing = true;
      }
      flushWhenDue(context);
      return promise.future();
    }

    private void flushWhenDue(Context context) {
      long wait;
      synchronized (this) {
        wait = lastFlush + spacingNanos - System.nanoTime();
      }
      if (wait <= 0) {
        flush(context);
      } else {
        context.owner().setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait + 999_999)),
            id -> context.runOnContext(v -> flush(context)));
      }
    }

    private void flush(Context context) {
      List<Promise<Void>> batch;
      synchronized (this) {
        batch = waiting;
        waiting = new ArrayList<>();
        lastFlush = System.nanoTime();
      }
      // Read after taking the batch: the record holds every outcome applied before its waiters asked.
      Future<?> written = store.get(key).map(status -> write(context, key, status))
          .orElseGet(() -> Future.failedFuture("no delivery log " + key + " to write"));
      written.onComplete(ar -> {
        for (Promise<Void> p : batch) {
          if (ar.succeeded()) {
            p.tryComplete();
          } else {
            p.tryFail(ar.cause());
          }
        }
        boolean again;
        synchronized (this) {
          again = !waiting.isEmpty();
          writing = again;
        }
        if (again) {
          flushWhenDue(context);
        }
      });
    }
  }

  private Future<?> write(Context context, String key, DeliveryStatus status) {
    byte[] value;
    try {
      value = mapper.writeValueAsBytes(status);
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
    ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
    record.headers().add(DeliveryStatusStore.VERSION_HEADER,
        Long.toString(status.version()).getBytes(StandardCharsets.US_ASCII));
    return publisher.publish(context, record);
  }

  DeliveryStatus next(DeliveryStatus previous, DeliveryOutcome o, boolean targetLevel) {
    DeliveryStatus.Counts c = previous.counts();
    boolean failed = o.called() && o.result() != DeliveryOutcome.Result.SUCCESS;
    DeliveryStatus.Counts counts = new DeliveryStatus.Counts(
        c.attempts() + (o.called() ? 1 : 0),
        c.successes() + (o.result() == DeliveryOutcome.Result.SUCCESS ? 1 : 0),
        c.failures() + (failed ? 1 : 0),
        c.retries() + (o.result() == DeliveryOutcome.Result.RETRY ? 1 : 0),
        c.deadLetters() + (o.result() == DeliveryOutcome.Result.DEAD_LETTER ? 1 : 0),
        c.deferred() + (o.result() == DeliveryOutcome.Result.DEFERRED ? 1 : 0));
    DeliveryStatus.LastCall lastCall = o.called()
        ? new DeliveryStatus.LastCall(o.statusCode(), o.message(), o.at()) : previous.lastCall();
    boolean error = failed || o.result() == DeliveryOutcome.Result.DEAD_LETTER;
    DeliveryStatus.LastError lastError = error
        ? new DeliveryStatus.LastError(o.statusCode(), o.message(), body(o.body()), o.at()) : previous.lastError();
    String breaker = targetLevel ? (o.breaker() != null ? o.breaker() : previous.breaker()) : null;
    long waiting = switch (o.result()) {
      case HELD -> previous.waiting() + 1;
      case RELEASED -> Math.max(0, previous.waiting() - 1);
      case RESUMED -> 0;
      default -> previous.waiting();
    };
    List<DeliveryStatus.Attempt> recent = previous.recent();
    if (targetLevel && o.attempt() != null) {
      List<DeliveryStatus.Attempt> more = new ArrayList<>(Math.min(DeliveryStatus.RECENT, recent.size() + 1));
      more.add(o.attempt());
      more.addAll(recent.subList(0, Math.min(recent.size(), DeliveryStatus.RECENT - 1)));
      recent = more;
    }
    Instant failingSince = o.result() == DeliveryOutcome.Result.SUCCESS && o.called() ? null
        : failed && previous.failingSince() == null ? o.at() : previous.failingSince();
    return new DeliveryStatus(previous.target(), previous.source(), previous.projectId(), lastCall, lastError, counts,
        breaker, o.at(), previous.version() + 1, waiting, recent, failingSince);
  }

  /** The body as JSON when it is complete JSON within the limit, else its first 2 KB as text. */
  JsonNode body(String body) {
    if (body == null || body.isEmpty()) {
      return null;
    }
    if (body.length() <= MAX_BODY_CHARS) {
      try {
        JsonNode json = mapper.readTree(body);
        if (json != null && json.isContainerNode()) {
          return json;
        }
      } catch (Exception e) {
        // Not JSON: kept as text.
      }
      return TextNode.valueOf(body);
    }
    return TextNode.valueOf(body.substring(0, MAX_BODY_CHARS) + "…");
  }
}
