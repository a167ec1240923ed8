package io.hookgate.health;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hookgate.config.ManagementConfig;
import io.hookgate.metrics.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Consumer;

/**
 * The management port: liveness, readiness, Prometheus metrics, and whatever read-only admin routes the
 * gateway adds. Kept off the ingress port so that it can be closed to the outside (NetworkPolicy).
 */
public final class ManagementVerticle extends VerticleBase {
  private final ManagementConfig config;
  private final KafkaReadiness readiness;
  private final GatewayMetrics metrics;
  private final ObjectMapper mapper;
  private final List<Consumer<Router>> adminRoutes;
  private HttpServer server;

  public ManagementVerticle(ManagementConfig config, KafkaReadiness readiness, GatewayMetrics metrics,
      ObjectMapper mapper, List<Consumer<Router>> adminRoutes) {
    this.config = config;
    this.readiness = readiness;
    this.metrics = metrics;
    this.mapper = mapper;
    this.adminRoutes = List.copyOf(adminRoutes);
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/health/live").handler(ctx -> json(ctx, 200, mapper.createObjectNode().put("status", "UP")));
    router.get("/health/ready").handler(this::ready);
    router.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        .end(metrics.scrape()));
    adminRoutes.forEach(r -> r.accept(router));
    router.route().last().handler(ctx -> {
      ObjectNode body = mapper.createObjectNode().put("type", "urn:hookgate:problem:not-found")
          .put("title", "Not Found").put("status", 404)
          .put("detail", "no management endpoint at " + ctx.request().path());
      ctx.response().setStatusCode(404).putHeader("Content-Type", "application/problem+json").end(body.toString());
    });
    server = vertx.createHttpServer();
    return server.requestHandler(router).listen(config.port(), config.host());
  }

  private void ready(RoutingContext ctx) {
    KafkaReadiness.Status s = readiness.status();
    ObjectNode kafka = mapper.createObjectNode()
        .put("status", s.ready() ? "UP" : "DOWN")
        .put("checkedAt", s.checkedAt().toString());
    if (s.reason() != null) {
      kafka.put("reason", s.reason());
    }
    ObjectNode body = mapper.createObjectNode().put("status", s.ready() ? "UP" : "DOWN");
    body.putObject("checks").set("kafka", kafka);
    json(ctx, s.ready() ? 200 : 503, body);
  }

  private static void json(RoutingContext ctx, int status, ObjectNode body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toString());
  }

  public int actualPort() {
    return server.actualPort();
  }
}
