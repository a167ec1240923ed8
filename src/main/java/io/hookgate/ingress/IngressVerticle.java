package io.hookgate.ingress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.hookgate.config.IngressConfig;
import io.hookgate.event.CloudEventFactory;
import io.hookgate.event.CloudEventStrings;
import io.hookgate.event.EventIds;
import io.hookgate.event.EventPublisher;
import io.hookgate.event.NormalizedEvent;
import io.hookgate.event.RawJson;
import io.hookgate.event.TraceContext;
import io.hookgate.http.Problem;
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
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook HTTP server: {@code POST /webhooks/{source}}. For each request, in this order: known source
 * (404), POST (405), static token (401, before reading the body), JSON content type and no content coding
 * (415), declared length
 * (413), then {@code 100 Continue} if the client asked for it, body read within the limit (413) and in time
 * (408), signature (401), JSON (400), the platform's
 * required fields (400), then the CloudEvent is written to Kafka and the answer is 202 only once Kafka has
 * acknowledged it (503 with Retry-After otherwise). Nothing of a refused request reaches Kafka.
 */
public final class IngressVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(IngressVerticle.class);
  private static final Logger ACCESS = LoggerFactory.getLogger("hookgate.access");
  private static final String PROBLEM_JSON = "application/problem+json";
  private static final String PREFIX = "/webhooks/";

  private final IngressConfig config;
  private final Map<String, ConfiguredSource> sources;
  private final EventPublisher publisher;
  private final CloudEventFactory cloudEvents;
  private final String topic;
  private final GatewayMetrics metrics;
  /**
   * The deepest nesting of a webhook body. The event's {@code data} holds the body one level down, and a
   * structured CloudEvent (forwards) another, and most JSON parsers stop at 1000 levels (Jackson by default,
   * hookgate's rules included): a body accepted here must not make an event its readers cannot parse. No
   * labeling platform sends more than a few dozen.
   */
  public static final int MAX_BODY_DEPTH = 512;

  /** A copy of {@code base} for reading webhook bodies: refuses bodies nested deeper than {@link #MAX_BODY_DEPTH}. */
  public static ObjectMapper bodyMapper(ObjectMapper base) {
    ObjectMapper copy = base.copy();
    copy.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
        .maxNestingDepth(MAX_BODY_DEPTH).build());
    return copy;
  }

  private final ObjectMapper mapper;
  private final Clock clock;
  /** Refuses trailing content after the JSON value, so the raw body can be embedded as data.original. */
  private final ObjectReader jsonReader;
  private HttpServer server;
  /**
   * Bodies being read, oldest first. All have the same timeout, so arrival order is deadline order. Only the
   * event loop of this verticle touches it.
   */
  private final Set<BodyRead> reading = new LinkedHashSet<>();
  private static final long FAILURE_LOG_INTERVAL_NANOS = Duration.ofSeconds(10).toNanos();
  /** When a failed Kafka write was last logged (0: never), and how many failed since without a line. */
  private long failureLoggedAt;
  private long failuresNotLogged;

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
    this.jsonReader = mapper.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  @Override
  public Future<?> start() {
    HttpServerOptions options = new HttpServerOptions()
        .setIdleTimeout((int) Math.max(1, config.idleTimeout().toSeconds()))
        .setTcpNoDelay(true);
    server = vertx.createHttpServer(options);
    // One periodic sweep for the body read timeout rather than a timer set and cancelled per request
    // (a scheduled task and a map entry in Vert.x each): a 408 comes at most a tenth of the timeout late.
    long timeout = config.bodyReadTimeout().toMillis();
    vertx.setPeriodic(Math.max(10, Math.min(1000, timeout / 10)), id -> sweepStalledReads());
    return server.requestHandler(this::route).invalidRequestHandler(this::invalidRequest)
        .listen(config.port(), config.host());
  }

  /**
   * A request Netty's HTTP decoder refused (a negative or non-numeric Content-Length, Content-Length with
   * chunked encoding, a request line or headers over the limits): the statuses of Vert.x's default handler,
   * which answers them with no body, but with a problem that says what is wrong, as every other refusal.
   */
  private void invalidRequest(HttpServerRequest req) {
    Throwable cause = req.decoderResult().cause();
    Problem problem;
    if (cause instanceof io.netty.handler.codec.http.TooLongHttpLineException) {
      problem = Problem.of(414, "request_line_too_long", "URI Too Long",
          "the request line is longer than " + HttpServerOptions.DEFAULT_MAX_INITIAL_LINE_LENGTH + " bytes");
    } else if (cause instanceof io.netty.handler.codec.http.TooLongHttpHeaderException) {
      problem = Problem.of(431, "headers_too_large", "Request Header Fields Too Large",
          "the request headers are larger than " + HttpServerOptions.DEFAULT_MAX_HEADER_SIZE + " bytes");
    } else {
      String why = cause == null || cause.getMessage() == null ? "" : ": " + oneLine(cause.getMessage(), 200);
      problem = Problem.of(400, "malformed_request", "Bad Request", "the request is not valid HTTP/1.1" + why);
    }
    metrics.reject("-", problem.reason());
    metrics.request("-", problem.status());
    String path = req.path();
    String body = problemJson(path != null && path.startsWith("/") ? problem.withInstance(oneLine(path, 200)) : problem);
    // The decoder's state is unknown past the bad line: answer and close, as Vert.x's own handler does.
    req.response().setStatusCode(problem.status()).putHeader(HttpHeaders.CONTENT_TYPE, PROBLEM_JSON)
        .putHeader(HttpHeaders.CONNECTION, "close").end(body).onComplete(ar -> req.connection().close());
  }

  private static String oneLine(String text, int max) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), max));
    for (int i = 0; i < text.length() && out.length() < max; i++) {
      char c = text.charAt(i);
      out.append(c < 0x20 || c == 0x7F ? ' ' : c);
    }
    return out.toString();
  }

  /**
   * One route, matched by hand: vertx-web's Router costs a routing context and a regular expression per
   * request on the hot path, for nothing this endpoint needs (bench/ measures the path).
   */
  private void route(HttpServerRequest req) {
    String path = req.path();
    int end = path.endsWith("/") ? path.length() - 1 : path.length();
    int slash = path.indexOf('/', PREFIX.length());
    if (path.startsWith(PREFIX) && end > PREFIX.length() && (slash < 0 || slash == end)) {
      try {
        receive(req, path.substring(PREFIX.length(), end));
      } catch (RuntimeException e) {
        LOG.error("Unexpected failure handling {}", path, e);
        reject(req, null, Problem.of(500, "internal_error", "Internal Server Error", "the request could not be handled"));
      }
      return;
    }
    reject(req, null, Problem.of(404, "not_found", "Not Found",
        "no endpoint at " + path + "; webhooks are posted to /webhooks/{source}"));
  }

  /** Stops taking connections and lets requests in flight get their Kafka acknowledgement and answer. */
  public Future<Void> shutdown(Duration grace) {
    return server == null ? Future.succeededFuture() : server.shutdown(grace);
  }

  public int actualPort() {
    return server.actualPort();
  }

  private void receive(HttpServerRequest req, String name) {
    ConfiguredSource source = sources.get(name);
    if (source == null) {
      reject(req, null, Problem.of(404, "unknown_source", "Unknown Source",
          "no webhook source named '" + name + "' is configured"));
      return;
    }
    if (req.method() != HttpMethod.POST) {
      req.response().putHeader(HttpHeaders.ALLOW, "POST");
      reject(req, source, Problem.of(405, "method_not_allowed", "Method Not Allowed",
          "webhooks are sent with POST, not " + req.method().name()));
      return;
    }
    // A static token is checked first: a client without it learns nothing more about the endpoint.
    if (!source.authenticator().needsBody()) {
      AuthOutcome outcome = source.authenticator().verify(req.headers(), null, clock.instant().getEpochSecond());
      if (outcome != AuthOutcome.OK) {
        unauthorized(req, source, outcome);
        return;
      }
    }
    String contentType = req.getHeader(HttpHeaders.CONTENT_TYPE);
    if (contentType != null && !isJson(contentType)) {
      reject(req, source, Problem.of(415, "unsupported_media_type", "Unsupported Media Type",
          "the body must be JSON (Content-Type: application/json), not " + contentType));
      return;
    }
    String encoding = req.getHeader(HttpHeaders.CONTENT_ENCODING);
    if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("identity")) {
      // Signatures are over the bytes as sent and the body is stored as sent: decoding it here would make
      // both ambiguous. RFC 9110 (section 12.5.3) says to answer 415 with the codings that are accepted.
      req.response().putHeader(HttpHeaders.ACCEPT_ENCODING, "identity");
      reject(req, source, Problem.of(415, "unsupported_media_type", "Unsupported Media Type",
          "the body must be sent without a content coding (Content-Encoding: " + oneLine(encoding, 100)
              + "); send it uncompressed"));
      return;
    }
    long declared = declaredLength(req);
    if (declared > source.maxBodyBytes()) {
      reject(req, source, tooLarge(source));
      return;
    }
    if ("100-continue".equalsIgnoreCase(req.getHeader(HttpHeaders.EXPECT))) {
      // Only now, with the checks that need no body passed: a refused client never sends its body, and an
      // accepted one does not wait out its continue timeout (curl waits a second on every body over 1 KiB).
      req.response().writeContinue();
    }
    readBody(req, source, declared);
  }

  /** Reads the body without ever holding more than the limit, and gives up on a client that stalls. */
  private void readBody(HttpServerRequest req, ConfiguredSource source, long declared) {
    Buffer body = Buffer.buffer(declared > 0 ? (int) declared : 1024);
    BodyRead read = new BodyRead(req, source, System.nanoTime() + config.bodyReadTimeout().toNanos());
    reading.add(read);
    req.handler(chunk -> {
      if (read.done) {
        return;
      }
      if (body.length() + chunk.length() > source.maxBodyBytes()) {
        finish(read);
        reject(req, source, tooLarge(source));
        return;
      }
      body.appendBuffer(chunk);
    });
    req.exceptionHandler(err -> finish(read));
    req.endHandler(v -> {
      if (!read.done) {
        finish(read);
        accept(req, source, body);
      }
    });
  }

  /** A body being read, until it ends, fails, exceeds the limit or times out. */
  private static final class BodyRead {
    final HttpServerRequest req;
    final ConfiguredSource source;
    final long deadlineNanos;
    boolean done;

    BodyRead(HttpServerRequest req, ConfiguredSource source, long deadlineNanos) {
      this.req = req;
      this.source = source;
      this.deadlineNanos = deadlineNanos;
    }
  }

  private void finish(BodyRead read) {
    read.done = true;
    reading.remove(read);
  }

  /** Answers 408 to every body read past its deadline: the oldest come first, so it stops at the first one in time. */
  private void sweepStalledReads() {
    long now = System.nanoTime();
    List<BodyRead> stalled = new ArrayList<>();
    for (Iterator<BodyRead> it = reading.iterator(); it.hasNext(); ) {
      BodyRead read = it.next();
      if (now - read.deadlineNanos < 0) {
        break;
      }
      it.remove();
      read.done = true;
      stalled.add(read);
    }
    for (BodyRead read : stalled) {
      reject(read.req, read.source, Problem.of(408, "request_timeout", "Request Timeout",
          "the body was not received within " + config.bodyReadTimeout().toSeconds() + "s"));
    }
  }

  private void accept(HttpServerRequest req, ConfiguredSource source, Buffer body) {
    if (source.authenticator().needsBody()) {
      AuthOutcome outcome = source.authenticator().verify(req.headers(), body, clock.instant().getEpochSecond());
      if (outcome != AuthOutcome.OK) {
        unauthorized(req, source, outcome);
        return;
      }
    }
    if (body.length() == 0) {
      reject(req, source, Problem.of(400, "malformed_json", "Bad Request", "the body is empty; a JSON object was expected"));
      return;
    }
    byte[] bytes = body.getBytes();
    // The platform's usual webhook is read from the JSON tokens, without a tree; anything else, refusals
    // included, is read from the tree below, so every 400 comes from the one tree-based reading.
    NormalizedEvent normalized = CloudEventFactory.embeddable(bytes)
        ? source.webhookSource().normalizeUsual(source.name(), bytes, RawJson.node(bytes)) : null;
    if (normalized == null) {
      normalized = normalizeTree(req, source, bytes);
      if (normalized == null) {
        return;
      }
    }
    String id = eventId(req, source, normalized, bytes);
    String badAttribute = badAttribute(id, normalized);
    if (badAttribute != null) {
      reject(req, source, Problem.of(400, "invalid_payload", "Bad Request", badAttribute
          + "; CloudEvents attributes may not contain control characters, noncharacters or unpaired surrogates"));
      return;
    }
    ProducerRecord<String, byte[]> record = cloudEvents.toRecord(topic, id, source.name(), normalized, trace(req), bytes);
    publish(req, source, id, normalized.type(), record, bytes.length);
  }

  /** Parses the body into a tree and normalizes it; null when the request was refused with a 400. */
  private NormalizedEvent normalizeTree(HttpServerRequest req, ConfiguredSource source, byte[] bytes) {
    JsonNode json;
    try {
      json = jsonReader.readTree(bytes);
    } catch (StreamConstraintsException e) {
      reject(req, source, Problem.of(400, "invalid_payload", "Bad Request", "the body is nested more than "
          + MAX_BODY_DEPTH + " levels deep: the events made of it must stay readable by JSON parsers that stop at "
          + "1000 levels, as Jackson does by default, and the event wraps the body in two more"));
      return null;
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? ""
          : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      reject(req, source, Problem.of(400, "malformed_json", "Bad Request",
          "the body is not valid JSON" + where + ": " + parserMessage(e)));
      return null;
    } catch (java.io.IOException e) {
      reject(req, source, Problem.of(400, "malformed_json", "Bad Request", "the body is not valid JSON"));
      return null;
    }
    try {
      return source.webhookSource().normalize(source.name(), json);
    } catch (InvalidPayloadException e) {
      reject(req, source, Problem.of(400, "invalid_payload", "Bad Request",
          e.getMessage() + " (" + article(source.kind()) + " " + source.kind() + " webhook)").withField(e.field().isEmpty() ? null : e.field()));
      return null;
    }
  }

  private void publish(HttpServerRequest req, ConfiguredSource source, String id, String type,
      ProducerRecord<String, byte[]> record, int bodyBytes) {
    long started = System.nanoTime();
    // No timer of our own: the producer fails a record it could not get acknowledged within
    // delivery.timeout.ms, which KafkaClientFactory sets to ingress.publishTimeout, and send() never blocks.
    publisher.publish(context, record).onComplete(ar -> {
      if (ar.succeeded()) {
        metrics.publishLatency(source.name(), "ok", System.nanoTime() - started);
        respond(req, source, 202, "application/json", "{\"id\":" + jsonString(id) + "}", id, type, null);
      } else if (ar.cause() instanceof RecordTooLargeException) {
        // Permanent: the same body makes the same record, so a 503 would have the sender retry for ever.
        metrics.publishLatency(source.name(), "too_large", System.nanoTime() - started);
        reject(req, source, Problem.of(413, "body_too_large", "Content Too Large", "the event made of this "
            + bodyBytes + "-byte body (" + record.value().length + " bytes of data: the body and what hookgate"
            + " reads from it) is larger than Kafka accepts in one record; send a smaller body"));
      } else {
        Throwable err = ar.cause();
        long elapsed = System.nanoTime() - started;
        boolean timedOut = err instanceof org.apache.kafka.common.errors.TimeoutException;
        metrics.kafkaError(err.getClass().getSimpleName());
        metrics.publishLatency(source.name(), timedOut ? "timeout" : "error", elapsed);
        warnPublishFailure(id, source.name(), err);
        // A TimeoutException at once is the producer's "no metadata" (send never waits): the broker is not
        // reachable, which is not the same as a write left unacknowledged for the whole publish timeout.
        boolean waited = elapsed >= config.publishTimeout().toNanos() / 2;
        unavailable(req, source, timedOut && waited
            ? "Kafka did not acknowledge the event within " + config.publishTimeout().toMillis() + "ms; retry later"
            : timedOut ? "Kafka is not reachable (the topic's partitions are unknown); retry later"
            : "the event could not be stored in Kafka; retry later");
      }
    });
  }

  /**
   * At most one line per {@link #FAILURE_LOG_INTERVAL_NANOS}, saying how many more failed meanwhile: while
   * Kafka is away every webhook fails alike, and a line for each was thousands of lines a minute (the
   * metrics count every one).
   */
  private void warnPublishFailure(String id, String source, Throwable err) {
    long now = System.nanoTime();
    if (failureLoggedAt != 0 && now - failureLoggedAt < FAILURE_LOG_INTERVAL_NANOS) {
      failuresNotLogged++;
      return;
    }
    LOG.warn("Kafka write failed for event {} from source {}: {}{}", id, source, err.toString(), failuresNotLogged == 0
        ? "" : " (" + failuresNotLogged + " more failed writes since the last such line)");
    failureLoggedAt = now;
    failuresNotLogged = 0;
  }

  /** The request's W3C trace context, checked; null when it has none or an invalid one. */
  private static TraceContext trace(HttpServerRequest req) {
    return TraceContext.fromHeaders(req.headers().getAll(TraceContext.TRACEPARENT),
        req.headers().getAll(TraceContext.TRACESTATE));
  }

  private static String article(String word) {
    return !word.isEmpty() && "aeiou".indexOf(Character.toLowerCase(word.charAt(0))) >= 0 ? "an" : "a";
  }

  /** Why the event's id, subject, project or type is not a CloudEvents String; null when they all are. */
  private static String badAttribute(String id, NormalizedEvent normalized) {
    String why = CloudEventStrings.invalid(id);
    if (why != null) {
      return "the event id (the webhook-id or X-GitHub-Delivery header, or the payload's delivery id) contains " + why;
    }
    if (normalized.subject() != null && (why = CloudEventStrings.invalid(normalized.subject())) != null) {
      return "the event subject (the item, task or issue id in the payload) contains " + why;
    }
    if (normalized.partitionKey() != null && (why = CloudEventStrings.invalid(normalized.partitionKey())) != null) {
      return "the project id in the payload contains " + why;
    }
    if ((why = CloudEventStrings.invalid(normalized.type())) != null) {
      return "the event type taken from the payload contains " + why;
    }
    String platformEvent = normalized.data().platformEventType();
    if (platformEvent != null && (why = CloudEventStrings.invalid(platformEvent)) != null) {
      return "the platform's event name in the payload (the platformevent extension) contains " + why;
    }
    return null;
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

  private void unauthorized(HttpServerRequest req, ConfiguredSource source, AuthOutcome outcome) {
    // One answer for every failure: the client must not learn which part of its credentials is wrong.
    metrics.reject(source.name(), outcome.reason());
    req.response().putHeader("WWW-Authenticate", "Webhook realm=\"" + source.name() + "\"");
    respond(req, source, 401, PROBLEM_JSON, problemJson(Problem.of(401, "unauthorized", "Unauthorized",
        "missing or invalid credentials for source '" + source.name() + "'"), req), null, null, outcome.reason());
  }

  private void unavailable(HttpServerRequest req, ConfiguredSource source, String detail) {
    req.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, config.retryAfter().toSeconds())));
    reject(req, source, Problem.of(503, "kafka_unavailable", "Service Unavailable", detail));
  }

  private Problem tooLarge(ConfiguredSource source) {
    return Problem.of(413, "body_too_large", "Content Too Large",
        "the body exceeds the limit of " + source.maxBodyBytes() + " bytes for source '" + source.name() + "'");
  }

  private void reject(HttpServerRequest req, ConfiguredSource source, Problem problem) {
    // An unknown source is counted as "-": a name chosen by the client must not become a label value.
    metrics.reject(source == null ? "-" : source.name(), problem.reason());
    respond(req, source, problem.status(), PROBLEM_JSON, problemJson(problem, req), null, null, problem.reason());
  }

  private String problemJson(Problem problem, HttpServerRequest req) {
    return problemJson(problem.withInstance(req.path()));
  }

  private String problemJson(Problem problem) {
    try {
      return mapper.writeValueAsString(problem);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private void respond(HttpServerRequest req, ConfiguredSource source, int status, String contentType, String body,
      String eventId, String type, String reason) {
    HttpServerResponse response = req.response();
    if (response.ended() || response.closed()) {
      return;
    }
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
    response.setStatusCode(status);
    if (status == 413) {
      response.setStatusMessage("Content Too Large"); // RFC 9110's name, as the problem's title; Netty has the old one
    }
    Future<Void> written = response.putHeader(HttpHeaders.CONTENT_TYPE, contentType).end(body);
    if (bodyPending) {
      written.onComplete(ar -> {
        if (!req.isEnded()) {
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
    }
    if (config.accessLog() && ACCESS.isInfoEnabled()) {
      String requestId = req.getHeader("X-Request-Id");
      var line = ACCESS.atInfo()
          .addKeyValue("requestId", requestId != null ? requestId : Long.toHexString(ThreadLocalRandom.current().nextLong()))
          .addKeyValue("source", sourceName)
          .addKeyValue("status", status);
      if (eventId != null) {
        line = line.addKeyValue("eventId", eventId).addKeyValue("eventType", type);
      }
      if (reason != null) {
        line = line.addKeyValue("reason", reason);
      }
      TraceContext trace = trace(req);
      if (trace != null) {
        line = line.addKeyValue("traceId", trace.traceId());
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
    if (contentType.equals("application/json")) {
      return true; // what nearly every sender sends, answered without splitting and lower-casing it
    }
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

  /** {@code s} as a JSON string literal, escaped by Jackson's encoder, as every other JSON hookgate writes. */
  private static String jsonString(String s) {
    return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + '"';
  }
}
