package io.hookgate.subscriptions;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hookgate.event.EventPublisher;
import io.hookgate.event.OperationalEvents;
import io.hookgate.kafka.ConsumerLoop;
import io.hookgate.subscriptions.StateRecord.Result;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of the subscriptions of its partitions: the member of the writers' group that holds a
 * partition of the commands topic applies its commands one at a time, in order, to the state this replica's
 * {@link SubscriptionStore} has read, writes the result to the state topic, and takes the next command only
 * once that state is read back. Every replica may take writes; this is what makes {@code If-Match}, pause and
 * the other read-modify-writes exact across replicas, and what keeps the last record of each key its latest
 * state, as compaction needs. A partition taken over from another writer is served once the store has read
 * the state topic to its end.
 */
final class SubscriptionWriter implements ConsumerLoop.RecordHandler {
  private static final Logger LOG = LoggerFactory.getLogger(SubscriptionWriter.class);

  private final SubscriptionStore store;
  private final SubscriptionChanges changes;
  private final SubscriptionCodec codec;
  private final ObjectMapper mapper;
  private final EventPublisher publisher;
  private final String stateTopic;
  private final Supplier<Future<Map<Integer, Long>>> stateEnds;
  private final Clock clock;
  private final OperationalEvents operations;
  private Vertx vertx;
  private Context context;
  private Future<Void> ready = Future.succeededFuture();
  private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
  private final List<Consumer<Set<Integer>>> ownership = new CopyOnWriteArrayList<>();

  /** @param stateEnds the end offsets of the state topic's partitions, asked of the cluster */
  SubscriptionWriter(SubscriptionStore store, SubscriptionCodec codec, EventPublisher publisher, String stateTopic,
      Supplier<Future<Map<Integer, Long>>> stateEnds, OperationalEvents operations, Clock clock) {
    this.store = store;
    this.changes = new SubscriptionChanges(codec);
    this.codec = codec;
    this.mapper = codec.mapper();
    this.publisher = publisher;
    this.stateTopic = stateTopic;
    this.stateEnds = stateEnds;
    this.clock = clock;
    this.operations = operations;
  }

  /** The context the writer's consumer hands commands on. */
  void bind(Vertx vertx, Context context) {
    this.vertx = vertx;
    this.context = context;
  }

  @Override
  public void assigned(Collection<TopicPartition> partitions) {
    // Another writer may have written states this store has not read yet: wait for them before applying.
    ready = stateEnds.get().compose(this::readUpTo);
    Set<Integer> now = partitions.stream().map(TopicPartition::partition).collect(Collectors.toSet());
    owned.addAll(now);
    ownership.forEach(l -> l.accept(Set.copyOf(owned)));
  }

  @Override
  public void revoked(Collection<TopicPartition> partitions) {
    partitions.forEach(tp -> owned.remove(tp.partition()));
    ownership.forEach(l -> l.accept(Set.copyOf(owned)));
  }

  /**
   * Told, on the writer's context, of the partitions of the commands topic this replica writes for whenever they
   * change: what is keyed like a subscription (its jobs) is this replica's to run for those.
   */
  void onOwnership(Consumer<Set<Integer>> listener) {
    ownership.add(listener);
    listener.accept(Set.copyOf(owned));
  }

  private Future<Void> readUpTo(Map<Integer, Long> ends) {
    Promise<Void> done = Promise.promise();
    long timer = vertx.setPeriodic(0, 20, id -> {
      if (ends.entrySet().stream().allMatch(e -> store.appliedUpTo(e.getKey(), e.getValue()))) {
        vertx.cancelTimer(id);
        done.tryComplete();
      }
    });
    return done.future().onFailure(e -> vertx.cancelTimer(timer));
  }

