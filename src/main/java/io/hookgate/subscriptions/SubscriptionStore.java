package io.hookgate.subscriptions;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.kafka.ConsumerLoop;
import io.hookgate.subscriptions.StateRecord.Result;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every subscription, in memory, as the compacted subscriptions topic holds them: the handler of a whole-topic
 * {@link ConsumerLoop} that every replica runs from the beginning before it reports ready, and follows after.
 * It tells whoever sent a command what came of it (read your writes: the answer comes once this replica has
 * the new state), and tells its listeners (the matching index, the delivery side) of every change.
 */
public final class SubscriptionStore implements ConsumerLoop.RecordHandler {
  private static final Logger LOG = LoggerFactory.getLogger(SubscriptionStore.class);
  /** How long deleted ids are remembered, so that a delivery for one is dropped rather than held. */
  static final Duration DELETED_MEMORY = Duration.ofDays(1);

  /** What came of a command, once the state it made is read back. */
  public record Outcome(Result result, Subscription subscription, String message) {
  }

  /** Told of every change on the store's context: {@code now} is null once the subscription is deleted. */
  public interface Listener {
    void changed(String id, Subscription now);
  }

  private final SubscriptionCodec codec;
  private final ObjectMapper mapper;
  private final Clock clock;
  private final Map<String, Subscription> byId = new ConcurrentHashMap<>();
  private final Map<String, String> undecryptable = new ConcurrentHashMap<>();
  private final Map<String, Instant> deleted = new ConcurrentHashMap<>();
  private final Map<String, String> lastWriteId = new ConcurrentHashMap<>();
  private final Map<String, Promise<Outcome>> pending = new ConcurrentHashMap<>();
  private final Map<Integer, Long> appliedUpTo = new ConcurrentHashMap<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  SubscriptionStore(SubscriptionCodec codec, Clock clock) {
    this.codec = codec;
    this.mapper = codec.mapper();
    this.clock = clock;
  }

  public void listen(Listener listener) {
    listeners.add(listener);
  }

  public Optional<Subscription> get(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  /** Every subscription, by id. */
  public List<Subscription> all() {
    return byId.values().stream().sorted(Comparator.comparing(Subscription::id)).toList();
  }

  public int size() {
    return byId.size();
  }

  /** Whether the subscription was deleted lately (its deliveries still on their way are dropped). */
  public boolean wasDeleted(String id) {
    Instant when = deleted.get(id);
    return when != null && when.isAfter(clock.instant().minus(DELETED_MEMORY));
  }

  /** Why a subscription cannot be delivered from this replica (its secrets cannot be decrypted here), if so. */
  public Optional<String> problem(String id) {
    return Optional.ofNullable(undecryptable.get(id));
  }

  /** The id of the last command applied to this subscription, to apply a command read twice only once. */
  String lastWriteId(String id) {
    return lastWriteId.get(id);
  }

  /** Completes with the outcome of the command {@code writeId} once its state is read here; call before sending it. */
  Future<Outcome> expect(String writeId, Vertx vertx, Duration timeout) {
    Promise<Outcome> p = Promise.promise();
    pending.put(writeId, p);
    long timer = vertx.setTimer(timeout.toMillis(), t -> {
      if (pending.remove(writeId) != null) {
        p.tryFail(new UnconfirmedException("the change was sent but not confirmed within " + timeout.toSeconds()
            + "s; it may still apply: read the subscription again"));
      }
    });
    return p.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  /** Gives up waiting for {@code writeId} (its command could not be sent). */
  void forget(String writeId) {
    pending.remove(writeId);
  }

  /** Whether this store has read partition {@code partition} of the state topic up to {@code offset} (exclusive). */
  boolean appliedUpTo(int partition, long offset) {
    return appliedUpTo.getOrDefault(partition, 0L) >= offset;
  }

  @Override
  public Future<Void> handle(ConsumerRecord<String, byte[]> r) {
    try {
      apply(r);
    } finally {
      // Only once the record's state is in place: the writer, on another thread, reads the store as soon as this
      // says the record was read (moved first, a write could be applied against the state before it).
      appliedUpTo.merge(r.partition(), r.offset() + 1, Math::max);
    }
    return Future.succeededFuture();
  }

  private void apply(ConsumerRecord<String, byte[]> r) {
    String id = r.key();
    if (id == null) {
      return;
    }
    if (r.value() == null) {
      // The tombstone that follows a deletion, so that compaction forgets the subscription.
      if (byId.remove(id) != null) {
        deleted.put(id, clock.instant());
        notify(id, null);
      }
      return;
    }
    StateRecord rec;
    try {
      rec = mapper.readValue(r.value(), StateRecord.class);
    } catch (Exception e) {
      LOG.warn("Subscriptions: record {} at {}-{}@{} is not a subscription state; skipped", id, r.topic(),
          r.partition(), r.offset());
      return;
    }
    if (rec.writeId() != null) {
      lastWriteId.put(id, rec.writeId());
    }
    Subscription now = null;
    if (rec.subscription() != null) {
      SubscriptionCodec.Decoded d = codec.decode(rec.subscription(), why -> {
        LOG.error("Subscription {} {}; it cannot be delivered from this replica", id, why);
        undecryptable.put(id, why);
      });
      now = d.subscription();
      if (d.problem() != null) {
        LOG.error("Subscription {} {}; it cannot be delivered from this replica (configure its encryption key)", id,
            d.problem());
        undecryptable.put(id, d.problem());
      } else {
        undecryptable.remove(id);
      }
      Subscription before = byId.put(id, now);
      deleted.remove(id);
      if (before == null || before.revision() != now.revision()) {
        notify(id, now);
      }
    } else if (byId.remove(id) != null) {
      deleted.put(id, clock.instant());
      undecryptable.remove(id);
      notify(id, null);
    }
    Promise<Outcome> waiting = rec.writeId() == null ? null : pending.remove(rec.writeId());
    if (waiting != null) {
      waiting.tryComplete(new Outcome(rec.result(), now, rec.message()));
    }
  }

  private void notify(String id, Subscription now) {
    for (Listener l : listeners) {
      try {
        l.changed(id, now);
      } catch (RuntimeException e) {
        LOG.error("Subscriptions: a listener failed on the change of {}", id, e);
      }
    }
  }

  /** All listeners' view of the store at once, for those that start after it has read the topic. */
  public Collection<Subscription> snapshot() {
    return List.copyOf(byId.values());
  }

  /** A command was sent but its outcome was not read back in time. */
  public static final class UnconfirmedException extends RuntimeException {
    UnconfirmedException(String message) {
      super(message, null, false, false);
    }
  }
}
