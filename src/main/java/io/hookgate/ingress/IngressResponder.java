package io.hookgate.ingress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.config.IngressConfig;
import io.hookgate.event.TraceContext;
import io.hookgate.http.Problem;
import io.hookgate.metrics.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last step of a webhook: its answer (202 with the event id, or the refusal's problem as
 * {@code application/problem+json}), the request counted in the metrics, and its access log line. A request
 * answered before its body was read has its connection closed once the rest is discarded (HTTP/1.1) or its
 * stream reset if the client keeps sending (HTTP/2).
 */
public final class IngressResponder {
  private static final Logger ACCESS = LoggerFactory.getLogger("hookgate.access");
  private static final String PROBLEM_JSON = "application/problem+json";

  private final Vertx vertx;
  private final IngressConfig config;
  private final GatewayMetrics metrics;
  private final ObjectMapper mapper;
  private final RecentRequests recent;

  public IngressResponder(Vertx vertx, IngressConfig config, GatewayMetrics metrics, ObjectMapper mapper,
      RecentRequests recent) {
    this.vertx = vertx;
    this.config = config;
    this.metrics = metrics;
    this.mapper = mapper;
    this.recent = recent;
  }

  /** 202 once Kafka has the event, with its id. */
  public void accepted(HttpServerRequest req, IngressEvent event) {
    respond(req, event.source(), event.source().name(), 202, "application/json",
        "{\"id\":" + jsonString(event.id()) + "}", event.id(), event.type(), null, null);
  }

  /** The refusal's status, headers and problem, its {@code instance} the request's path. */
  public void refuse(HttpServerRequest req, Refusal refusal) {
    // An unknown source is counted as "-": a name chosen by the client must not become a label value.
    metrics.reject(refusal.sourceLabel(), refusal.reason());
    HttpServerResponse response = req.response();
    if (!response.ended() && !response.closed()) {
      for (Map.Entry<String, String> h : refusal.headers().entrySet()) {
        response.putHeader(h.getKey(), h.getValue());
      }
    }
    Problem problem = refusal.problem().withInstance(req.path());
    respond(req, refusal.source(), refusal.sourceLabel(), refusal.status(), PROBLEM_JSON, problemJson(problem), null,
        null, refusal.reason(), problem);
  }

  /**
   * A request Netty's HTTP decoder refused ({@link RequestGate#malformed}): answered and closed, as Vert.x's own
   * handler does, since the decoder's state is unknown past the bad line. No access log line: there is no
   * request to speak of.
   */
  public void malformed(HttpServerRequest req, Problem problem) {
    metrics.reject("-", problem.reason());
    metrics.request("-", problem.status());
    String path = req.path();
    String body = problemJson(path != null && path.startsWith("/")
        ? problem.withInstance(RequestGate.oneLine(path, 200)) : problem);
    req.response().setStatusCode(problem.status()).putHeader(HttpHeaders.CONTENT_TYPE, PROBLEM_JSON)
        .putHeader(HttpHeaders.CONNECTION, "close").end(body).onComplete(ar -> req.connection().close());
  }

  /** @param problem the refusal's problem; null when accepted */
  private void respond(HttpServerRequest req, ConfiguredSource configured, String source, int status,
      String contentType, String body, String eventId, String type, String reason, Problem problem) {
    HttpServerResponse response = req.response();
    if (response.ended() || response.closed()) {
      return;
    }
    boolean bodyUnread = !req.isEnded();
    boolean http2 = req.version() == HttpVersion.HTTP_2;
    if (bodyUnread && !http2) {
      response.putHeader(HttpHeaders.CONNECTION, "close");
    }
    metrics.request(source, status);
    response.setStatusCode(status);
    if (status == 413) {
      response.setStatusMessage("Content Too Large"); // RFC 9110's name, as the problem's title; Netty has the old one
    }
    Future<Void> written = response.putHeader(HttpHeaders.CONTENT_TYPE, contentType).end(body);
    if (bodyUnread && http2) {
      written.onComplete(ar -> resetUnreadStream(req, response));
    } else if (bodyUnread) {
      lingeringClose(req, written);
    }
    boolean logged = config.accessLog() && ACCESS.isInfoEnabled();
    if (logged || recent.enabled()) {
      String requestId = requestId(req);
      if (logged) {
        accessLog(req, requestId, source, status, eventId, type, reason);
      }
      recent.record(configured, requestId, req.method().name(), req.path(),
          req.remoteAddress() == null ? null : req.remoteAddress().hostAddress(), req.headers(), req.bytesRead(),
          status, reason, problem == null ? null : problem.type(), problem == null ? null : problem.detail(),
          eventId);
    }
  }

