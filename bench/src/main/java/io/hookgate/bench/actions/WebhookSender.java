package io.hookgate.bench.actions;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Posts the same Kili webhook to the gateway over {@code connections} keep-alive connections, each with its
 * own {@code webhook-id} header (which hookgate takes as the event id, so every webhook is a distinct
 * event), and follows each event to the sink: {@link #arrived} is told when the action it caused reached
 * the sink. At most {@code window} events are between "sent" and "reached the sink": with window =
 * connections, each connection sends its next webhook once its previous one has gone all the way through
 * (a closed loop over the whole pipeline at fixed concurrency, so latency stays meaningful instead of
 * growing with a backlog in Kafka). Without {@code followToSink} (a gateway with no rules) the 202 ends an
 * event's trip and each connection sends its next webhook as soon as it has its answer. Confined to one
 * event loop.
 */
final class WebhookSender {
  /** One webhook on its way. Times from System.nanoTime(); 0 = not yet. */
  private static final class Pending {
    final long sent;
    long accepted;
    long arrived;

    Pending(long sent) {
      this.sent = sent;
    }
  }

  private final Vertx vertx;
  private final HttpClient client;
  private final RequestOptions request;
  private final Buffer body;
  private final String idPrefix;
  private final int connections;
  private final int window;
  private final long eventTimeoutNanos;
  private final Window measured;
  private final boolean followToSink;
  /** Insertion order = send order, so the oldest are first when looking for late ones. */
  private final LinkedHashMap<String, Pending> pending = new LinkedHashMap<>();
  private final Map<String, Pending> late = new HashMap<>();
  private final Map<String, Promise<Void>> probes = new HashMap<>();

  private boolean running;
  private long sequence;
  private int httpInFlight;
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

  WebhookSender(Vertx vertx, HttpClient client, String host, int port, String path, Buffer body, String auth,
      String idPrefix, int connections, int window, long eventTimeoutNanos, Window measured, boolean followToSink) {
    this.vertx = vertx;
    this.client = client;
    this.request = new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port).setURI(path)
        .putHeader("Content-Type", "application/json")
        .putHeader("Authorization", auth);
    this.body = body;
    this.idPrefix = idPrefix;
    this.connections = connections;
    this.window = Math.max(window, connections);
    this.eventTimeoutNanos = eventTimeoutNanos;
    this.measured = measured;
    this.followToSink = followToSink;
  }

  /**
   * Sends one webhook and completes once the gateway accepted it (202) and its action reached the sink,
   * or fails; the caller retries while the gateway starts.
   */
  Future<Void> probe() {
    String id = idPrefix + "probe" + (sequence++);
    Promise<Void> arrived = Promise.promise();
    probes.put(id, arrived);
    return post(id).compose(status -> {
      if (status != 202) {
        probes.remove(id);
        return Future.failedFuture("the gateway answered " + status);
      }
      if (!followToSink) {
        probes.remove(id);
        return Future.succeededFuture();
      }
      return arrived.future();
    }, error -> {
      probes.remove(id);
      return Future.failedFuture(error);
    });
  }

  void start() {
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
    while (running && httpInFlight < connections && outstanding < window) {
      send();
    }
  }

  private void send() {
    String id = idPrefix + (sequence++);
    Pending p = new Pending(System.nanoTime());
    pending.put(id, p);
    outstanding++;
    httpInFlight++;
    post(id).onComplete(ar -> {
      httpInFlight--;
      long now = System.nanoTime();
      if (ar.succeeded() && ar.result() == 202) {
        p.accepted = now;
        if (measured.contains(now)) {
          acceptedInWindow++;
          sentToAccepted.add(now - p.sent);
        }
        if (!followToSink) {
          // Ingress only: no action follows, the 202 ends the event's trip.
          pending.remove(id);
          outstanding--;
        } else if (p.arrived != 0) {
          complete(id, p);
        }
      } else {
        if (ar.succeeded()) {
          rejected++;
          lastProblem = "HTTP " + ar.result();
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

  /** Both the 202 and the arrival are known. */
  private void complete(String id, Pending p) {
    pending.remove(id);
    if (measured.contains(p.arrived)) {
      acceptedToSink.add(p.arrived - p.accepted);
      sentToSink.add(p.arrived - p.sent);
    }
  }

  /** The status of the answer; fails on a connection error. */
  private Future<Integer> post(String id) {
    RequestOptions options = new RequestOptions(request).putHeader("webhook-id", id);
    return client.request(options)
        .compose(req -> req.send(body))
        .compose(resp -> resp.body().map(b -> resp.statusCode()));
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
