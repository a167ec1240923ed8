package io.hookgate.tail;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.GatewayContext;
import io.hookgate.kafka.ConsumerLoop;
import io.hookgate.kafka.ConsumerSettings;
import io.hookgate.kafka.ConsumerSettings.OnFailure;
import io.hookgate.kafka.ConsumerSettings.StartAt;
import io.hookgate.kafka.ConsumerSettings.WholeTopic;
import io.hookgate.kafka.KafkaClientFactory;
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
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The last events of the events topic, for the rule dry-run: the last {@code window} records of each partition
 * (from its end as it is asked), read with a reader of their own, merged by the time Kafka stored them, and the
 * newest {@code last} kept. Only those are held, so memory is bounded by {@code last}, whatever the window.
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

  /** A kept event and where it was, for the order. */
  private record Kept(long timestamp, int partition, long offset, TopicEvent event) {
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
   * Reads on the caller's context.
   *
   * @param keep which events count (a source, a project); the others are read and left
   */
  public Future<Found> read(int last, int window, Predicate<TopicEvent> keep) {
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

  private Future<Found> read(Context context, Map<Integer, Long> from, long[] end, int last,
      Predicate<TopicEvent> keep) {
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
        TopicEvent event;
        try {
          event = TopicEvent.read(r, mapper);
        } catch (IllegalArgumentException e) {
          return Future.succeededFuture();
        }
        if (keep.test(event)) {
          newest.add(new Kept(r.timestamp(), r.partition(), r.offset(), event));
          if (newest.size() > last) {
            newest.poll();
          }
        }
      }
      return Future.succeededFuture();
    }, context, null, null);
    Promise<Found> found = Promise.promise();
    long timer = vertx.setTimer(TIMEOUT.toMillis(), id -> found.tryFail(new TimeoutException("the events topic "
        + "could not be read within " + TIMEOUT.toSeconds() + "s")));
    loop.start().onFailure(e -> context.runOnContext(v -> found.tryFail(e)));
    // Completed on the context after the records it covers were handed out there.
    loop.caughtUp().onComplete(ar -> {
      if (ar.failed()) {
        found.tryFail(ar.cause());
        return;
      }
      List<Kept> kept = new ArrayList<>(newest);
      kept.sort(OLDEST_FIRST.reversed());
      found.tryComplete(new Found(kept.stream().map(Kept::event).toList(), scanned[0]));
    });
    return found.future().onComplete(ar -> {
      vertx.cancelTimer(timer);
      loop.stop();
    });
  }
}
