package io.hookgate.tail;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.GatewayContext;
import io.hookgate.kafka.ConsumerLoop;
import io.hookgate.kafka.ConsumerSettings;
import io.hookgate.kafka.ConsumerSettings.OnFailure;
import io.hookgate.kafka.ConsumerSettings.StartAt;
import io.hookgate.kafka.ConsumerSettings.WholeTopic;
import io.hookgate.kafka.KafkaClientFactory;
import io.hookgate.rules.EventFilter;
import io.hookgate.rules.TopicEvent;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The last events of the events topic, for the rule dry-run: the last {@code window} records of each partition
 * (from its end as it is asked), read with a reader of their own, merged by the time Kafka stored them, and the
 * newest {@code last} kept. Only those are held, so memory is bounded by {@code last}, whatever the window. An
 * event whose key is the asked project but that has none (its key is then a source name) is only found out when
 * decoded, and left out: then fewer than {@code last} are found.
 */
public final class RecentEvents {
  /** A reading that takes longer fails, rather than holding a request and a consumer. */
  static final Duration TIMEOUT = Duration.ofSeconds(15);

  /**
   * @param events newest first
   * @param scanned the records read
   */
  public record Found(List<TopicEvent> events, int scanned) {
  }

  /** A kept record and where it was, for the order. */
  private record Kept(long timestamp, int partition, long offset, ConsumerRecord<String, byte[]> record) {
  }

  private static final Comparator<Kept> OLDEST_FIRST = Comparator.comparingLong(Kept::timestamp)
      .thenComparingInt(Kept::partition).thenComparingLong(Kept::offset);

  private final Vertx vertx;
  private final KafkaClientFactory kafka;
  private final TopicOffsets offsets;
  private final ObjectMapper mapper;
  private final AtomicLong numbers = new AtomicLong();

  RecentEvents(Vertx vertx, KafkaClientFactory kafka, TopicOffsets offsets, ObjectMapper mapper) {
    this.vertx = vertx;
    this.kafka = kafka;
    this.offsets = offsets;
    this.mapper = mapper;
  }

  /** The gateway's events topic, read with its Kafka clients. */
  public static RecentEvents of(GatewayContext context) {
    return new RecentEvents(context.vertx(), context.kafka(), new TopicOffsets(context.admin(),
        context.config().kafka().topics().events().name()), context.mapper());
  }

  /**
   * Reads on the caller's context: records are chosen there by what their headers and key say (no event is
   * decoded on the event loop), and the newest {@code last} are decoded on a worker.
   *
   * @param keep which events count (a source, a project; null: all); the others are read and left
   */
  public Future<Found> read(int last, int window, EventFilter keep) {
    Context context = vertx.getOrCreateContext();
    return offsets.read(context).compose(bounds -> {
      Map<Integer, Long> from = new HashMap<>();
      for (int p = 0; p < bounds.partitions(); p++) {
        long start = Math.max(bounds.earliest()[p], bounds.latest()[p] - window);
        if (start < bounds.latest()[p]) {
          from.put(p, start);
        }
      }
      if (from.isEmpty()) {
        return Future.succeededFuture(new Found(List.of(), 0));
      }
      return read(context, from, bounds.latest(), last, keep);
    });
  }

  private Future<Found> read(Context context, Map<Integer, Long> from, long[] end, int last, EventFilter keep) {
    PriorityQueue<Kept> newest = new PriorityQueue<>(OLDEST_FIRST);
    int[] scanned = new int[1];
    String name = "hookgate-recent-events-" + numbers.incrementAndGet();
    Map<String, Object> properties = new HashMap<>(kafka.topicReader(name));
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    ConsumerSettings settings = new ConsumerSettings(name, properties, new WholeTopic(offsets.topic(),
        StartAt.offsets(from), from.keySet()), 10_000, Duration.ZERO, Duration.ZERO, Duration.ZERO,
        OnFailure.LEAVE_FOR_NEXT_OWNER);
    ConsumerLoop loop = new ConsumerLoop(settings, (ConsumerRecord<String, byte[]> r) -> {
      if (r.offset() < end[r.partition()]) {
        scanned[0]++;
        if (keep == null || !keep.refusedAtSight(r)) {
          newest.add(new Kept(r.timestamp(), r.partition(), r.offset(), r));
          if (newest.size() > last) {
            newest.poll();
          }
        }
      }
      return Future.succeededFuture();
    }, context, null, null);
    Promise<List<Kept>> read = Promise.promise();
    long timer = vertx.setTimer(TIMEOUT.toMillis(), id -> read.tryFail(new TimeoutException("the events topic "
        + "could not be read within " + TIMEOUT.toSeconds() + "s")));
    loop.start().onFailure(e -> context.runOnContext(v -> read.tryFail(e)));
    // Completed on the context after the records it covers were handed out there.
    loop.caughtUp().onComplete(ar -> {
      if (ar.failed()) {
        read.tryFail(ar.cause());
        return;
      }
      List<Kept> kept = new ArrayList<>(newest);
      kept.sort(OLDEST_FIRST.reversed());
      read.tryComplete(kept);
    });
    return read.future()
        .onComplete(ar -> {
          vertx.cancelTimer(timer);
          loop.stop();
        })
        .compose(kept -> vertx.executeBlocking(() -> new Found(decode(kept, keep), scanned[0]), false));
  }

  /** The events of the records, but for those the whole filter refuses (a key that is not a project). */
  private List<TopicEvent> decode(List<Kept> kept, EventFilter keep) {
    List<TopicEvent> out = new ArrayList<>(kept.size());
    for (Kept k : kept) {
      try {
        TopicEvent event = TopicEvent.read(k.record(), mapper);
        if (keep == null || keep.matches(event)) {
          out.add(event);
        }
      } catch (IllegalArgumentException e) {
        // Not a CloudEvent: not an event to check.
      }
    }
    return out;
  }
}
