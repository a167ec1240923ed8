package io.hookgate.connections;

import io.hookgate.config.Secret;
import io.hookgate.event.EventPublisher;
import io.hookgate.http.Problem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects, rotates, rechecks and disconnects. Every change is written to the connections topic before the
 * platform is called with a new secret (so that every replica accepts it before the platform can send it), and
 * again with the platform's answer; the caller is answered once this replica has read the last write back.
 * Changes to one connection are applied one at a time on this replica; two replicas changing the same connection
 * at once end with the last write (the topic is compacted by key).
 */
public final class ConnectionService {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionService.class);
  private static final int SECRET_BYTES = 32;

  private final Vertx vertx;
  private final ConnectionStore store;
  private final ConnectionCodec codec;
  private final EventPublisher publisher;
  private final String topic;
  private final Map<String, SourcePlatform> sources;
  private final String publicUrl;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Future<?>> tails = new ConcurrentHashMap<>();

  /** @param publicUrl {@code ingress.publicUrl} without a trailing slash; null when it is not set */
  ConnectionService(Vertx vertx, ConnectionStore store, ConnectionCodec codec, EventPublisher publisher, String topic,
      Map<String, SourcePlatform> sources, String publicUrl, Clock clock) {
    this.vertx = vertx;
    this.store = store;
    this.codec = codec;
    this.publisher = publisher;
    this.topic = topic;
    this.sources = Map.copyOf(sources);
    this.publicUrl = publicUrl;
    this.clock = clock;
  }

  /** The source's setup, if it connects. */
  public Optional<String> kindOf(String source) {
    return Optional.ofNullable(sources.get(source)).map(SourcePlatform::kind);
  }

  /** How long after its last check a connection is checked again; null when the platform is not rechecked. */
  public Duration recheckEvery(String source) {
    SourcePlatform s = sources.get(source);
    return s == null || s.platform() == null || !s.platform().rechecks() ? null : s.config().recheckEvery();
  }

  /**
   * Registers the gateway on the platform for the project with a fresh secret, or, when it is registered already,
   * again with the secret it has (connecting twice updates).
   */
  public Future<Connection> connect(String source, String projectId) {
    SourcePlatform s = usable(source);
    String url = publicUrl + "/webhooks/" + source;
    return serial(Connection.key(source, projectId), () -> {
      Optional<Connection> existing = store.get(source, projectId);
      Instant now = clock.instant();
      Future<Connection> ahead = existing.isPresent() && existing.get().webhookUrl().equals(url)
          ? Future.succeededFuture(existing.get())
          : write(existing.map(e -> new Connection(source, projectId, s.kind(), url, e.secret(), e.previousSecret(),
              e.previousUntil(), Connection.State.connecting, null, e.createdAt(), now, e.lastCheck(), e.batches()))
              .orElseGet(() -> new Connection(source, projectId, s.kind(), url, newSecret(), null, null,
                  Connection.State.connecting, null, now, now, null, 0)));
      // Kili: a plugin made before is updated; one whose creation failed is created again.
      boolean registered = existing.isPresent() && existing.get().state() == Connection.State.connected;
      return ahead.compose(c -> register(s, c, registered));
    });
  }

  /**
   * A new secret for the connection, set on the platform; the one the platform had is still accepted for
   * {@code connect.secretOverlap}. After a failed call, the last secret known to be on the platform stays the one
   * accepted beside the new one.
   */
  public Future<Connection> rotate(String source, String projectId) {
    SourcePlatform s = usable(source);
    return serial(Connection.key(source, projectId), () -> {
      Connection c = store.get(source, projectId).orElseThrow(() -> unknown(source, projectId));
      Instant now = clock.instant();
      boolean keepPrevious = c.state() != Connection.State.connected && c.previousAccepted(now);
      Secret previous = keepPrevious ? c.previousSecret() : c.secret();
      Connection ahead = new Connection(source, projectId, c.kind(), c.webhookUrl(), newSecret(), previous,
          now.plus(s.config().secretOverlap()), Connection.State.connecting, null, c.createdAt(), now, c.lastCheck(),
          c.batches());
      return write(ahead).compose(w -> register(s, w, c.state() == Connection.State.connected));
    });
  }

  /** Unregisters from the platform, then forgets the connection: its secrets are refused from then on. */
  public Future<Void> disconnect(String source, String projectId) {
    SourcePlatform s = usable(source);
    String key = Connection.key(source, projectId);
    return serial(key, () -> {
      Connection c = store.get(source, projectId).orElseThrow(() -> unknown(source, projectId));
      return s.platform().unregister(projectId)
          .recover(e -> failed(s, c, e).compose(x -> Future.<Void>failedFuture(x)))
          .compose(v -> publish(key, null))
          .mapEmpty();
    });
  }

  /** Registers the connection again if its platform wants it and its last check is older than the interval. */
  Future<Void> recheckIfDue(Connection c) {
    SourcePlatform s = sources.get(c.source());
    if (s == null || s.platform() == null || !s.platform().rechecks()
        || (c.lastCheck() != null && c.lastCheck().plus(s.config().recheckEvery()).isAfter(clock.instant()))) {
      return Future.succeededFuture();
    }
    return serial(c.key(), () -> {
      // Read again: another replica may have checked it meanwhile.
      Connection now = store.get(c.source(), c.projectId()).orElse(null);
      if (now == null || (now.lastCheck() != null
          && now.lastCheck().plus(s.config().recheckEvery()).isAfter(clock.instant()))) {
        return Future.succeededFuture();
      }
      return register(s, now, true);
    }).mapEmpty();
  }

  private Future<Connection> register(SourcePlatform s, Connection c, boolean existing) {
    return s.platform().register(c.projectId(), c.webhookUrl(), c.secret().reveal(), existing)
        .compose(batches -> recordOutcome(c, Connection.State.connected, null, batches))
        .recover(e -> failed(s, c, e).compose(x -> Future.<Connection>failedFuture(x)));
  }

  /**
   * Records the outcome of a call made with {@code used}'s secret on the connection as it now is, unless another
   * replica changed its secret or deleted it during the call: its write stands (the secret this call set is still
   * accepted as the previous one, and a recheck sets the new one, as {@code recheckEvery} is shorter than
   * {@code secretOverlap} by default).
   */
  private Future<Connection> recordOutcome(Connection used, Connection.State state, String message, int batches) {
    Connection latest = store.get(used.source(), used.projectId()).orElse(null);
    if (latest == null || !latest.secret().equals(used.secret())) {
      return Future.succeededFuture(latest == null ? used : latest);
    }
    return write(latest.checked(state, message, clock.instant(), batches));
  }

  /** Records the platform's refusal on the connection; completes with the problem to answer. */
  private Future<ConnectionProblem> failed(SourcePlatform s, Connection c, Throwable e) {
    if (!(e instanceof PlatformException)) {
      return Future.succeededFuture(e instanceof ConnectionProblem p ? p
          : new ConnectionProblem(Problem.of(503, "connection_not_saved", "Service Unavailable",
              "the connection could not be saved: " + e.getMessage())));
    }
    String message = masked(e.getMessage(), c);
    LOG.warn("Connection {}: {}", c.key(), message);
    ConnectionProblem problem = ConnectionProblem.platform(s.kind(), message);
    return recordOutcome(c, Connection.State.error, message, c.batches()).map(problem).otherwise(problem);
  }

  /** The platform may echo what it was sent: no secret of the connection goes into a message. */
  private static String masked(String message, Connection c) {
    String out = message == null ? "no reason given" : message;
    out = out.replace(c.secret().reveal(), "****");
    return c.previousSecret() == null ? out : out.replace(c.previousSecret().reveal(), "****");
  }

  private Future<Connection> write(Connection c) {
    return publish(c.key(), codec.encode(c)).map(c);
  }

  private Future<Void> publish(String key, byte[] value) {
    return publisher.publish(vertx.getOrCreateContext(), new ProducerRecord<>(topic, key, value))
        .compose(m -> store.applied(m.partition(), m.offset()));
  }

  private SourcePlatform usable(String source) {
    SourcePlatform s = sources.get(source);
    if (s == null) {
      throw new ConnectionProblem(Problem.of(404, "no_connections", "Not Found", "source '" + source
          + "' does not connect to its platform: only kili and isahit sources with a 'connect' block do"));
    }
    if (s.platform() == null) {
      throw new ConnectionProblem(Problem.of(409, "connect_not_configured", "Conflict", s.unavailable()));
    }
    if (publicUrl == null) {
      throw new ConnectionProblem(Problem.of(409, "public_url_missing", "Conflict", "ingress.publicUrl "
          + "(HOOKGATE_INGRESS_PUBLIC_URL) is not set: hookgate does not know the URL the platform must call"));
    }
    if (!codec.canSeal()) {
      throw new ConnectionProblem(Problem.of(503, "encryption_key_missing", "Service Unavailable",
          "no encryption key is set (HOOKGATE_ENCRYPTION_KEY): a connection's secret cannot be kept"));
    }
    return s;
  }

  private static ConnectionProblem unknown(String source, String projectId) {
    return new ConnectionProblem(Problem.of(404, "unknown_connection", "Not Found",
        "source '" + source + "' has no connection for project '" + projectId + "'"));
  }

  private Secret newSecret() {
    byte[] bytes = new byte[SECRET_BYTES];
    random.nextBytes(bytes);
    return new Secret(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), "generated");
  }

  /** Runs {@code step} after every earlier step for the same key on this replica has finished. */
  @SuppressWarnings("unchecked")
  private <T> Future<T> serial(String key, Supplier<Future<T>> step) {
    Future<?>[] mine = new Future<?>[1];
    tails.compute(key, (k, tail) -> {
      Future<?> before = tail == null ? Future.succeededFuture() : tail;
      mine[0] = before.eventually(() -> Future.succeededFuture()).transform(ar -> {
        try {
          return step.get();
        } catch (RuntimeException e) {
          return Future.failedFuture(e);
        }
      });
      return mine[0];
    });
    Future<T> result = (Future<T>) mine[0];
    result.onComplete(ar -> tails.remove(key, result));
    return result;
  }
}
