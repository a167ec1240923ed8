package io.hookgate.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hookgate.health.ManagementVerticle;
import io.hookgate.http.Problem;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The read-only delivery status API on the management port:
 * <ul>
 *   <li>{@code GET /api/v1/targets}: every configured target (settings, no secrets) with its status;</li>
 *   <li>{@code GET /api/v1/targets/{name}/status}: one target's log;</li>
 *   <li>{@code GET /api/v1/targets/{name}/subscriptions}: its logs per webhook subscription;</li>
 *   <li>{@code GET /api/v1/targets/{name}/subscriptions/{source}/{projectId}/status}: one of them
 *       ({@code -} for a missing project).</li>
 * </ul>
 * A target removed from the config still shows its log under its name.
 */
public final class DeliveryStatusApi implements Consumer<Router> {
  public static final String NO_PROJECT = "-";

  /** What the API knows about configured targets, besides their logs. */
  public interface TargetCatalog {
    List<String> names();

    /** The target's settings as they may be shown (no secrets), or empty if not configured. */
    Optional<ObjectNode> describe(String name);

    /** The live state of the target's breaker in this replica (closed, open, half-open), if it runs one. */
    Optional<String> breakerState(String name);
  }

  private final DeliveryStatusStore store;
  private final TargetCatalog catalog;
  private final ObjectMapper mapper;

  public DeliveryStatusApi(DeliveryStatusStore store, TargetCatalog catalog, ObjectMapper mapper) {
    this.store = store;
    this.catalog = catalog;
    this.mapper = mapper;
  }

  @Override
  public void accept(Router router) {
    router.get("/api/v1/targets").handler(this::list);
    router.get("/api/v1/targets/:name/status").handler(this::targetStatus);
    router.get("/api/v1/targets/:name/subscriptions").handler(this::subscriptions);
    router.get("/api/v1/targets/:name/subscriptions/:source/:projectId/status").handler(this::subscriptionStatus);
  }

  private void list(RoutingContext ctx) {
    TreeSet<String> names = new TreeSet<>(catalog.names());
    store.targets().forEach(s -> names.add(s.target()));
    ArrayNode out = mapper.createArrayNode();
    for (String name : names) {
      ObjectNode entry = mapper.createObjectNode().put("name", name);
      Optional<ObjectNode> settings = catalog.describe(name);
      entry.put("configured", settings.isPresent());
      settings.ifPresent(s -> entry.set("settings", s));
      entry.set("status", status(name));
      out.add(entry);
    }
    json(ctx, 200, mapper.createObjectNode().set("targets", out));
  }

  private void targetStatus(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    if (catalog.describe(name).isEmpty() && store.get(DeliveryStatusStore.key(name)).isEmpty()) {
      unknownTarget(ctx, name);
      return;
    }
    json(ctx, 200, status(name));
  }

  private void subscriptions(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    if (catalog.describe(name).isEmpty() && store.get(DeliveryStatusStore.key(name)).isEmpty()) {
      unknownTarget(ctx, name);
      return;
    }
    ArrayNode out = mapper.createArrayNode();
    store.subscriptions(name).forEach(s -> out.add(mapper.valueToTree(s)));
    json(ctx, 200, mapper.createObjectNode().put("target", name).set("subscriptions", out));
  }

  private void subscriptionStatus(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    String source = ctx.pathParam("source");
    String project = ctx.pathParam("projectId");
    String key = DeliveryStatusStore.key(name, source, NO_PROJECT.equals(project) ? null : project);
    Optional<DeliveryStatus> status = store.get(key);
    if (status.isEmpty()) {
      ManagementVerticle.problem(ctx, mapper, Problem.of(404, "unknown_subscription", "Unknown Subscription",
          "no delivery to target '" + name + "' for source '" + source + "' and project '" + project + "'"));
      return;
    }
    json(ctx, 200, mapper.valueToTree(status.get()));
  }

  /** The target's log, with the breaker's live state when this replica runs the target. */
  private ObjectNode status(String name) {
    DeliveryStatus s = store.get(DeliveryStatusStore.key(name)).orElse(DeliveryStatus.empty(name, null, null));
    ObjectNode node = mapper.valueToTree(s);
    catalog.breakerState(name).ifPresent(state -> node.put("breaker", state));
    return node;
  }

  private void unknownTarget(RoutingContext ctx, String name) {
    ManagementVerticle.problem(ctx, mapper, Problem.of(404, "unknown_target", "Unknown Target",
        "no target named '" + name + "'"));
  }

  private void json(RoutingContext ctx, int status, JsonNode body) {
    try {
      ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
          .end(mapper.writeValueAsString(body));
    } catch (Exception e) {
      ctx.fail(e);
    }
  }
}
