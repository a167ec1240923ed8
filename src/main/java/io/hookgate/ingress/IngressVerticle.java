package io.hookgate.ingress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.hookgate.config.IngressConfig;
import io.hookgate.event.CloudEventFactory;
import io.hookgate.event.EventIds;
import io.hookgate.event.EventPublisher;
import io.hookgate.event.NormalizedEvent;
import io.hookgate.ingress.auth.AuthOutcome;
import io.hookgate.metrics.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook HTTP server: {@code POST /webhooks/{source}}. For each request, in this order: known source
 * (404), POST (405), static token (401, before reading the body), JSON content type (415), declared length
 * (413), then {@code 100 Continue} if the client asked for it, body read within the limit (413) and in time
 * (408), signature (401), JSON (400), the platform's
 * required fields (400), then the CloudEvent is written to Kafka and the answer is 202 only once Kafka has
 * acknowledged it (503 with Retry-After otherwise). Nothing of a refused request reaches Kafka.
 */
public final class IngressVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(IngressVerticle.class);
  private static final Logger ACCESS = LoggerFactory.getLogger("hookgate.access");
  private static final String PROBLEM_JSON = "application/problem+json";

  private final IngressConfig config;
  private final Map<String, ConfiguredSource> sources;
  private final EventPublisher publisher;
  private final CloudEventFactory cloudEvents;
  private final String topic;
  private final GatewayMetrics metrics;
  private final ObjectMapper mapper;
  private final Clock clock;
  private HttpServer server;

  public IngressVerticle(IngressConfig config, Map<String, ConfiguredSource> sources, EventPublisher publisher,
      CloudEventFactory cloudEvents, String topic, GatewayMetrics metrics, ObjectMapper mapper, Clock clock) {
    this.config = config;
    this.sources = Map.copyOf(sources);
    this.publisher = publisher;
    this.cloudEvents = cloudEvents;
    this.topic = topic;
    this.metrics = metrics;
    this.mapper = mapper;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route("/webhooks/:source").handler(this::receive);
    router.route().last().handler(ctx -> reject(ctx, null, Problem.of(404, "not_found", "Not Found",
        "no endpoint at " + ctx.request().path() + "; webhooks are posted to /webhooks/{source}")));
    router.errorHandler(500, ctx -> {
      LOG.error("Unexpected failure handling {}", ctx.request().path(), ctx.failure());
      reject(ctx, null, Problem.of(500, "internal_error", "Internal Server Error", "the request could not be handled"));
    });
    HttpServerOptions options = new HttpServerOptions()
        .setIdleTimeout((int) Math.max(1, config.idleTimeout().toSeconds()))
        .setTcpNoDelay(true);
    server = vertx.createHttpServer(options);
    return server.requestHandler(router).listen(config.port(), config.host());
  }

  /** Stops taking connections and lets requests in flight get their Kafka acknowledgement and answer. */
  public Future<Void> shutdown(Duration grace) {
    return server == null ? Future.succeededFuture() : server.shutdown(grace);
  }

  public int actualPort() {
    return server.actualPort();
  }

  private void receive(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    String name = ctx.pathParam("source");
    ConfiguredSource source = sources.get(name);
    if (source == null) {
      reject(ctx, null, Problem.of(404, "unknown_source", "Unknown Source",
          "no webhook source named '" + name + "' is configured"));
      return;
    }
    if (req.method() != HttpMethod.POST) {
      ctx.response().putHeader(HttpHeaders.ALLOW, "POST");
      reject(ctx, source, Problem.of(405, "method_not_allowed", "Method Not Allowed",
          "webhooks are sent with POST, not " + req.method().name()));
      return;
    }
    // A static token is checked first: a client without it learns nothing more about the endpoint.
    if (!source.authenticator().needsBody()) {
      AuthOutcome outcome = source.authenticator().verify(req.headers(), null, clock.instant().getEpochSecond());
      if (outcome != AuthOutcome.OK) {
        unauthorized(ctx, source, outcome);
        return;
      }
    }
    String contentType = req.getHeader(HttpHeaders.CONTENT_TYPE);
    if (contentType != null && !isJson(contentType)) {
      reject(ctx, source, Problem.of(415, "unsupported_media_type", "Unsupported Media Type",
          "the body must be JSON (Content-Type: application/json), not " + contentType));
      return;
    }
    long declared = declaredLength(req);
    if (declared > source.maxBodyBytes()) {
      reject(ctx, source, tooLarge(source));
      return;
    }
    if ("100-continue".equalsIgnoreCase(req.getHeader(HttpHeaders.EXPECT))) {
      // Only now, with the checks that need no body passed: a refused client never sends its body, and an
      // accepted one does not wait out its continue timeout (curl waits a second on every body over 1 KiB).
      ctx.response().writeContinue();
    }
    readBody(ctx, source, declared);
  }

  /** Reads the body without ever holding more than the limit, and gives up on a client that stalls. */
  private void readBody(RoutingContext ctx, ConfiguredSource source, long declared) {
    HttpServerRequest req = ctx.request();
    Buffer body = Buffer.buffer(declared > 0 ? (int) declared : 1024);
    boolean[] done = {false};
    long timer = vertx.setTimer(config.bodyReadTimeout().toMillis(), id -> {
      if (!done[0]) {
        done[0] = true;
        reject(ctx, source, Problem.of(408, "request_timeout", "Request Timeout",
            "the body was not received within " + config.bodyReadTimeout().toSeconds() + "s"));
      }
    });
    req.handler(chunk -> {
      if (done[0]) {
        return;
      }
      if (body.length() + chunk.length() > source.maxBodyBytes()) {
        done[0] = true;
        vertx.cancelTimer(timer);
        reject(ctx, source, tooLarge(source));
        return;
      }
      body.appendBuffer(chunk);
    });
    req.exceptionHandler(err -> {
      done[0] = true;
      vertx.cancelTimer(timer);
    });
    req.endHandler(v -> {
      vertx.cancelTimer(timer);
      if (!done[0]) {
        done[0] = true;
        accept(ctx, source, body);
      }
    });
  }

  private void accept(RoutingContext ctx, ConfiguredSource source, Buffer body) {
    HttpServerRequest req = ctx.request();
    if (source.authenticator().needsBody()) {
      AuthOutcome outcome = source.authenticator().verify(req.headers(), body, clock.instant().getEpochSecond());
      if (outcome != AuthOutcome.OK) {
        unauthorized(ctx, source, outcome);
        return;
      }
    }
    if (body.length() == 0) {
      reject(ctx, source, Problem.of(400, "malformed_json", "Bad Request", "the body is empty; a JSON object was expected"));
      return;
    }
    byte[] bytes = body.getBytes();
    JsonNode json;
    try {
      json = mapper.readTree(bytes);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? ""
          : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      reject(ctx, source, Problem.of(400, "malformed_json", "Bad Request",
          "the body is not valid JSON" + where + ": " + parserMessage(e)));
      return;
    } catch (java.io.IOException e) {
      reject(ctx, source, Problem.of(400, "malformed_json", "Bad Request", "the body is not valid JSON"));
      return;
    }
    NormalizedEvent normalized;
    try {
      normalized = source.webhookSource().normalize(source.name(), json);
    } catch (InvalidPayloadException e) {
      reject(ctx, source, Problem.of(400, "invalid_payload", "Bad Request",
          e.getMessage() + " (a " + source.kind() + " webhook)").withField(e.field().isEmpty() ? null : e.field()));
      return;
    }
    String id = eventId(req, source, normalized, bytes);
    CloudEvent event = cloudEvents.toCloudEvent(id, source.name(), normalized);
    ProducerRecord<String, byte[]> record = cloudEvents.toRecord(topic, event);
    String traceparent = req.getHeader("traceparent");
    if (traceparent != null) {
      record.headers().add("traceparent", traceparent.getBytes(StandardCharsets.UTF_8));
    }
    publish(ctx, source, id, normalized.type(), record);
  }

  private void publish(RoutingContext ctx, ConfiguredSource source, String id, String type,
      ProducerRecord<String, byte[]> record) {
    long started = System.nanoTime();
    boolean[] answered = {false};
    long timer = vertx.setTimer(config.publishTimeout().toMillis(), t -> {
      if (!answered[0]) {
        answered[0] = true;
        metrics.kafkaError("PublishTimeout");
        metrics.publishLatency(source.name(), "timeout", System.nanoTime() - started);
        unavailable(ctx, source, "Kafka did not acknowledge the event within " + config.publishTimeout().toMillis() + "ms");
      }
    });
    publisher.publish(context, record).onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (answered[0]) {
        return;
      }
      answered[0] = true;
      if (ar.succeeded()) {
        metrics.publishLatency(source.name(), "ok", System.nanoTime() - started);
        respond(ctx, source, 202, "application/json", "{\"id\":" + jsonString(id) + "}", id, type, null);
      } else {
        Throwable err = ar.cause();
        metrics.kafkaError(err.getClass().getSimpleName());
        metrics.publishLatency(source.name(), "error", System.nanoTime() - started);
        LOG.warn("Kafka write failed for event {} from source {}: {}", id, source.name(), err.toString());
        unavailable(ctx, source, "the event could not be stored in Kafka; retry later");
      }
    });
  }

  /** The sender's delivery id where it has one, so a re-sent webhook keeps its id; else a hash of the body. */
  private static String eventId(HttpServerRequest req, ConfiguredSource source, NormalizedEvent normalized, byte[] body) {
    String id = req.getHeader("webhook-id");
    if (id == null || id.isBlank()) {
      id = req.getHeader("X-GitHub-Delivery");
    }
    if (id == null || id.isBlank()) {
      id = normalized.deliveryId();
    }
    return id == null || id.isBlank() ? EventIds.fromBody(source.name(), body) : id;
  }

  private void unauthorized(RoutingContext ctx, ConfiguredSource source, AuthOutcome outcome) {
    // One answer for every failure: the client must not learn which part of its credentials is wrong.
    metrics.reject(source.name(), outcome.reason());
    ctx.response().putHeader("WWW-Authenticate", "Webhook realm=\"" + source.name() + "\"");
    respond(ctx, source, 401, PROBLEM_JSON, problemJson(Problem.of(401, "unauthorized", "Unauthorized",
        "missing or invalid credentials for source '" + source.name() + "'"), ctx), null, null, outcome.reason());
  }

  private void unavailable(RoutingContext ctx, ConfiguredSource source, String detail) {
    ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, config.retryAfter().toSeconds())));
    reject(ctx, source, Problem.of(503, "kafka_unavailable", "Service Unavailable", detail));
  }

  private Problem tooLarge(ConfiguredSource source) {
    return Problem.of(413, "body_too_large", "Content Too Large",
        "the body exceeds the limit of " + source.maxBodyBytes() + " bytes for source '" + source.name() + "'");
  }

  private void reject(RoutingContext ctx, ConfiguredSource source, Problem problem) {
    // An unknown source is counted as "-": a name chosen by the client must not become a label value.
    metrics.reject(source == null ? "-" : source.name(), problem.reason());
    respond(ctx, source, problem.status(), PROBLEM_JSON, problemJson(problem, ctx), null, null, problem.reason());
  }

  private String problemJson(Problem problem, RoutingContext ctx) {
    try {
      return mapper.writeValueAsString(problem.withInstance(ctx.request().path()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private void respond(RoutingContext ctx, ConfiguredSource source, int status, String contentType, String body,
      String eventId, String type, String reason) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    HttpServerRequest req = ctx.request();
    // Refused before the whole body was read: stop the client sending rather than read and discard what may
    // be a huge body. HTTP/1.1 can only do that by closing the connection. An HTTP/2 connection carries other
    // requests too (and forbids the Connection header): there the client sees the complete response and
    // stops by itself (curl, the JDK client do); one that keeps sending gets its stream reset with NO_ERROR
    // (RFC 9113 section 8.1) after the body read timeout. Resetting at once would discard the response
    // still queued behind flow control.
    boolean bodyPending = !req.isEnded();
    boolean http2 = req.version() == HttpVersion.HTTP_2;
    if (bodyPending && !http2) {
      response.putHeader(HttpHeaders.CONNECTION, "close");
    }
    String sourceName = source == null ? "-" : source.name();
    metrics.request(sourceName, status);
    response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, contentType).end(body).onComplete(ar -> {
      if (bodyPending && !req.isEnded()) {
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
    });
    if (config.accessLog() && ACCESS.isInfoEnabled()) {
      String requestId = req.getHeader("X-Request-Id");
      var line = ACCESS.atInfo()
          .addKeyValue("requestId", requestId != null ? requestId : UUID.randomUUID().toString())
          .addKeyValue("source", sourceName)
          .addKeyValue("status", status);
      if (eventId != null) {
        line = line.addKeyValue("eventId", eventId).addKeyValue("eventType", type);
      }
      if (reason != null) {
        line = line.addKeyValue("reason", reason);
      }
      line.log("{} {} {}", req.method(), req.path(), status);
    }
  }

  /** Jackson's message without its pointers into the source, which say nothing useful to a client. */
  private static String parserMessage(JsonProcessingException e) {
    String msg = e.getOriginalMessage();
    int cut = msg.indexOf(" (start marker at");
    if (cut < 0) {
      cut = msg.indexOf("\n at [Source");
    }
    msg = cut > 0 ? msg.substring(0, cut) : msg;
    return msg.replace('\n', ' ').strip();
  }

  private static boolean isJson(String contentType) {
    String base = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return base.equals("application/json") || (base.startsWith("application/") && base.endsWith("+json"))
        || base.equals("text/json");
  }

  private static long declaredLength(HttpServerRequest req) {
    String value = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String jsonString(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
