package io.hookgate.actions;

import io.hookgate.delivery.DeliveryOutcome;
import io.hookgate.kafka.ConsumerLoop;
import io.hookgate.kafka.ConsumerSettings;
import io.hookgate.subscriptions.Subscription;
import io.hookgate.subscriptions.SubscriptionService;
import io.hookgate.subscriptions.SubscriptionStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
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
 * A paused subscription's deliveries, held in the actions topic and delivered in order on resume, once.
 *
 * <p>While a subscription is paused, the action consumer that owns its partition (all its deliveries share one
 * partition: they are keyed by its target name) marks its deliveries done without calling, after recording once
 * where the first one is ({@code heldFrom}, in the subscription's state, so that a crash or a rebalance loses
 * none). Kafka keeps them. On resume, a reader of that partition starts at {@code heldFrom} and delivers the
 * subscription's records in order, one at a time, through the same path as any delivery, while the consumer
 * goes on holding the new ones, which the reader reads too. Once the reader has reached what the consumer has
 * handed out, the consumer takes over from there ({@code handoff}: it delivers from that offset on, and skips
 * what is before it), and the pause ends ({@code resumed}). Everything here runs on the action consumer's context.
 *
 * <p>A pause longer than the actions topic's retention loses what Kafka deleted meanwhile: the reader starts at
 * the oldest record still there.
 */
