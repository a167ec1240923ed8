package io.hookgate.subscriptions;

import io.hookgate.event.EventPublisher;
import io.hookgate.subscriptions.SubscriptionCommand.Op;
import io.hookgate.subscriptions.SubscriptionStore.Outcome;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The changes one may ask of subscriptions, from any replica: each is a command to the one writer of the
 * subscription's partition (see {@link SubscriptionWriter}), and completes with its outcome once this
 * replica's store has the state it made, so that a read that follows the answer sees it.
 */
public final class SubscriptionService {
  /** How long a command may take to be applied and read back before the caller is told it is unconfirmed. */
  static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);

  private final Vertx vertx;
  private final SubscriptionStore store;
  private final SubscriptionCodec codec;
  private final EventPublisher publisher;
  private final String commandsTopic;
  private final Duration secretOverlap;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  SubscriptionService(Vertx vertx, SubscriptionStore store, SubscriptionCodec codec, EventPublisher publisher,
      String commandsTopic, Duration secretOverlap, Clock clock) {
    this.vertx = vertx;
    this.store = store;
    this.codec = codec;
    this.publisher = publisher;
    this.commandsTopic = commandsTopic;
    this.secretOverlap = secretOverlap;
    this.clock = clock;
  }

  public SubscriptionStore store() {
    return store;
  }

  /** A new subscription under {@code asked.id()}; {@code exists} when the id is taken. */
  public Future<Outcome> create(Subscription asked) {
    return write(asked, Op.create, null);
  }

  /** Creates, or replaces keeping its secrets, pause and delivery log; {@code ifRevision} null for no check. */
  public Future<Outcome> put(Subscription asked, Long ifRevision) {
    return write(asked, Op.put, ifRevision);
  }

  private Future<Outcome> write(Subscription asked, Op op, Long ifRevision) {
    SigningSecret secret = newSecret();
    return send(SubscriptionCommand.of(writeId(), asked.id(), op, ifRevision).withSubscription(codec.encode(asked),
        new SubscriptionCodec.StoredSecret(codec.seal(asked.id(), secret), secret.createdAt(), null)));
  }

  public Future<Outcome> delete(String id, Long ifRevision) {
    return send(SubscriptionCommand.of(writeId(), id, Op.delete, ifRevision));
  }

  public Future<Outcome> pause(String id, String reason, Long ifRevision) {
    return send(SubscriptionCommand.of(writeId(), id, Op.pause, ifRevision).withReason(reason));
  }

  public Future<Outcome> resume(String id, Long ifRevision) {
    return send(SubscriptionCommand.of(writeId(), id, Op.resume, ifRevision));
  }

  public Future<Outcome> addProject(String id, String project, Long ifRevision) {
    return send(SubscriptionCommand.of(writeId(), id, Op.addProject, ifRevision).withProject(project));
  }

  public Future<Outcome> removeProject(String id, String project, Long ifRevision) {
    return send(SubscriptionCommand.of(writeId(), id, Op.removeProject, ifRevision).withProject(project));
  }

  /** A new current secret; the previous one keeps signing for the configured overlap. */
  public Future<Outcome> rotateSecret(String id, Long ifRevision) {
    SigningSecret secret = newSecret();
    return send(SubscriptionCommand.of(writeId(), id, Op.rotateSecret, ifRevision).withRotation(
        new SubscriptionCodec.StoredSecret(codec.seal(id, secret), secret.createdAt(), null),
        secretOverlap.toMillis()));
  }

  /** Disables a subscription whose deliveries fail without a success for too long; a resume enables it. */
  public Future<Outcome> disable(String id, String reason) {
    return send(SubscriptionCommand.of(writeId(), id, Op.disable, null).withReason(reason));
  }

  /** The actions consumer holds the subscription's deliveries from {@code offset} of its actions partition. */
  public Future<Outcome> held(String id, long offset) {
    return send(SubscriptionCommand.of(writeId(), id, Op.held, null).withOffset(offset));
  }

  /** What the subscription held while paused is delivered: the pause is over. */
  public Future<Outcome> resumed(String id) {
    return send(SubscriptionCommand.of(writeId(), id, Op.resumed, null));
  }

  private Future<Outcome> send(SubscriptionCommand command) {
    byte[] value;
    try {
      value = codec.mapper().writeValueAsBytes(command);
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
    Future<Outcome> outcome = store.expect(command.writeId(), vertx, CONFIRM_TIMEOUT);
    Context context = vertx.getOrCreateContext();
    return publisher.publish(context, new ProducerRecord<>(commandsTopic, command.id(), value))
        .onFailure(e -> store.forget(command.writeId()))
        .compose(meta -> outcome);
  }

  /** {@code whsec_} and 24 random bytes in base64, as Svix and the Standard Webhooks libraries make them. */
  private SigningSecret newSecret() {
    byte[] key = new byte[24];
    random.nextBytes(key);
    return new SigningSecret("whsec_" + Base64.getEncoder().encodeToString(key),
        clock.instant().truncatedTo(ChronoUnit.MILLIS), null);
  }

  private static String writeId() {
    return UUID.randomUUID().toString();
  }

  /** When a rotated secret stops signing, for a rotation made now. */
  public Instant overlapEnd() {
    return clock.instant().plus(secretOverlap);
  }
}
