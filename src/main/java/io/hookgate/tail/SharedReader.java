package io.hookgate.tail;

import io.hookgate.kafka.ConsumerLoop;
import io.hookgate.kafka.ConsumerSettings;
import io.hookgate.kafka.ConsumerSettings.StartAt;
import io.hookgate.kafka.KafkaClientFactory;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * The one reader of the events topic that every following stream shares: it starts at the topic's end and hands
 * each record to the hub on the hub's context. Its position, the <em>head</em>, is the next offset of every
 * partition, known from the start (the end offsets it starts at) and moved by each record, so that a stream
 * starting now has an exact position before any event comes. Should its consumer fail and be replaced, the new
 * one starts at the head, not where the first one did.
 */
final class SharedReader {
  /**
   * Records handed out and not handled, at most: they wait on the hub's context, for the tail's CPU budget
   * ({@link TailPacer}) when it is spent; past them the reader stops fetching and the topic holds the rest. Few,
   * and fetches small, because records held for seconds outlive the young generation: with a thousand held and
   * 8 MiB fetches, a busy tail made the collector's pauses sixty times longer, on the webhooks' core.
   */
  static final int IN_FLIGHT = 256;

  private final Future<Void> ready;
  private final Set<ConsumerLoop> loops;
  private final TailPacer pacer;
  private long[] head;
  /** The head for the consumer's thread, where a replacement consumer starts. */
  private AtomicLongArray seekTo;
  private ConsumerLoop loop;

  /**
   * @param pacer hands each record to the hub on {@code context}, within the tail's CPU budget
   * @param loops where the reader is registered while it runs
   */
  SharedReader(KafkaClientFactory kafka, TopicOffsets offsets, Context context, TailPacer pacer,
      Set<ConsumerLoop> loops) {
    this.loops = loops;
    this.pacer = pacer;
    this.ready = offsets.read(context).compose(bounds -> {
      head = bounds.latest().clone();
      AtomicLongArray seekTo = new AtomicLongArray(head);
      this.seekTo = seekTo;
      StartAt atHead = (consumer, partitions) -> partitions.forEach(tp -> consumer.seek(tp,
          tp.partition() < seekTo.length() ? seekTo.get(tp.partition()) : 0));
      Map<String, Object> properties = new HashMap<>(kafka.topicReader("hookgate-tail"));
      // Fetches of at least 64 KiB or 100ms: under load a fetch brings many records (the tail follows at ingest
      // rates at a fraction of the cost of small fetches), and an event still shows within 100ms when it is quiet.
      properties.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 64 * 1024);
      properties.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
      properties.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 1024 * 1024);
      properties.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 256 * 1024);
      properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, IN_FLIGHT / 2);
      // Should retention delete records under the reader (it would have to lag by the retention), it goes on
      // from the oldest kept rather than jumping to the end past records still there.
      properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      ConsumerSettings settings = ConsumerSettings.wholeTopic("hookgate-tail", properties, offsets.topic(), atHead)
          .withMaxInFlight(IN_FLIGHT);
      loop = new ConsumerLoop(settings, pacer::offer, context, null, null);
      pacer.readBy(loop);
      loops.add(loop);
      // start() completes on the consumer's thread: back to the hub's context.
      Promise<Void> started = Promise.promise();
      loop.start().onComplete(ar -> context.runOnContext(v -> started.handle(ar)));
      return started.future();
    });
  }

  Future<Void> ready() {
    return ready;
  }

  /** The next offset of every partition; null until the end offsets are known. Owned by the hub's context. */
  long[] head() {
    return head;
  }

  /** A record of partition {@code p} was read: the next is {@code next}. */
  void advance(int p, long next) {
    head[p] = next;
    seekTo.set(p, next);
  }

  /** The tail used this much CPU writing the streams: it counts against its budget. */
  void charge(long cpuNanos) {
    pacer.charge(cpuNanos);
  }

  void stop() {
    pacer.stop();
    ConsumerLoop l = loop;
    if (l != null) {
      l.stop().onComplete(ar -> loops.remove(l));
    }
  }
}