  @Override
  public Future<Void> handle(ConsumerRecord<String, byte[]> record) {
    SubscriptionCommand command;
    try {
      command = mapper.readValue(record.value(), SubscriptionCommand.class);
    } catch (Exception e) {
      LOG.warn("Subscriptions: record {}-{}@{} is not a command; skipped", record.topic(), record.partition(),
          record.offset());
      return Future.succeededFuture();
    }
    if (!SubscriptionCommand.SCHEMA.equals(command.schema()) || command.id() == null || command.op() == null
        || command.writeId() == null) {
      LOG.warn("Subscriptions: record {}-{}@{} is not a command; skipped", record.topic(), record.partition(),
          record.offset());
      return Future.succeededFuture();
    }
    return ready.compose(v -> apply(command));
  }

  private Future<Void> apply(SubscriptionCommand command) {
    if (command.writeId().equals(store.lastWriteId(command.id()))) {
      // Read a second time (the writer stopped before committing it): its state is written already.
      return Future.succeededFuture();
    }
    Subscription current = store.get(command.id()).orElse(null);
    SubscriptionChanges.Change change;
    try {
      change = changes.apply(current, command, clock.instant());
    } catch (RuntimeException e) {
      LOG.warn("Subscriptions: command {} on {} cannot be applied: {}", command.op(), command.id(), e.toString());
      change = new SubscriptionChanges.Change(Result.refused, current, "the change cannot be applied: "
          + e.getMessage());
    }
    StateRecord state = new StateRecord(StateRecord.SCHEMA, command.writeId(), change.result(),
        change.next() == null ? null : codec.encode(change.next()), change.message());
    byte[] value;
    try {
      value = mapper.writeValueAsBytes(state);
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
    // Nothing left under this key (deleted, or a command for an id that has none): a tombstone follows the
    // state record, which told the sender, so that compaction forgets the key.
    boolean gone = change.next() == null;
    if (change.result() != Result.unchanged && change.result() != Result.notFound) {
      LOG.info("Subscription {}: {} ({})", command.id(), command.op(), change.result());
    }
    // The operational event first: applied again after a crash, the change writes it again with the same id,
    // rather than never.
    return operational(command, change, current)
        .compose(v -> publisher.publish(context, new ProducerRecord<>(stateTopic, command.id(), value)))
        .compose(meta -> gone
            ? publisher.publish(context, new ProducerRecord<>(stateTopic, command.id(), (byte[]) null))
            : Future.succeededFuture(meta))
        .compose(meta -> readUpTo(Map.of(meta.partition(), meta.offset() + 1)));
  }

  /** The {@code hookgate.subscription.*} event of a change, if it makes one. */
  private Future<Void> operational(SubscriptionCommand command, SubscriptionChanges.Change change,
      Subscription before) {
    String type = switch (change.result()) {
      case created -> OperationalEvents.SUBSCRIPTION_CREATED;
      case replaced -> OperationalEvents.SUBSCRIPTION_UPDATED;
      case deleted -> OperationalEvents.SUBSCRIPTION_DELETED;
      case updated -> switch (command.op()) {
        case pause -> OperationalEvents.SUBSCRIPTION_PAUSED;
        case resume -> OperationalEvents.SUBSCRIPTION_RESUMED;
        case disable -> OperationalEvents.SUBSCRIPTION_DISABLED;
        case addProject, removeProject, rotateSecret -> OperationalEvents.SUBSCRIPTION_UPDATED;
        default -> null;
      };
      default -> null;
    };
    if (type == null || operations == null) {
      return Future.succeededFuture();
    }
    Subscription s = change.next() != null ? change.next() : before;
    ObjectNode data = operations.data().put("subscription", command.id()).put("change", command.op().name());
    if (s != null) {
      data.put("url", s.url()).put("status", change.next() == null ? "deleted" : s.status())
          .put("revision", s.revision());
    }
    if (command.reason() != null) {
      data.put("reason", command.reason());
    }
    return publisher.publish(context, operations.record(command.writeId(), type, command.id(), data)).mapEmpty();
  }
}
