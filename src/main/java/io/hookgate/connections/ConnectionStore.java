package io.hookgate.connections;

import io.hookgate.ingress.auth.AcceptedTokens;
import io.hookgate.kafka.ConsumerLoop;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every connection, in memory, as the compacted connections topic holds them: the handler of a whole-topic reader
 * that every replica runs from the beginning and follows, so that all replicas accept the same secrets. A change
 * is answered once this replica has read it back (read your writes).
 */
public final class ConnectionStore implements ConsumerLoop.RecordHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionStore.class);

  private record Waiter(int partition, long offset, Promise<Void> promise) {
  }

  /** A connection's secrets as the ingress compares them, encoded once per change rather than per request. */
  private record Accepted(byte[] current, byte[] previous, Instant previousUntil) {
  }

  private final ConnectionCodec codec;
  private final Map<String, Connection> byKey = new ConcurrentHashMap<>();
  private final Map<Integer, Long> appliedUpTo = new ConcurrentHashMap<>();
  private final List<Waiter> waiters = new ArrayList<>();
  /** By source, rebuilt on every change (rare), read by every request of the source (often). */
  private volatile Map<String, List<Accepted>> accepted = Map.of();

  ConnectionStore(ConnectionCodec codec) {
    this.codec = codec;
  }

  public Optional<Connection> get(String source, String projectId) {
    return Optional.ofNullable(byKey.get(Connection.key(source, projectId)));
  }

  /** The source's connections, by project. */
  public List<Connection> of(String source) {
    return byKey.values().stream().filter(c -> c.source().equals(source))
        .sorted(Comparator.comparing(Connection::projectId)).toList();
  }

  List<Connection> all() {
    return List.copyOf(byKey.values());
  }

  /** The secrets the source's connections accept: each one's current, and its previous one during the overlap. */
  public AcceptedTokens tokens(String source) {
    return nowEpochSeconds -> {
      List<Accepted> of = accepted.getOrDefault(source, List.of());
      List<byte[]> out = new ArrayList<>(of.size() * 2);
      Instant now = Instant.ofEpochSecond(nowEpochSeconds);
      for (Accepted a : of) {
        out.add(a.current());
        if (a.previous() != null && now.isBefore(a.previousUntil())) {
          out.add(a.previous());
        }
      }
      return out;
    };
  }

  private void rebuildAccepted() {
    Map<String, List<Accepted>> out = new HashMap<>();
    for (Connection c : byKey.values()) {
      byte[] previous = c.previousSecret() == null || c.previousUntil() == null ? null
          : c.previousSecret().reveal().getBytes(StandardCharsets.UTF_8);
      out.computeIfAbsent(c.source(), k -> new ArrayList<>()).add(new Accepted(
          c.secret().reveal().getBytes(StandardCharsets.UTF_8), previous, c.previousUntil()));
    }
    accepted = Map.copyOf(out);
  }

  /** Completes once this store has read partition {@code partition} past {@code offset}. */
  Future<Void> applied(int partition, long offset) {
    synchronized (waiters) {
      if (appliedUpTo.getOrDefault(partition, 0L) > offset) {
        return Future.succeededFuture();
      }
      Promise<Void> p = Promise.promise();
      waiters.add(new Waiter(partition, offset, p));
      return p.future();
    }
  }

  @Override
  public Future<Void> handle(ConsumerRecord<String, byte[]> r) {
    try {
      apply(r);
    } finally {
      List<Waiter> done = new ArrayList<>();
      synchronized (waiters) {
        appliedUpTo.merge(r.partition(), r.offset() + 1, Math::max);
        waiters.removeIf(w -> w.partition() == r.partition() && w.offset() <= r.offset() && done.add(w));
      }
      done.forEach(w -> w.promise().tryComplete());
    }
    return Future.succeededFuture();
  }

  private void apply(ConsumerRecord<String, byte[]> r) {
    if (r.key() == null) {
      return;
    }
    if (r.value() == null) {
      byKey.remove(r.key());
      rebuildAccepted();
      return;
    }
    try {
      byKey.put(r.key(), codec.decode(r.value()));
      rebuildAccepted();
    } catch (IllegalArgumentException e) {
      // Its secrets are unknown here: the platform's webhooks for it are refused on this replica until fixed.
      LOG.error("Connection {} at {}-{}@{} cannot be read: {}; configure its encryption key", r.key(), r.topic(),
          r.partition(), r.offset(), e.getMessage());
    }
  }

  public int size() {
    return byKey.size();
  }
}
