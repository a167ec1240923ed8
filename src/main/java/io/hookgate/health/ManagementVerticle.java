package io.hookgate.health;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hookgate.config.ManagementConfig;
import io.hookgate.http.Problem;
import io.hookgate.metrics.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management port: liveness, readiness, Prometheus metrics, and whatever read-only admin routes the
 * gateway adds. Kept off the ingress port so that it can be closed to the outside (NetworkPolicy).
 */
public final class ManagementVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ManagementVerticle.class);
  private final ManagementConfig config;
  private final KafkaReadiness readiness;
  private final GatewayMetrics metrics;
  private final ObjectMapper mapper;
  private final List<Consumer<Router>> adminRoutes;
  private final Map<String, Supplier<JsonNode>> details;
  private HttpServer server;

  public ManagementVerticle(ManagementConfig config, KafkaReadiness readiness, GatewayMetrics metrics,
      ObjectMapper mapper, List<Consumer<Router>> adminRoutes) {
    this(config, readiness, metrics, mapper, adminRoutes, Map.of());
  }

  /** @param details checks shown in {@code /health/ready} beside Kafka's, which do not change its status */
  public ManagementVerticle(ManagementConfig config, KafkaReadiness readiness, GatewayMetrics metrics,
      ObjectMapper mapper, List<Consumer<Router>> adminRoutes, Map<String, Supplier<JsonNode>> details) {
    this.config = config;
    this.readiness = readiness;
    this.metrics = metrics;
    this.mapper = mapper;
    this.adminRoutes = List.copyOf(adminRoutes);
    this.details = Map.copyOf(details);
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
    methodNotAllowed(router);
    // Errors are RFC 9457 problems of the same shape as the ingress's. No catch-all route: an unknown path
    // is vertx-web's 404, which comes here.
    router.errorHandler(404, ctx -> problem(ctx, mapper, Problem.of(404, "not_found", "Not Found",
        "no management endpoint at " + ctx.request().path())));
    router.errorHandler(500, ctx -> {
      if (ctx.response().ended()) {
        return;
      }
      LOG.error("Unexpected failure handling {} {}", ctx.request().method(), ctx.request().path(), ctx.failure());
      problem(ctx, mapper,
          Problem.of(500, "internal_error", "Internal Server Error", "the request could not be handled"));
    });
    server = vertx.createHttpServer();
    return server.requestHandler(router).listen(config.port(), config.host());
  }

  private void ready(RoutingContext ctx) {
    KafkaReadiness.Status s = readiness.status();
    ObjectNode kafka = mapper.createObjectNode()
        .put("status", s.ready() ? "UP" : "DOWN")
        .put("checkedAt", s.checkedAt().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString());
    if (s.reason() != null) {
      kafka.put("reason", s.reason());
    }
    ObjectNode body = mapper.createObjectNode().put("status", s.ready() ? "UP" : "DOWN");
    ObjectNode checks = body.putObject("checks");
    checks.set("kafka", kafka);
    details.forEach((name, detail) -> checks.set(name, detail.get()));
    json(ctx, s.ready() ? 200 : 503, body);
  }

  /**
   * A 405 for each path served, for the methods it does not serve, with {@code Allow} listing those it
   * does (RFC 9110 requires it). Added as routes after all the others, rather than left to vertx-web,
   * whose own 405 has no body, and whose 405 error handler is not told the allowed methods.
   */
  private void methodNotAllowed(Router router) {
    Map<String, Set<String>> allowed = new LinkedHashMap<>();
    Set<String> anyMethod = new HashSet<>();
    for (Route route : router.getRoutes()) {
      // A route of pathRegex(...) has no path; one with :params has both its path and a regex.
      if (route.getPath() == null) {
        continue;
      }
      String path = route.isExactPath() ? route.getPath() : route.getPath() + "*";
      if (route.methods() == null || route.methods().isEmpty()) {
        anyMethod.add(path);
      } else {
        route.methods().forEach(m -> allowed.computeIfAbsent(path, k -> new TreeSet<>()).add(m.name()));
      }
    }
    allowed.keySet().removeAll(anyMethod);
    allowed.forEach((path, methods) -> {
      String allow = String.join(", ", methods);
      router.route(path).handler(ctx -> {
        ctx.response().putHeader(HttpHeaders.ALLOW, allow);
        problem(ctx, mapper, Problem.of(405, "method_not_allowed", "Method Not Allowed",
            ctx.request().path() + " is served with " + allow + ", not " + ctx.request().method().name()));
      });
    });
  }

  /** Ends the request with {@code problem} as {@code application/problem+json}, its path as {@code instance}. */
  public static void problem(RoutingContext ctx, ObjectMapper mapper, Problem problem) {
    String body;
    try {
      body = mapper.writeValueAsString(problem.withInstance(ctx.request().path()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    ctx.response().setStatusCode(problem.status()).putHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json")
        .end(body);
  }

  private static void json(RoutingContext ctx, int status, ObjectNode body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toString());
  }

  public int actualPort() {
    return server.actualPort();
  }
}
