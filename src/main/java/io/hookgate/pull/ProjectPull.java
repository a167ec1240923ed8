package io.hookgate.pull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hookgate.config.KiliPullConfig;
import io.hookgate.event.EventPublisher;
import io.hookgate.ingress.InvalidPayloadException;
import io.hookgate.pull.LabelRecords.LabelRecord;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pull of one Kili project: holds Kili's subscription {@code labelCreatedOrUpdated(projectID)} on a WebSocket
 * ({@code graphql-ws}), and writes each label's event to the events topic, then its position.
 *
 * <p>Each connection: {@code connection_init} with the API key, {@code connection_ack}, {@code start}; then the
 * labels missed since the stored position are read with the labels query (the backfill) and written first, while
 * the labels pushed meanwhile wait; then pushed labels are written as they come, one after the other. A connection
 * silent for {@code keepAliveTimeout} (Kili sends {@code ka}) is replaced, as is every connection after
 * {@code renewEvery}, before Kili's own limit of about 30 days; a lost or refused one is retried after an
 * exponential backoff with jitter. A failed Kafka write drops the connection too: the next one's backfill starts
 * from the stored position, which only moves once a label's event is acknowledged, so nothing is lost.
 *
 * <p>Everything but {@link #status()} runs on the pull verticle's event loop. Over 400 lines because the
 * connection's life (messages, timers, backfill, writes) is one state machine, clearer in one place.
 */
final class ProjectPull {
  private static final Logger LOG = LoggerFactory.getLogger(ProjectPull.class);
  /** The operation id of the one subscription a connection carries. */
  private static final String OPERATION = "1";
  /** Event ids written lately: a label pushed while the backfill also finds it is written once. */
  private static final int RECENT_IDS = 10_000;

  /** The collaborators, in one record: they are many. */
  record Parts(String source, String projectId, KiliPullConfig config, String authorization, Vertx vertx,
      WebSocketClient webSockets, LabelsQuery labelsQuery, LabelRecords records, EventPublisher publisher,
      String eventsTopic, PullPositions positions, PullMetrics metrics, ObjectMapper mapper, Clock clock,
      Backoff backoff) {
  }

  private enum Phase {
    /** Another replica holds this project's source (see {@link PullOwners}): nothing is connected here. */
    STANDBY, IDLE, CONNECTING, CONNECTED, BACKING_OFF, PAUSED, STOPPED
  }

  private final Parts p;
  private final GraphqlWsMessages messages;
  private final String apiKey;
  private Context context;
  private Phase phase = Phase.STANDBY;
  private WebSocket socket;
  /** Counts connections: callbacks of a replaced connection see another number and do nothing. */
  private long generation;
  /** A connection whose Kafka write failed: its remaining labels are left to the next connection's backfill. */
  private long failedGeneration = -1;
  private boolean everConnected;
  /** Whether this connection's failure is already reported, so that its close does not report it again. */
  private boolean failureReported;
  private boolean aliveSinceAck;
  private int attempt;
  private PullPosition position;
  private boolean backfilling;
  /** The connection whose backfill {@link #backfilling} is about: a late answer to an older one changes nothing. */
  private long backfillGeneration = -1;
  private final List<JsonNode> heldWhileBackfilling = new ArrayList<>();
  private Future<Void> writes = Future.succeededFuture();
  private final Map<String, Boolean> recentIds = new LinkedHashMap<>(256, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > RECENT_IDS;
    }
  };
  private long ackTimer = -1;
  private long watchdogTimer = -1;
  private long renewTimer = -1;
  private long reconnectTimer = -1;
  private long lastMessageNanos;
  // What status() shows; written on the event loop, read anywhere.
  private volatile ProjectStatus status;
  private Instant connectedSince;
  private Instant nextAttemptAt;
  private String lastLabelId;
  private String lastLabelCreatedAt;
  private Instant lastEventAt;
  private Double lagSeconds;
  private long labels;
  private long backfilled;
  private long errors;
  private String lastError;
  private Instant lastErrorAt;

  /** @param apiKey the key itself, only to keep it out of the messages Kili's errors might echo */
  ProjectPull(Parts parts, String apiKey) {
    this.p = parts;
    this.apiKey = apiKey;
    this.messages = new GraphqlWsMessages(parts.mapper());
    publishStatus();
  }

  String projectId() {
    return p.projectId();
  }

  ProjectStatus status() {
    return status;
  }

  /** Binds the pull to the pull verticle's context, on standby until this replica holds its source. */
  void start(Context ctx) {
    this.context = ctx;
    publishStatus();
  }

  /**
   * This replica holds the source now: starts from the stored position (null: none yet), as the replica that
   * held it before left it; on the pull verticle's context.
   *
   * @param paused paused through the management API: it waits for a resume
   */
  void activate(PullPosition stored, boolean paused) {
    if (phase != Phase.STANDBY) {
      return;
    }
    LOG.info("Kili pull {} project {}: held by this replica{}", p.source(), p.projectId(), paused ? " (paused)"
        : "");
    position = stored;
    attempt = 0;
    if (paused) {
      phase = Phase.PAUSED;
      publishStatus();
      return;
    }
    phase = Phase.IDLE;
    connect();
  }

  /** Another replica holds the source now: the subscription is closed here. */
  void standby() {
    if (phase == Phase.STANDBY || phase == Phase.STOPPED) {
      return;
    }
    LOG.info("Kili pull {} project {}: now held by another replica", p.source(), p.projectId());
    disconnect(Phase.STANDBY);
  }

  void pause() {
    if (phase == Phase.PAUSED || phase == Phase.STOPPED || phase == Phase.STANDBY) {
      return;
    }
    LOG.info("Kili pull {} project {}: paused", p.source(), p.projectId());
    disconnect(Phase.PAUSED);
  }

  /** Reconnects at once; the backfill then writes what was created while paused. */
  void resume() {
    if (phase != Phase.PAUSED) {
      return;
    }
    LOG.info("Kili pull {} project {}: resumed", p.source(), p.projectId());
    phase = Phase.IDLE;
    attempt = 0;
    connect();
  }

  void stop() {
    disconnect(Phase.STOPPED);
  }

  private void disconnect(Phase next) {
    phase = next;
    generation++;
    cancelTimers();
    if (reconnectTimer >= 0) {
      p.vertx().cancelTimer(reconnectTimer);
      reconnectTimer = -1;
    }
    closeGracefully(socket);
    socket = null;
    connectedSince = null;
    nextAttemptAt = null;
    publishStatus();
  }

  private void connect() {
    if (phase == Phase.PAUSED || phase == Phase.STOPPED || phase == Phase.STANDBY) {
      return;
    }
    long gen = ++generation;
    phase = Phase.CONNECTING;
    failureReported = false;
    nextAttemptAt = null;
    if (everConnected) {
      p.metrics().reconnect();
    }
    publishStatus();
    WebSocketConnectOptions options = new WebSocketConnectOptions()
        .setAbsoluteURI(p.config().endpoint())
        .addSubProtocol(GraphqlWsMessages.SUBPROTOCOL)
        .setConnectTimeout(p.config().requestTimeout().toMillis())
        .setTimeout(p.config().requestTimeout().toMillis());
    p.webSockets().connect(options).onComplete(ar -> {
      if (gen != generation) {
        if (ar.succeeded()) {
          closeGracefully(ar.result());
        }
        return;
      }
      if (ar.failed()) {
        failed("connection", "cannot connect to Kili at " + p.config().endpoint() + ": " + describe(ar.cause()));
        backOff();
        return;
      }
      opened(gen, ar.result());
    });
  }

  private void opened(long gen, WebSocket ws) {
    socket = ws;
    lastMessageNanos = System.nanoTime();
    aliveSinceAck = false;
    ws.textMessageHandler(text -> onMessage(gen, text));
    ws.exceptionHandler(e -> LOG.debug("Kili pull {} project {}: WebSocket error: {}", p.source(), p.projectId(),
        e.toString()));
    ws.closeHandler(v -> onClosed(gen, ws));
    ws.writeTextMessage(messages.connectionInit(p.authorization()));
    ackTimer = p.vertx().setTimer(p.config().requestTimeout().toMillis(), t -> {
      ackTimer = -1;
      if (gen == generation && phase == Phase.CONNECTING) {
        failed("connection", "Kili did not acknowledge the connection within "
            + p.config().requestTimeout().toMillis() + "ms");
        ws.close();
      }
    });
  }

  private void onMessage(long gen, String text) {
    if (gen != generation) {
      return;
    }
    lastMessageNanos = System.nanoTime();
    JsonNode m;
    try {
      m = p.mapper().readTree(text);
    } catch (IOException e) {
      LOG.warn("Kili pull {} project {}: ignoring a message that is not JSON", p.source(), p.projectId());
      return;
    }
    switch (m.path("type").asText()) {
      case GraphqlWsMessages.CONNECTION_ACK -> acknowledged(gen);
      case GraphqlWsMessages.CONNECTION_ERROR -> {
        failed("refused", "Kili refused the connection: " + message(m.path("payload")) + "; check pull.apiKey");
        socket.close();
      }
      case GraphqlWsMessages.KEEP_ALIVE -> alive();
      case GraphqlWsMessages.DATA -> data(gen, m.path("payload"));
      case GraphqlWsMessages.ERROR -> {
        failed("subscription", "Kili refused the subscription: " + message(m.path("payload")));
        socket.close();
      }
      case GraphqlWsMessages.COMPLETE -> {
        failed("subscription", "Kili ended the subscription");
        socket.close();
      }
      default -> LOG.debug("Kili pull {} project {}: ignoring message type {}", p.source(), p.projectId(),
          m.path("type").asText());
    }
  }

  private void acknowledged(long gen) {
    if (phase != Phase.CONNECTING) {
      return;
    }
    if (ackTimer >= 0) {
      p.vertx().cancelTimer(ackTimer);
      ackTimer = -1;
    }
    ObjectNode variables = p.mapper().createObjectNode().put("projectID", p.projectId());
    socket.writeTextMessage(messages.start(OPERATION, KiliDocuments.SUBSCRIPTION, variables, p.authorization()));
    phase = Phase.CONNECTED;
    connectedSince = p.clock().instant();
    everConnected = true;
    long check = Math.max(100, Math.min(1000, p.config().keepAliveTimeout().toMillis() / 4));
    watchdogTimer = p.vertx().setPeriodic(check, t -> {
      if (gen == generation && System.nanoTime() - lastMessageNanos > p.config().keepAliveTimeout().toNanos()) {
        failed("connection", "Kili sent nothing, not even a keep-alive, for "
            + p.config().keepAliveTimeout().toMillis() + "ms; reconnecting");
        if (socket != null) {
          socket.close();
        }
      }
    });
    renewTimer = p.vertx().setTimer(p.config().renewEvery().toMillis(), t -> {
      renewTimer = -1;
      if (gen == generation && phase == Phase.CONNECTED) {
        renew();
      }
    });
    LOG.info("Kili pull {} project {}: subscribed", p.source(), p.projectId());
    publishStatus();
    backfill(gen);
  }

  /** The first sign of life after {@code start} (a keep-alive or a label) ends the backoff. */
  private void alive() {
    if (phase == Phase.CONNECTED && !aliveSinceAck) {
      aliveSinceAck = true;
      attempt = 0;
    }
  }

  /** Replaces the connection before Kili's limit; the new one's backfill covers the moment between. */
  private void renew() {
    LOG.info("Kili pull {} project {}: renewing the subscription after {}", p.source(), p.projectId(),
        p.config().renewEvery());
    generation++;
    cancelTimers();
    closeGracefully(socket);
    socket = null;
    connectedSince = null;
    attempt = 0;
    connect();
  }

  private void data(long gen, JsonNode payload) {
    JsonNode errorList = payload.path("errors");
    if (errorList.isArray() && !errorList.isEmpty()) {
      failed("subscription", "the subscription answered an error: " + message(errorList.path(0)));
      return;
    }
    alive();
    JsonNode data = payload.path("data");
    JsonNode label = data.has("data") ? data.path("data") : data.path("labelCreatedOrUpdated");
    if (!label.isObject()) {
      return;
    }
    if (backfilling) {
      heldWhileBackfilling.add(label);
    } else {
      write(gen, label, "live");
    }
  }

  private void onClosed(long gen, WebSocket ws) {
    if (gen != generation) {
      return;
    }
    socket = null;
    cancelTimers();
    connectedSince = null;
    if (phase == Phase.PAUSED || phase == Phase.STOPPED || phase == Phase.STANDBY) {
      publishStatus();
      return;
    }
    if (!failureReported) {
      failed("connection", "the connection to Kili closed" + (ws.closeStatusCode() == null ? ""
          : " (WebSocket close code " + ws.closeStatusCode() + ")"));
    }
    backOff();
  }

  private void backOff() {
    phase = Phase.BACKING_OFF;
    Duration delay = p.backoff().delay(attempt++);
    nextAttemptAt = p.clock().instant().plus(delay);
    publishStatus();
    reconnectTimer = p.vertx().setTimer(Math.max(1, delay.toMillis()), t -> {
      reconnectTimer = -1;
      if (phase == Phase.BACKING_OFF) {
        connect();
      }
    });
  }

  /**
   * Reads what was created since the stored position and writes it, oldest first; the pushed labels that come
   * meanwhile wait, then follow. Without a position (the first connection ever), the pull starts now: a project's
   * history is an export's job, not the pull's.
   */
  private void backfill(long gen) {
    if (position == null) {
      position = new PullPosition(p.source(), p.projectId(), p.clock().instant().toString(), List.of(),
          p.clock().instant().toString());
      p.positions().save(context, position).onFailure(e -> LOG.warn("Kili pull {} project {}: the first position "
          + "could not be stored: {}", p.source(), p.projectId(), e.toString()));
    }
    // Even the first connection reads from its position: what is created between it and the subscription being
    // in place on Kili's side is found this way.
    PullPosition from = position;
    backfilling = true;
    backfillGeneration = gen;
    heldWhileBackfilling.clear();
    publishStatus();
    p.labelsQuery().since(p.projectId(), from.lastCreatedAt()).onComplete(ar -> {
      if (gen != generation) {
        // A newer connection has its own backfill, or none is running (paused, stopped, backing off).
        if (backfillGeneration == gen) {
          backfilling = false;
          heldWhileBackfilling.clear();
          publishStatus();
        }
        return;
      }
      if (ar.failed()) {
        backfilling = false;
        heldWhileBackfilling.clear();
        boolean refused = ar.cause() instanceof LabelsQuery.KiliRefusal;
        failed(refused ? "refused" : "backfill", refused ? ar.cause().getMessage()
            : "the backfill failed (" + describe(ar.cause()) + "); retrying on a new connection");
        if (socket != null) {
          socket.close();
        }
        return;
      }
      int found = 0;
      for (JsonNode label : ar.result()) {
        if (!coveredBy(from, label)) {
          write(gen, label, "backfill");
          found++;
        }
      }
      if (found > 0) {
        LOG.info("Kili pull {} project {}: backfilling {} labels created since {}", p.source(), p.projectId(), found,
            from.lastCreatedAt());
      }
      writes.onComplete(v -> {
        if (backfillGeneration != gen) {
          return;
        }
        backfilling = false;
        List<JsonNode> held = new ArrayList<>(heldWhileBackfilling);
        heldWhileBackfilling.clear();
        held.forEach(l -> write(gen, l, "live"));
        publishStatus();
      });
    });
  }

  private static boolean coveredBy(PullPosition from, JsonNode label) {
    String createdAt = label.path("createdAt").asText(null);
    return LabelTimes.valid(createdAt) && from.covers(label.path("id").asText(), LabelTimes.parse(createdAt));
  }

  /** Writes the label's event after those before it, then the position; both acknowledged by Kafka. */
  private void write(long gen, JsonNode label, String via) {
    writes = writes.compose(v -> writeOne(gen, label, via)).otherwiseEmpty();
  }

  private Future<Void> writeOne(long gen, JsonNode label, String via) {
    if (gen == failedGeneration || phase == Phase.STOPPED) {
      return Future.succeededFuture();
    }
    LabelRecord r;
    try {
      r = p.records().make(label);
    } catch (InvalidPayloadException e) {
      p.metrics().error("invalid_label");
      errors++;
      LOG.warn("Kili pull {} project {}: skipping a label: {}", p.source(), p.projectId(), e.getMessage());
      publishStatus();
      return Future.succeededFuture();
    }
    if (recentIds.putIfAbsent(r.eventId(), Boolean.TRUE) != null) {
      return Future.succeededFuture();
    }
    return p.publisher().publish(context, r.record()).compose(md -> {
      Instant now = p.clock().instant();
      Instant created = LabelTimes.parse(r.createdAt());
      labels++;
      if ("backfill".equals(via)) {
        backfilled++;
      }
      p.metrics().label(via);
      lastLabelId = r.labelId();
      lastLabelCreatedAt = r.createdAt();
      lastEventAt = now;
      lagSeconds = Math.max(0, Duration.between(created, now).toMillis() / 1000.0);
      PullPosition next = position.after(r.labelId(), r.createdAt(), now);
      if (next != position) {
        position = next;
        p.positions().save(context, next).onFailure(e -> LOG.warn("Kili pull {} project {}: position not stored "
            + "({}); the next backfill starts from the one before", p.source(), p.projectId(), e.toString()));
      }
      publishStatus();
      return Future.<Void>succeededFuture();
    }, e -> {
      recentIds.remove(r.eventId());
      failedGeneration = gen;
      failed("kafka", "the event of label " + r.labelId() + " could not be written to Kafka (" + e
          + "); reconnecting, and the backfill writes it again");
      if (gen == generation && socket != null) {
        socket.close();
      }
      return Future.<Void>succeededFuture();
    });
  }

  private void failed(String reason, String message) {
    String safe = apiKey.isEmpty() ? message : message.replace(apiKey, "****");
    errors++;
    failureReported = true;
    lastError = safe;
    lastErrorAt = p.clock().instant();
    p.metrics().error(reason);
    LOG.warn("Kili pull {} project {}: {}", p.source(), p.projectId(), safe);
    publishStatus();
  }

  private void cancelTimers() {
    for (long id : new long[] {ackTimer, watchdogTimer, renewTimer}) {
      if (id >= 0) {
        p.vertx().cancelTimer(id);
      }
    }
    ackTimer = watchdogTimer = renewTimer = -1;
  }

  /** Stops the subscription and ends the connection as the protocol asks, then closes the WebSocket. */
  private void closeGracefully(WebSocket ws) {
    if (ws == null || ws.isClosed()) {
      return;
    }
    ws.writeTextMessage(messages.stop(OPERATION));
    ws.writeTextMessage(messages.connectionTerminate());
    ws.close();
  }

  private void publishStatus() {
    String state = switch (phase) {
      case IDLE, CONNECTING -> "connecting";
      case CONNECTED -> "connected";
      case BACKING_OFF -> "backing_off";
      case PAUSED -> "paused";
      case STOPPED -> "stopped";
      case STANDBY -> "standby";
    };
    status = new ProjectStatus(p.source(), p.projectId(), state, text(connectedSince), backfilling, lastLabelId,
        lastLabelCreatedAt, text(lastEventAt), lagSeconds, position == null ? null : position.lastCreatedAt(), labels,
        backfilled, errors, lastError, text(lastErrorAt), text(nextAttemptAt));
  }

  private static String text(Instant t) {
    return t == null ? null : t.toString();
  }

  private static String message(JsonNode payload) {
    if (payload.isTextual()) {
      return payload.asText();
    }
    String m = payload.path("message").asText("");
    return m.isEmpty() ? payload.toString() : m;
  }

  private static String describe(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
