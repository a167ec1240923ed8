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
 * answered before its body was read has its connection closed (HTTP/1.1) or its stream reset if the client
 * keeps sending (HTTP/2).
 */
public final class IngressResponder {
  private static final Logger ACCESS = LoggerFactory.getLogger("hookgate.access");
  private static final String PROBLEM_JSON = "application/problem+json";

  private final Vertx vertx;
  private final IngressConfig config;
  private final GatewayMetrics metrics;
  private final ObjectMapper mapper;

  public IngressResponder(Vertx vertx, IngressConfig config, GatewayMetrics metrics, ObjectMapper mapper) {
    this.vertx = vertx;
    this.config = config;
    this.metrics = metrics;
    this.mapper = mapper;
  }

  /** 202 once Kafka has the event, with its id. */
  public void accepted(HttpServerRequest req, IngressEvent event) {
    respond(req, event.source().name(), 202, "application/json", "{\"id\":" + jsonString(event.id()) + "}",
        event.id(), event.type(), null);
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
    respond(req, refusal.sourceLabel(), refusal.status(), PROBLEM_JSON,
        problemJson(refusal.problem().withInstance(req.path())), null, null, refusal.reason());
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

  private void respond(HttpServerRequest req, String source, int status, String contentType, String body,
      String eventId, String type, String reason) {
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
    if (bodyUnread) {
      written.onComplete(ar -> stopUnreadBody(req, response, http2));
    }
    if (config.accessLog() && ACCESS.isInfoEnabled()) {
      accessLog(req, source, status, eventId, type, reason);
    }
  }

  /**
   * Refused before the whole body was read: stop the client sending rather than read and discard what may be
   * a huge body. HTTP/1.1 can only do that by closing the connection. An HTTP/2 connection carries other
   * requests too (and forbids the Connection header): there the client sees the complete response and stops
   * by itself (curl, the JDK client do); one that keeps sending gets its stream reset with NO_ERROR (RFC 9113
   * section 8.1) after the body read timeout. Resetting at once would discard the response still queued
   * behind flow control.
   *
   * <p>This is where a lingering close would go (keep reading and discarding the rest for a bounded time and
   * size before closing, as nginx does, so that a client still sending sees the answer rather than a reset).
   */
  private void stopUnreadBody(HttpServerRequest req, HttpServerResponse response, boolean http2) {
    if (req.isEnded()) {
      return;
    }
    if (http2) {
      vertx.setTimer(config.bodyReadTimeout().toMillis(), t -> {
        if (!req.isEnded()) {
          response.reset(0);
        }
      });
    } else {
      req.connection().close();
    }
  }

  private static void accessLog(HttpServerRequest req, String source, int status, String eventId, String type,
      String reason) {
    String requestId = req.getHeader("X-Request-Id");
    var line = ACCESS.atInfo()
        .addKeyValue("requestId",
            requestId != null ? requestId : Long.toHexString(ThreadLocalRandom.current().nextLong()))
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