final class HeldDeliveries implements SubscriptionStore.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(HeldDeliveries.class);
  private static final long CHECK_MS = 100;

  /** What the consumer does with a delivery. */
  enum Decision {
    DELIVER, HOLD, SKIP
  }

  /** A subscription being resumed on this replica: the reader of its partition and how far it has got. */
  private final class Resume {
    final Subscription subscription;
    final int partition;
    final ConsumerLoop reader;
    long next;
    long timer = -1;

    Resume(Subscription subscription, int partition, long heldFrom) {
      this.subscription = subscription;
      this.partition = partition;
      this.next = heldFrom;
      this.reader = new ConsumerLoop(ConsumerSettings.partition("hookgate-resume-" + subscription.id(),
          readerProperties, actionsTopic, partition, ConsumerSettings.StartAt.offsets(Map.of(partition, heldFrom)))
          .withMaxInFlight(1), this::read, context, null, null);
    }

    /** One record of the partition, in order: the subscription's are delivered, the others passed over. */
    Future<Void> read(ConsumerRecord<String, byte[]> record) {
      Future<Void> done = subscription.targetName().equals(record.key())
          ? verticle.safely(record, true) : Future.succeededFuture();
      return done.onSuccess(v -> {
        next = record.offset() + 1;
        check(this);
      });
    }
  }

  private final ActionConsumerVerticle verticle;
  private final Vertx vertx;
  private final Context context;
  private final SubscriptionTargets subscriptions;
  private final SubscriptionService service;
  private final ActingContext acting;
  private final OutcomeWriter outcomes;
  private final ConsumerLoop consumer;
  private final Map<String, Object> readerProperties;
  private final String actionsTopic;
  /** By partition of the actions topic: the offset after the last record the consumer handed out. */
  private final Map<Integer, Long> handedOut = new HashMap<>();
  private final Set<Integer> owned = new HashSet<>();
  /** By subscription: the recording of where its held deliveries start, while under way. */
  private final Map<String, Future<Void>> recording = new HashMap<>();
  private final Map<String, Resume> resumes = new HashMap<>();
  /** By subscription: the consumer delivers from this offset on; the reader delivered what is before it. */
  private final Map<String, Long> handoff = new HashMap<>();

  HeldDeliveries(ActionConsumerVerticle verticle, Vertx vertx, Context context, SubscriptionTargets subscriptions,
      SubscriptionService service, ActingContext acting, OutcomeWriter outcomes, ConsumerLoop consumer,
      Map<String, Object> readerProperties) {
    this.verticle = verticle;
    this.vertx = vertx;
    this.context = context;
    this.subscriptions = subscriptions;
    this.service = service;
    this.acting = acting;
    this.outcomes = outcomes;
    this.consumer = consumer;
    this.readerProperties = readerProperties;
    this.actionsTopic = acting.topics().actions();
    subscriptions.store().listen(this);
  }

  /** The consumer handed out this record (any target's). */
  void handedOut(ConsumerRecord<String, byte[]> record) {
    handedOut.merge(record.partition(), record.offset() + 1, Math::max);
  }

  Decision decide(ConsumerRecord<String, byte[]> record, Subscription s) {
    Long from = handoff.get(s.id());
    if (from != null) {
      if (s.pause() != null && !s.pause().resuming()) {
        handoff.remove(s.id());
        return Decision.HOLD;
      }
      return record.offset() < from ? Decision.SKIP : Decision.DELIVER;
    }
    return s.pause() != null || resumes.containsKey(s.id()) ? Decision.HOLD : Decision.DELIVER;
  }

  /**
   * Holds a delivery: done once where the held deliveries start is recorded in the subscription (by the first
   * one held), counted as waiting in its delivery log.
   */
  Future<Void> hold(ConsumerRecord<String, byte[]> record, ActionRecord action, Subscription s) {
    if (s.pause() != null && s.pause().heldFrom() == null && !resumes.containsKey(s.id())) {
      Future<Void> recorded = recording.computeIfAbsent(s.id(), id -> Durably.write(vertx,
          "where the held deliveries of " + id + " start", verticle::stopping,
          () -> service.held(id, record.offset()))
          .<Void>mapEmpty()
          .onComplete(ar -> recording.remove(id)));
      // Looked at again once recorded: held now, or delivered if it was resumed meanwhile.
      return recorded.compose(v -> verticle.safely(record, false));
    }
    LOG.debug("Delivery {} to paused subscription {} held at {}-{}@{}", action.id(), s.id(), record.topic(),
        record.partition(), record.offset());
    return subscriptions.find(s.targetName())
        .map(e -> outcomes.status(e.target(), action, false, DeliveryOutcome.Result.HELD, null, null, null, null))
        .orElseGet(Future::succeededFuture);
  }

  void assigned(Collection<TopicPartition> partitions) {
    partitions.forEach(tp -> owned.add(tp.partition()));
    subscriptions.store().snapshot().forEach(this::resumeIfDue);
  }

  void revoked(Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      owned.remove(tp.partition());
      handedOut.remove(tp.partition());
    }
    List.copyOf(resumes.values()).stream().filter(r -> !owned.contains(r.partition))
        .forEach(r -> stop(r.subscription.id()));
    handoff.keySet().removeIf(id -> subscriptions.store().get(id).map(s -> !owned.contains(partition(s)))
        .orElse(true));
  }

  @Override
  public void changed(String id, Subscription now) {
    context.runOnContext(v -> {
      if (now == null || !now.delivers() || now.pause() != null && !now.pause().resuming()) {
        stop(id);
        if (now == null || !now.delivers()) {
          handoff.remove(id);
        }
        return;
      }
      resumeIfDue(now);
    });
  }

  /** Starts delivering what a resumed subscription held, if its partition is this consumer's. */
  private void resumeIfDue(Subscription s) {
    if (s.pause() == null || !s.pause().resuming() || s.pause().heldFrom() == null || resumes.containsKey(s.id())
        || verticle.stopping()) {
      return;
    }
    int partition;
    try {
      partition = partition(s);
    } catch (RuntimeException e) {
      LOG.warn("Subscription {}: its partition of {} is not known yet: {}", s.id(), actionsTopic, e.toString());
      return;
    }
    if (!owned.contains(partition)) {
      return;
    }
    handoff.remove(s.id());
    Resume r = new Resume(s, partition, s.pause().heldFrom());
    resumes.put(s.id(), r);
    LOG.info("Subscription {} resumed: delivering what it held from {}-{}@{}", s.id(), actionsTopic, partition,
        s.pause().heldFrom());
    r.reader.start();
    r.timer = vertx.setPeriodic(CHECK_MS, t -> check(r));
  }

  private int partition(Subscription s) {
    return acting.publisher().partitionFor(actionsTopic, s.targetName());
  }

  /**
   * Hands over to the consumer once the reader has reached what the consumer handed out (and, for a partition
   * the consumer handed out nothing of yet, where it started).
   */
  private void check(Resume r) {
    if (resumes.get(r.subscription.id()) != r) {
      return;
    }
    long consumerAt = Math.max(handedOut.getOrDefault(r.partition, -1L),
        consumer.startOffset(new TopicPartition(actionsTopic, r.partition)));
    if (r.next < consumerAt) {
      return;
    }
    String id = r.subscription.id();
    handoff.put(id, r.next);
    stop(id);
    LOG.info("Subscription {}: what it held is delivered; deliveries go on from {}-{}@{}", id, actionsTopic,
        r.partition, r.next);
    subscriptions.find(r.subscription.targetName()).ifPresent(e -> outcomes.status(e.target(),
        new ActionRecord(id + ":resumed", null, null, null, null, "subscriptions", e.target().name(), "forward",
            null, null, null, null, null, 1, acting.clock().instant(), null, null),
        false, DeliveryOutcome.Result.RESUMED, null, null, null, null));
    Durably.write(vertx, "the end of the pause of " + id, verticle::stopping, () -> service.resumed(id));
  }

  private void stop(String id) {
    Resume r = resumes.remove(id);
    if (r != null) {
      vertx.cancelTimer(r.timer);
      r.reader.stop();
    }
  }

  void stopAll() {
    List.copyOf(resumes.keySet()).forEach(this::stop);
  }
}
