package io.hookgate.tail;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.GatewayContext;
import io.hookgate.config.StreamsConfig;
import io.hookgate.kafka.ConsumerLoop;
import io.hookgate.kafka.KafkaClientFactory;
import io.hookgate.rules.EventFilter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live tail: Server-Sent Events streams of the events topic, fed by one shared reader per replica that
 * follows the topic's end (the <em>head</em>), so that a hundred streams are one Kafka consumer, not a hundred.
 *
 * <p><b>Positions.</b> A stream's position is the next offset of every partition (its SSE {@code id},
 * {@link StreamPosition}). Every record moves it, whether the stream's filter takes the event or not.
 *
 * <p><b>Catching up without gaps or repeats.</b> A stream that starts behind the head (a {@code Last-Event-ID})
 * reads on its own ({@link CatchUpReader}) and joins the shared reader partition by partition: partition
 * {@code p} joins as soon as the stream's position there is at or past the head's. Both readers hand their
 * records to this hub's one context, so each record meets a consistent state. Before {@code p} joins, the shared
 * reader's records of {@code p} are left to the catch-up reader, which brings every offset up to the stream's
 * position; from the join on, the catch-up reader's records of {@code p} are dropped, and the shared reader's are
 * taken from the stream's position on (those below it the stream had from its own reader). At the join the
 * stream is at or past the head, and the shared reader reads every offset from the head on: every offset reaches
 * the stream exactly once ({@link TailClient#fromShared}, {@link TailClient#fromCatchUp}). Once every partition
 * has joined the catch-up reader stops, and once the stream's position is the head's it <em>follows</em> and
 * shares the head's messages. At most {@code maxCatchUps} catch-up readers run; other streams wait their turn.
 *
 * <p><b>Memory.</b> A following stream is not waited for: a client that reads slower than events come is cut once
 * {@code bufferSize} bytes wait for it ({@link SseOutput}), with a last message saying so, and resumes with
 * {@code Last-Event-ID}. A catch-up reader waits for its client instead, and its stream is cut after two
 * heartbeats without progress, so that a client that reads nothing does not hold a consumer for ever.
 *
 * <p><b>CPU.</b> The shared reader's records reach the hub through a {@link TailPacer}, which holds the tail (its
 * reader, its handling of records, its writing of streams) to {@code cpuShare} of the gateway's processors: past
 * it the following streams fall behind the topic's end and catch up as the load eases, so that viewers never
 * slow the webhooks down. Catch-up readers spend the same budget ({@link CatchUpReader}), and at most
 * {@code maxCatchUps} run.
 *
 * <p>Everything but {@link #reserve} and {@link #close} runs on the hub's context: the context of the first
 * stream's request (the management port's event loop). Over 400 lines because every change of the streams' and
 * readers' state is here, on that one context, which is what makes the handover above hold.
 */
public final class TailHub {
  private static final Logger LOG = LoggerFactory.getLogger(TailHub.class);
  /** After the last stream closes, the shared reader goes on this long for one that comes back. */
  static final long IDLE_STOP_MS = 60_000;
  /** How soon an {@code EventSource} reconnects after a stream closes. */
  private static final long RETRY_MS = 1000;

  /** A stream's place, taken before its request is checked; attached to the response, or released. */
  public final class Ticket {
    private boolean done;

    private Ticket() {
    }

    /**
     * Writes the stream's head and starts it, on the hub's context.
     *
     * @param filter null for every event
     */
    public void attach(HttpServerRequest request, EventFilter filter, StreamStart start) {
      if (done) {
        return;
      }
      done = true;
      context.runOnContext(v -> {
        try {
          open(request, filter, start);
        } catch (RuntimeException e) {
          LOG.warn("Live tail: a stream could not open: {}", e.toString());
          open.decrementAndGet();
          request.connection().close();
        }
      });
    }

    /** The stream will not open: its place is free again. */
    public void release() {
      if (!done) {
        done = true;
        open.decrementAndGet();
      }
    }
  }

  private final Vertx vertx;
  private final KafkaClientFactory kafka;
  private final TopicOffsets offsets;
  private final StreamsConfig config;
  private final ObjectMapper mapper;
  private final TailMetrics metrics;
  /** Streams open or being opened: the limit is checked on it before anything else. */
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong numbers = new AtomicLong();
  /** Every reader running, to be stopped on close from any thread. */
  private final Set<ConsumerLoop> loops = ConcurrentHashMap.newKeySet();
  private final List<TailClient> clients = new ArrayList<>();
  /** Of {@link #clients}: those that follow the head, by the projects they take, and those still catching up. */
  private final FollowingStreams following = new FollowingStreams();
  private final List<TailClient> notFollowing = new ArrayList<>();
  private final ArrayDeque<TailClient> waitingCatchUps = new ArrayDeque<>();
  private final Set<TailClient> dirty = new HashSet<>();
  private volatile Context context;
  /** The tail's CPU budget, which every reader spends: made with the first stream's context. */
  private TailReading reading;
  private SharedReader shared;
  private int catchUps;
  private long heartbeatTimer = -1;
  private long idleTimer = -1;
  private volatile boolean closed;

  TailHub(Vertx vertx, KafkaClientFactory kafka, TopicOffsets offsets, StreamsConfig config, ObjectMapper mapper,
      TailMetrics metrics) {
    this.vertx = vertx;
    this.kafka = kafka;
    this.offsets = offsets;
    this.config = config;
    this.mapper = mapper;
    this.metrics = metrics;
  }

  /** The gateway's live tail of its events topic ({@code management.streams}); reads nothing until a stream opens. */
  public static TailHub of(GatewayContext context) {
    return new TailHub(context.vertx(), context.kafka(), new TopicOffsets(context.admin(),
        context.config().kafka().topics().events().name()), context.config().management().streams(),
        context.mapper(), new TailMetrics(context.metrics()));
  }

  /**
   * Takes a stream's place; any thread.
   *
   * @throws StreamLimitException when {@code management.streams.maxClients} streams are open
   */
  public Ticket reserve() {
    if (open.incrementAndGet() > config.maxClients()) {
      open.decrementAndGet();
      metrics.refused();
      throw new StreamLimitException(config.maxClients());
    }
    return new Ticket();
  }

  /**
   * A stream's id as the next offset by partition number.
   *
   * @throws IllegalArgumentException when it is not an id of the form streams give
   */
  public static Map<Integer, Long> position(String id) {
    return StreamPosition.parse(id);
  }

  /**
   * Starts the shared reader if need be, and works out where a stream starts: at the topic's end now without
   * {@code asked} (not at the shared reader's position, which may be a fetch behind); else at the asked
   * positions, moved to the oldest record kept where retention deleted them (said in a note), and to the end
   * where they are past it. Fails when Kafka cannot be asked.
   */
  public Future<StreamStart> prepare(Map<Integer, Long> asked) {
    if (context == null) {
      Context current = Vertx.currentContext();
      context = current != null ? current : vertx.getOrCreateContext();
    }
    return onHub(() -> sharedReader().ready().compose(v -> offsets.read(context))
        .map(bounds -> StreamStart.of(asked, bounds)));
  }

  private SharedReader sharedReader() {
    if (reading == null) {
      reading = new TailReading(vertx, kafka, offsets.topic(), context, new TailBudget(config.cpuShare(),
          Runtime.getRuntime().availableProcessors(), System.nanoTime()), metrics);
    }
    if (shared == null) {
      TailPacer pacer = new TailPacer(reading, this::onShared, SharedReader.IN_FLIGHT / 2);
      SharedReader reader = new SharedReader(kafka, offsets, context, pacer, loops);
      shared = reader;
      reader.ready().onFailure(e -> {
        LOG.warn("Live tail: cannot read {}: {}", offsets.topic(), e.toString());
        reader.stop();
        if (shared == reader) {
          shared = null;
        }
      });
    }
    if (idleTimer >= 0) {
      vertx.cancelTimer(idleTimer);
      idleTimer = -1;
    }
    return shared;
  }

  private void open(HttpServerRequest request, EventFilter filter, StreamStart start) {
    HttpServerResponse response = request.response();
    if (closed || response.closed() || shared == null || shared.head() == null) {
      open.decrementAndGet();
      request.connection().close();
      return;
    }
    response.setStatusCode(200)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        // nginx buffers answers unless told not to, which would hold events back.
        .putHeader("X-Accel-Buffering", "no")
        .setChunked(true);
    long[] head = shared.head();
    TailClient[] self = new TailClient[1];
    SseOutput out = new SseOutput(vertx, response, request.connection(), config.bufferSize(), metrics,
        () -> release(self[0]));
    TailClient c = new TailClient(numbers.incrementAndGet(), filter, out, start.from(), head);
    self[0] = c;
    response.closeHandler(v -> remove(c, "client", null));
    response.exceptionHandler(e -> remove(c, "client", null));
    clients.add(c);
    if (c.following()) {
      following.add(c);
    } else {
      notFollowing.add(c);
    }
    metrics.streams(clients.size());
    c.lastId = c.id(head);
    out.add(SseMessages.start(offsets.topic(), RETRY_MS, c.lastId, start.notes()));
    dirty(c);
    if (c.behind()) {
      catchUp(c);
    }
    if (heartbeatTimer < 0) {
      heartbeatTimer = vertx.setPeriodic(config.heartbeat().toMillis(), id -> heartbeat());
    }
  }

  /**
   * A record of the shared reader: one message for all the following streams that take it, their id the head's.
   * Only the following streams whose filter may take the record's key are asked ({@link FollowingStreams}).
   */
  private void onShared(ConsumerRecord<String, byte[]> record) {
    long[] head = shared == null ? null : shared.head();
    int p = record.partition();
    long o = record.offset();
    if (head == null || p >= head.length || o < head[p]) {
      // A partition added since the reader started, or read again after its consumer was replaced.
      return;
    }
    shared.advance(p, o + 1);
    RecordView view = new RecordView(record, mapper);
    String key = record.key();
    int sent;
    if (key == null) {
      sent = offer(following.all(), view, head);
    } else {
      sent = offer(following.anyProject(), view, head) + offer(following.named(key), view, head);
    }
    if (!notFollowing.isEmpty()) {
      List<TailClient> nowFollowing = null;
      for (TailClient c : notFollowing) {
        if (c.fromShared(p, o, head)) {
          sent += deliver(c, view, head);
        }
        if (!c.behind()) {
          endCatchUp(c);
        }
        if (c.following()) {
          nowFollowing = nowFollowing == null ? new ArrayList<>() : nowFollowing;
          nowFollowing.add(c);
        }
      }
      if (nowFollowing != null) {
        nowFollowing.forEach(this::follows);
      }
    }
    metrics.sent(sent);
  }

  /** The head's message of the record to each of these following streams whose filter takes it. */
  private int offer(List<TailClient> streams, RecordView view, long[] head) {
    int sent = 0;
    for (TailClient c : streams) {
      if (view.passes(c.filter) && view.line() != null) {
        Buffer message = view.headMessage(head);
        c.out.add(message);
        c.lastId = view.headId();
        dirty(c);
        sent++;
      }
    }
    return sent;
  }

  /** The stream has reached the head: from now on it is asked about records by the projects it takes. */
  private void follows(TailClient c) {
    if (notFollowing.remove(c)) {
      following.add(c);
    }
  }

  /** Queues the event for a stream that is not following, with its own id. */
  private int deliver(TailClient c, RecordView view, long[] head) {
    if (!view.passes(c.filter) || view.line() == null) {
      return 0;
    }
    c.lastId = c.id(head);
    c.out.add(SseMessages.event(c.lastId, view.line()));
    dirty(c);
    return 1;
  }

  // --- catching up --------------------------------------------------------------------------------------

  private void catchUp(TailClient c) {
    if (catchUps >= config.maxCatchUps()) {
      c.waitingForCatchUp = true;
      waitingCatchUps.add(c);
      return;
    }
    catchUps++;
    metrics.catchUps(catchUps);
    Map<Integer, Long> from = c.behindFrom();
    LOG.debug("Live tail: stream {} reads {} on its own from {} to reach {}", c.number, offsets.topic(), from,
        StreamPosition.format(shared.head()));
    CatchUpReader reader = new CatchUpReader("hookgate-tail-catchup-" + c.number, reading, from, c.out::roomy,
        record -> fromCatchUp(c, record), () -> release(c));
    c.catchUp = reader;
    loops.add(reader.loop());
    reader.start().onFailure(e -> LOG.warn("Live tail: stream {} could not start reading {}: {}", c.number,
        offsets.topic(), e.toString()));
  }

  private void fromCatchUp(TailClient c, ConsumerRecord<String, byte[]> record) {
    long[] head = shared.head();
    if (c.gone || !c.fromCatchUp(record.partition(), record.offset(), head)) {
      return;
    }
    metrics.sent(deliver(c, new RecordView(record, mapper), head));
    if (!c.behind()) {
      endCatchUp(c);
    }
    if (c.following()) {
      follows(c);
    }
  }

  /**
   * The client took what waited, or the budget allows more: held catch-up records go on; what they add is
   * written at the next flush.
   */
  private void release(TailClient c) {
    // Only when records went on: a flush releases again, which with the budget spent would loop for nothing.
    if (c.catchUp != null && !c.gone && c.catchUp.release()) {
      dirty(c);
    }
  }

  private void endCatchUp(TailClient c) {
    if (c.waitingForCatchUp) {
      c.waitingForCatchUp = false;
      waitingCatchUps.remove(c);
    }
    CatchUpReader reader = c.catchUp;
    if (reader == null) {
      return;
    }
    c.catchUp = null;
    reader.stop().onComplete(ar -> loops.remove(reader.loop()));
    LOG.debug("Live tail: stream {} has joined the shared reader", c.number);
    catchUps--;
    metrics.catchUps(catchUps);
    TailClient next = waitingCatchUps.poll();
    if (next != null) {
      next.waitingForCatchUp = false;
      catchUp(next);
    }
  }

  // --- writing ------------------------------------------------------------------------------------------

  /** The stream has messages to write: written together once the records at hand are handled. */
  private void dirty(TailClient c) {
    if (dirty.isEmpty()) {
      context.runOnContext(v -> flush());
    }
    dirty.add(c);
  }

  private void flush() {
    long cpuStart = TailPacer.threadCpu();
    List<TailClient> now = new ArrayList<>(dirty);
    dirty.clear();
    for (TailClient c : now) {
      if (c.gone) {
        continue;
      }
      c.out.flush();
      if (c.out.overflowed()) {
        remove(c, "too_slow", SseMessages.tooSlow(config.bufferSize()));
      } else if (c.catchUp != null && c.catchUp.holding() && c.out.roomy()) {
        // Written without filling the connection: no drain will come, so the held records go on now.
        release(c);
      }
    }
    if (shared != null) {
      shared.charge(TailPacer.threadCpu() - cpuStart);
    }
  }

  /** A comment to every stream (with its position when it moved without an event); cuts stalled catch-ups. */
  private void heartbeat() {
    for (TailClient c : List.copyOf(clients)) {
      if (c.catchUp != null && c.catchUp.stalled()) {
        remove(c, "too_slow", SseMessages.tooSlow(config.bufferSize()));
        continue;
      }
      String id = c.id(shared.head());
      c.out.add(SseMessages.heartbeat(id.equals(c.lastId) ? null : id));
      c.lastId = id;
      dirty(c);
    }
  }

  private void remove(TailClient c, String reason, Buffer last) {
    if (c.gone) {
      return;
    }
    c.gone = true;
    clients.remove(c);
    following.remove(c);
    notFollowing.remove(c);
    endCatchUp(c);
    if (last != null) {
      c.out.end(last);
    } else {
      c.out.closed();
    }
    open.decrementAndGet();
    metrics.streams(clients.size());
    metrics.closed(reason);
    LOG.debug("Live tail: stream {} closed ({})", c.number, reason);
    if (clients.isEmpty()) {
      vertx.cancelTimer(heartbeatTimer);
      heartbeatTimer = -1;
      idleTimer = vertx.setTimer(IDLE_STOP_MS, id -> stopIfIdle());
    }
  }

  private void stopIfIdle() {
    idleTimer = -1;
    if (clients.isEmpty() && open.get() == 0 && shared != null) {
      shared.stop();
      shared = null;
    }
  }

  /** Runs {@code task} on the hub's context. */
  private <T> Future<T> onHub(Callable<Future<T>> task) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> {
      try {
        task.call().onComplete(promise);
      } catch (Exception e) {
        promise.fail(e);
      }
    });
    return promise.future();
  }

  /**
   * Stops every reader; any thread. Streams end with a comment while Vert.x still runs (else their connections
   * are already closed).
   */
  public void close() {
    closed = true;
    loops.forEach(ConsumerLoop::stop);
    Context c = context;
    if (c != null) {
      try {
        c.runOnContext(v -> List.copyOf(clients).forEach(client -> remove(client, "shutdown",
            SseMessages.shuttingDown())));
      } catch (RuntimeException e) {
        // Vert.x is closed: so are the connections.
      }
    }
  }
}
