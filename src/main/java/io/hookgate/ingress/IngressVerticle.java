package io.hookgate.ingress;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.config.IngressConfig;
import io.hookgate.event.EventPublisher;
import io.hookgate.http.Problem;
import io.hookgate.metrics.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook HTTP server, {@code POST /webhooks/{source}}: each request goes through the same steps, for
 * every platform. {@link RequestGate} (route and the checks that need no body) -> {@link BodyReader} (limit,
 * timeout) -> {@link WebhookNormalizer} (signature, JSON, the platform's fields, the event and its record) ->
 * {@link IngressPublisher} (Kafka; 202 only once it has acknowledged) -> {@link IngressResponder} (the answer,
 * metrics, access log). Any step may refuse with a {@link Refusal}, which the responder answers; nothing of a
 * refused request reaches Kafka.
 */
public final class IngressVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(IngressVerticle.class);

  private final IngressConfig config;
  private final Map<String, ConfiguredSource> sources;
  private final WebhookNormalizer normalizer;
  private final EventPublisher events;
  private final GatewayMetrics metrics;
  private final ObjectMapper mapper;
  private final Clock clock;
  private RequestGate gate;
  private BodyReader bodies;
  private IngressPublisher publisher;
  private IngressResponder responder;
  private HttpServer server;

  /** @param mapper writes the problems */
  public IngressVerticle(IngressConfig config, Map<String, ConfiguredSource> sources, WebhookNormalizer normalizer,
      EventPublisher events, GatewayMetrics metrics, ObjectMapper mapper, Clock clock) {
    this.config = config;
    this.sources = Map.copyOf(sources);
    this.normalizer = normalizer;
    this.events = events;
    this.metrics = metrics;
    this.mapper = mapper;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    gate = new RequestGate(sources, clock);
    bodies = new BodyReader(config.bodyReadTimeout(), System::nanoTime);
    publisher = new IngressPublisher(events, config, metrics, System::nanoTime);
    responder = new IngressResponder(vertx, config, metrics, mapper);
    vertx.setPeriodic(bodies.sweepInterval().toMillis(), id -> bodies.sweep());
    HttpServerOptions options = new HttpServerOptions()
        .setIdleTimeout((int) Math.max(1, config.idleTimeout().toSeconds()))
        .setTcpNoDelay(true);
    server = vertx.createHttpServer(options);
    return server.requestHandler(this::handle)
        .invalidRequestHandler(req -> responder.malformed(req, RequestGate.malformed(req.decoderResult().cause())))
        .listen(config.port(), config.host());
  }

  /** Stops taking connections and lets requests in flight get their Kafka acknowledgement and answer. */
  public Future<Void> shutdown(Duration grace) {
    return server == null ? Future.succeededFuture() : server.shutdown(grace);
  }

  public int actualPort() {
    return server.actualPort();
  }

  private void handle(HttpServerRequest req) {
    try {
      Admission admission = gate.admit(req.method(), req.path(), req.headers());
      if (admission instanceof Refusal refusal) {
        responder.refuse(req, refusal);
        return;
      }
      Admitted admitted = (Admitted) admission;
      if (admitted.expectsContinue()) {
        req.response().writeContinue();
      }
      bodies.read(req, admitted.source(), admitted.declaredLength()).onComplete(read -> {
        if (read.succeeded()) {
          accept(req, admitted.source(), read.result());
        } else if (read.cause() instanceof Refused refused) {
          responder.refuse(req, refused.refusal());
        }
        // Otherwise the connection failed while the body was read: there is no one left to answer.
      });
    } catch (RuntimeException e) {
      failed(req, e);
    }
  }

  private void accept(HttpServerRequest req, ConfiguredSource source, Buffer body) {
    try {
      Normalization normalization = normalizer.normalize(source, req.headers(), body);
      if (normalization instanceof Refusal refusal) {
        responder.refuse(req, refusal);
        return;
      }
      IngressEvent event = (IngressEvent) normalization;
      publisher.publish(context, event).onComplete(published -> {
        if (published.succeeded()) {
          responder.accepted(req, event);
        } else if (published.cause() instanceof Refused refused) {
          responder.refuse(req, refused.refusal());
        } else {
          failed(req, published.cause());
        }
      });
    } catch (RuntimeException e) {
      failed(req, e);
    }
  }

  private void failed(HttpServerRequest req, Throwable e) {
    LOG.error("Unexpected failure handling {}", req.path(), e);
    responder.refuse(req, Refusal.of(null, Problem.of(500, "internal_error", "Internal Server Error",
        "the request could not be handled")));
  }
}
