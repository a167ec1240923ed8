package io.hookgate.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.kafka.ConsumerLoop;
import io.hookgate.kafka.HeaderText;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every delivery log, in memory, as the compacted delivery-status topic holds them. At start it reads the
 * whole topic, as the handler of a {@link ConsumerLoop} over all partitions from the beginning, without a consumer
 * group, which says when it has caught up with the end offsets of that moment; it then follows the topic, so
 * that every replica serves the same logs and a restart loses none.
 *
 * <p>Per key, the record with the highest {@code version} wins, whether it comes from the topic or from
 * this replica's own write (applied locally at once, before its echo comes back from the topic). Each record
 * also carries its version in the header {@value #VERSION_HEADER}, so that the echo of an own write (or any
 * record older than what is held) is skipped without decoding it: a subscription's log holds its last attempts,
 * and decoding each one again was about half the log's cost per delivery (bench/README.md, issue 15).
 */
public final class DeliveryStatusStore implements ConsumerLoop.RecordHandler {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryStatusStore.class);
  /** The record's {@code version}, as decimal text: a reader may skip a record it holds a newer version of. */
  public static final String VERSION_HEADER = "hookgate-log-version";

  private final ObjectMapper mapper;
  private final Map<String, DeliveryStatus> logs = new ConcurrentHashMap<>();

  public DeliveryStatusStore(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  public static String key(String target) {
    return target;
  }

  public static String key(String target, String source, String projectId) {
    return target + "|" + (source == null ? "" : source) + "|" + (projectId == null ? "" : projectId);
  }

  public Optional<DeliveryStatus> get(String key) {
    return Optional.ofNullable(logs.get(key));
  }

  /** Target-level logs, by name. */
  public List<DeliveryStatus> targets() {
    return logs.values().stream().filter(s -> s.source() == null && s.projectId() == null)
        .sorted(Comparator.comparing(DeliveryStatus::target)).toList();
  }

  /** The subscription logs of one target. */
  public List<DeliveryStatus> subscriptions(String target) {
    return logs.values().stream()
        .filter(s -> s.target().equals(target) && (s.source() != null || s.projectId() != null))
        .sorted(Comparator.comparing((DeliveryStatus s) -> String.valueOf(s.source()))
            .thenComparing(s -> String.valueOf(s.projectId())))
        .toList();
  }

  /** Applies a record unless the store already holds a newer version of that key. */
  public void apply(String key, DeliveryStatus status) {
    logs.merge(key, status, (old, incoming) -> incoming.version() > old.version() ? incoming : old);
  }

  @Override
  public Future<Void> handle(ConsumerRecord<String, byte[]> r) {
    if (r.key() == null) {
      return Future.succeededFuture();
    }
    if (r.value() == null) {
      logs.remove(r.key());
      return Future.succeededFuture();
    }
    if (heldAlready(r)) {
      return Future.succeededFuture();
    }
    try {
      apply(r.key(), mapper.readValue(r.value(), DeliveryStatus.class));
    } catch (Exception e) {
      LOG.warn("Delivery status: record {} at {}-{}@{} is not a delivery status; skipped", r.key(), r.topic(),
          r.partition(), r.offset());
    }
    return Future.succeededFuture();
  }

  /** Whether the store holds this key at the record's version or later (by its header; false without one). */
  private boolean heldAlready(ConsumerRecord<String, byte[]> r) {
    DeliveryStatus held = logs.get(r.key());
    if (held == null) {
      return false;
    }
    String version = HeaderText.last(r.headers(), VERSION_HEADER);
    if (version == null) {
      return false;
    }
    try {
      return Long.parseLong(version) <= held.version();
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** All logs, for tests and tools. */
  public Collection<DeliveryStatus> all() {
    return List.copyOf(logs.values());
  }
}
