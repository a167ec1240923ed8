package io.hookgate.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.hookgate.GatewayContext;
import io.hookgate.GatewayModule;
import io.hookgate.actions.SsrfGuard;
import io.hookgate.config.ConfigException;
import io.hookgate.connections.ConnectionsModule;
import io.hookgate.ingress.RecentRequests;
import io.hookgate.jobs.JobsModule;
import io.hookgate.pull.PullModule;
import io.hookgate.rules.FilterExpressions;
import io.hookgate.subscriptions.SubscriptionDeliveries;
import io.hookgate.subscriptions.SubscriptionsModule;
import io.hookgate.tail.RecentEvents;
import io.hookgate.tail.TailHub;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The management API under {@code /api/v1} on the management port: outbound webhook subscriptions, the live
 * tail of events and the rule dry-run, as its OpenAPI document ({@code openapi/hookgate-api.yaml}) describes them.
 * Its routes are ready once {@link #load} completes, before the management port listens; nothing of it runs
 * besides them, but for the live tail's reader while streams are open.
 */
public final class AdminModule implements GatewayModule {
  private final ApiRouter router;
  private final TailHub tail;

  private AdminModule(ApiRouter router, TailHub tail) {
    this.router = router;
    this.tail = tail;
  }

  /**
   * Reads the OpenAPI document and makes the API's router; fails on a configuration error
   * ({@code subscriptions.allowedHosts}) or a document that is not valid OpenAPI 3.1.
   *
   * @param deliveries what the delivery side knows of subscriptions; null until it runs (the API then leaves
   *     out lastCall, lastError, counts and breaker, and answers 503 to test, attempts and resend)
   * @param recentRequests the ingress's last requests per source, on this replica
   * @param pull the kili-subscription sources, for their pull's state, pause and resume
   * @param connections hookgate's registrations on the platforms of kili and isahit sources
   */
  public static Future<AdminModule> load(GatewayContext context, SubscriptionsModule subscriptions,
      SubscriptionDeliveries deliveries, JobsModule jobs, RecentRequests recentRequests, PullModule pull,
      ConnectionsModule connections) {
    SsrfGuard.Allowance allowance;
    try {
      allowance = new SsrfGuard.Allowance(false, context.config().subscriptions().allowedHosts());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new ConfigException("config key 'subscriptions.allowedHosts': " + e.getMessage()));
    }
    ApiTokens tokens = ApiTokens.resolve(context.config().api(), context.env());
    ObjectMapper mapper = JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .build();
    SubscriptionView view = new SubscriptionView(mapper, deliveries, subscriptions.retention(), context.clock());
    FilterExpressions expressions = new FilterExpressions();
    SubscriptionRequests requests = new SubscriptionRequests(context.vertx(), expressions,
        new SsrfGuard(context.vertx()), allowance);
    TailHub tail = TailHub.of(context);
    Map<String, ApiOperation> operations = new HashMap<>();
    operations.putAll(new SubscriptionsApi(subscriptions, requests, view, mapper, context.clock()).operations());
    operations.putAll(new DeliveriesApi(subscriptions.store(), deliveries, mapper).operations());
    operations.putAll(new JobsApi(jobs.service(), jobs.deadLetters(), subscriptions.store(), mapper).operations());
    operations.putAll(new EventsStreamApi(context.vertx(), expressions, tail).operations());
    operations.put("whoami", r -> Future.succeededFuture(Answer.json(200, mapper.createObjectNode()
        .put("role", r.role().name()))));
    operations.putAll(new SourcesApi(context.config().sources(), recentRequests, replicaName(context.env()), mapper)
        .operations());
    operations.putAll(new SourcePullApi(pull, mapper).operations());
    operations.putAll(new ConnectionsApi(connections.service(), connections.store(), mapper, context.clock())
        .operations());
    operations.putAll(new RulesTestApi(context.vertx(), expressions, RecentEvents.of(context), mapper).operations());
    return ApiDocument.load(context.vertx())
        .map(document -> new AdminModule(new ApiRouter(context.vertx(), document, tokens, mapper, operations), tail));
  }

  /** The host name, which is the pod's name in Kubernetes, so that answers kept per replica say whose they are. */
  private static String replicaName(Map<String, String> env) {
    String host = env.get("HOSTNAME");
    if (host != null && !host.isBlank()) {
      return host;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }

  @Override
  public Future<Void> start() {
    return Future.succeededFuture();
  }

  @Override
  public List<Consumer<Router>> managementRoutes() {
    return List.of(router::mount);
  }

  /** The live tail's readers stop (its streams closed with the management port). */
  @Override
  public void close() {
    tail.close();
  }
}