  /**
   * Refused on HTTP/1.1 before the whole body was read: the answer says {@code Connection: close}, and the
   * connection is closed once the client has sent the rest. Closing at once would reset the connection while
   * the client is still sending (the kernel answers unread data with a reset), and the reset destroys the
   * answer before most senders read it: curl reports "Send failure: Broken pipe", not the 413. So, as nginx's
   * lingering close, the rest is read and thrown away (never held), within {@code ingress.lingerTime} and
   * {@code ingress.lingerMaxBytes}, so that a client cannot hold the connection by sending forever.
   */
  private void lingeringClose(HttpServerRequest req, Future<Void> written) {
    HttpConnection connection = req.connection();
    long timer = vertx.setTimer(config.lingerTime().toMillis(), t -> connection.close());
    long[] discarded = {0};
    req.handler(chunk -> {
      discarded[0] += chunk.length();
      if (discarded[0] > config.lingerMaxBytes()) {
        vertx.cancelTimer(timer);
        connection.close();
      }
    });
    req.endHandler(v -> {
      vertx.cancelTimer(timer);
      written.onComplete(ar -> connection.close());
    });
    req.exceptionHandler(e -> vertx.cancelTimer(timer));
    req.resume();
  }

  /**
   * Refused on HTTP/2 before the whole body was read. The connection carries other requests too (and forbids
   * the Connection header): the client sees the complete response and stops by itself (curl, the JDK client
   * do); one that keeps sending gets its stream reset with NO_ERROR (RFC 9113 section 8.1) after the body read
   * timeout. Resetting at once would discard the response still queued behind flow control.
   */
  private void resetUnreadStream(HttpServerRequest req, HttpServerResponse response) {
    if (req.isEnded()) {
      return;
    }
    vertx.setTimer(config.bodyReadTimeout().toMillis(), t -> {
      if (!req.isEnded()) {
        response.reset(0);
      }
    });
  }

  /** The sender's {@code X-Request-Id}, or one made up, for the access log and the recent requests alike. */
  private static String requestId(HttpServerRequest req) {
    String requestId = req.getHeader("X-Request-Id");
    return requestId != null ? RequestGate.oneLine(requestId, 128)
        : Long.toHexString(ThreadLocalRandom.current().nextLong());
  }

  private static void accessLog(HttpServerRequest req, String requestId, String source, int status, String eventId,
      String type, String reason) {
    var line = ACCESS.atInfo()
        .addKeyValue("requestId", requestId)
        .addKeyValue("source", source)
        .addKeyValue("status", status);
    if (eventId != null) {
      line = line.addKeyValue("eventId", eventId).addKeyValue("eventType", type);
    }
    if (reason != null) {
      line = line.addKeyValue("reason", reason);
    }
    TraceContext trace = TraceContext.fromHeaders(req.headers().getAll(TraceContext.TRACEPARENT),
        req.headers().getAll(TraceContext.TRACESTATE));
    if (trace != null) {
      line = line.addKeyValue("traceId", trace.traceId());
    }
    line.log("{} {} {}", req.method(), req.path(), status);
  }

  private String problemJson(Problem problem) {
    try {
      return mapper.writeValueAsString(problem);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code s} as a JSON string literal, escaped by Jackson's encoder, as every other JSON hookgate writes. */
  private static String jsonString(String s) {
    return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + '"';
  }
}
