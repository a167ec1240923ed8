package io.hookgate.bench.actions;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Submits events to the gateway, each with its own id, and follows each one to the sink: {@link #arrived}
 * is told when the action it caused reached the sink. How an event enters the gateway is the
 * {@link Submitter}'s business: a webhook posted to the ingress ({@link WebhookPoster}: pipeline, ingress),
 * or the ingress's record written straight into the events topic ({@link EventRecordReplayer}: acting).
 * At most {@code maxInFlight} submissions are unanswered, and at most {@code window} events are between
 * "submitted" and "reached the sink": with window = in flight = connections, each connection sends its next
 * webhook once its previous one has gone all the way through (a closed loop over the whole pipeline at
 * fixed concurrency, so latency stays meaningful instead of growing with a backlog in Kafka). Without
 * {@code followToSink} (a gateway with no rules) the acceptance ends an event's trip and the next event
 * goes as soon as the previous one is accepted. Confined to one event loop.
 */
final class EventSender {
  /** One event on its way. Times from System.nanoTime(); 0 = not yet. */
  private static final class Pending {
    final long sent;
    long accepted;
    long arrived;

    Pending(long sent) {
      this.sent = sent;
    }
  }

  private final Vertx vertx;
  private final String idPrefix;
  private final int maxInFlight;
  private final int window;
  private final long eventTimeoutNanos;
  private final Window measured;
  private final boolean followToSink;
  /** Insertion order = send order, so the oldest are first when looking for late ones. */
  private final LinkedHashMap<String, Pending> pending = new LinkedHashMap<>();
  private final Map<String, Pending> late = new HashMap<>();
  private final Map<String, Promise<Void>> probes = new HashMap<>();

  private Submitter submitter;
  private boolean running;
  private long sequence;
  private int inFlight;
  /** Sent and not yet at the sink (nor given up as late). */
  private int outstanding;
  private long timer = -1;

  // Totals over the measured window (by the time of the event that is counted).
  final Samples acceptedToSink = new Samples();
  final Samples sentToSink = new Samples();
  final Samples sentToAccepted = new Samples();
  long arrivalsInWindow;
  long acceptedInWindow;
  long rejectedInWindow;
  long errorsInWindow;
  /** Over the whole phase. */
  long rejected;
  long errors;
  long lateEvents;
  long duplicates;
  long foreign;
  String lastProblem = "";

  /**
   * @param idPrefix unique per phase, without ':' (the action id is {@code <event id>:<rule>:<index>})
   */
  EventSender(Vertx vertx, String idPrefix, int maxInFlight, int window, long eventTimeoutNanos, Window measured,
      boolean followToSink) {
    this.vertx = vertx;
    this.idPrefix = idPrefix;
    this.maxInFlight = maxInFlight;
    this.window = Math.max(window, maxInFlight);
    this.eventTimeoutNanos = eventTimeoutNanos;
    this.measured = measured;
    this.followToSink = followToSink;
  }

  /**
   * Submits one event through {@code via} and completes once the gateway accepted it and (with
   * {@code followToSink}) its action reached the sink, or fails; the caller retries while the gateway starts.
   */
  Future<Void> probe(Submitter via) {
    String id = idPrefix + "probe" + (sequence++);
    Promise<Void> arrived = Promise.promise();
    probes.put(id, arrived);
    return via.submit(id).compose(accepted -> {
      if (!followToSink) {
        probes.remove(id);
        return Future.succeededFuture();
      }
      return arrived.future();
    }, error -> {
      probes.remove(id);
      lastProblem = error instanceof Submitter.Refused ? error.getMessage() : String.valueOf(error);
      return Future.failedFuture(error);
    });
  }

  /** Starts the closed loop, every event submitted through {@code via}. */
  void start(Submitter via) {
    submitter = via;
    running = true;
    timer = vertx.setPeriodic(1000, t -> expireLate());
    pump();
  }

  /** Sends nothing more; what is on its way may still arrive. */
  void stop() {
    running = false;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /** Events accepted or in flight that have not reached the sink yet. */
  int outstanding() {
    return outstanding;
  }

  /** Accepted by the gateway, and never at the sink (so far). */
  long lost() {
    long n = late.size();
    for (Pending p : pending.values()) {
      if (p.accepted > 0 && p.arrived == 0) {
        n++;
      }
    }
    return n;
  }

  /**
   * The sink received the action of event {@code eventId}. Returns false when the event is not one of this
   * sender's (a probe, or a leftover).
   */
  boolean arrived(String eventId, long at) {
    Promise<Void> probe = probes.remove(eventId);
    if (probe != null) {
      probe.tryComplete();
      return true;
    }
    Pending p = pending.get(eventId);
    if (p == null) {
      if (late.remove(eventId) != null) {
        return true;
      }
      if (eventId.startsWith(idPrefix)) {
        duplicates++;
        return true;
      }
      foreign++;
      return false;
    }
    if (p.arrived != 0) {
      duplicates++;
      return true;
    }
    p.arrived = at;
    outstanding--;
    if (measured.contains(at)) {
      arrivalsInWindow++;
    }
    if (p.accepted != 0) {
      complete(eventId, p);
    }
    pump();
    return true;
  }

  private void pump() {
    while (running && inFlight < maxInFlight && outstanding < window) {
      send();
    }
  }

  private void send() {
    String id = idPrefix + (sequence++);
    Pending p = new Pending(System.nanoTime());
    pending.put(id, p);
    outstanding++;
    inFlight++;
    submitter.submit(id).onComplete(ar -> {
      inFlight--;
      if (ar.succeeded()) {
        long accepted = ar.result();
        p.accepted = accepted;
        if (measured.contains(accepted)) {
          acceptedInWindow++;
          sentToAccepted.add(accepted - p.sent);
        }
        if (!followToSink) {
          // Ingress only: no action follows, the acceptance ends the event's trip.
          pending.remove(id);
          outstanding--;
        } else if (p.arrived != 0) {
          complete(id, p);
        }
      } else {
        long now = System.nanoTime();
        if (ar.cause() instanceof Submitter.Refused refused) {
          rejected++;
          lastProblem = refused.getMessage();
          if (measured.contains(now)) {
            rejectedInWindow++;
          }
        } else {
          errors++;
          lastProblem = String.valueOf(ar.cause());
          if (measured.contains(now)) {
            errorsInWindow++;
          }
        }
        if (pending.remove(id) != null && p.arrived == 0) {
          outstanding--;
        }
      }
      pump();
    });
  }

  /** Both the acceptance and the arrival are known. */
  private void complete(String id, Pending p) {
    pending.remove(id);
    if (measured.contains(p.arrived)) {
      acceptedToSink.add(p.arrived - p.accepted);
      sentToSink.add(p.arrived - p.sent);
    }
  }

  /** An event not at the sink after the timeout frees its place in the window, so one loss cannot stall the run. */
  private void expireLate() {
    long now = System.nanoTime();
    Iterator<Map.Entry<String, Pending>> it = pending.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Pending> e = it.next();
      Pending p = e.getValue();
      if (now - p.sent < eventTimeoutNanos) {
        break;
      }
      if (p.arrived == 0 && p.accepted != 0) {
        it.remove();
        late.put(e.getKey(), p);
        lateEvents++;
        outstanding--;
      }
    }
    pump();
  }
}
