package io.hookgate.ingress;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.GatewayContext;
import io.hookgate.GatewayModule;
import io.hookgate.config.ConfigException;
import io.hookgate.config.HookgateConfig;
import io.hookgate.config.IngressConfig;
import io.hookgate.config.SourceConfig;
import io.hookgate.event.CloudEventFactory;
import io.hookgate.event.EventPublisher;
import io.hookgate.ingress.auth.AcceptedTokens;
import io.hookgate.ingress.auth.AnyOfAuthenticator;
import io.hookgate.ingress.auth.Authenticator;
import io.hookgate.ingress.auth.Authenticators;
import io.hookgate.ingress.auth.HeaderTokenAuthenticator;
import io.hookgate.ingress.source.SourceKind;
import io.hookgate.ingress.source.SourceKinds;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.Producer;

/**
 * The webhook ingress: the configured sources, and the verticles serving {@code POST /webhooks/{source}} on
 * {@code ingress.port}, {@code ingress.instances} of them (0: one per core) sharing the port.
 */
public final class IngressModule implements GatewayModule {
  private final GatewayContext ctx;
  private final Map<String, ConfiguredSource> sources;
  private final EventPublisher publisher;
  private final WebhookNormalizer normalizer;
  private final List<IngressVerticle> verticles = new CopyOnWriteArrayList<>();
  private final RecentRequests recent;

  private IngressModule(GatewayContext ctx, Map<String, ConfiguredSource> sources, ObjectMapper bodies,
      Producer<String, byte[]> producer) {
    this.ctx = ctx;
    this.sources = sources;
    this.publisher = new EventPublisher(producer);
    this.normalizer = new WebhookNormalizer(bodies, new CloudEventFactory(ctx.mapper(), ctx.clock()),
        ctx.config().kafka().topics().events().name(), ctx.clock());
    this.recent = new RecentRequests(ctx.config().sources(), ctx.config().ingress().recentRequests(), ctx.clock());
  }

  /**
   * Builds every configured source (its kind, authenticator with resolved secrets, body limit).
   *
   * @param producer where events are written; the caller owns it (readiness checks and metrics use it too)
   * @throws ConfigException at once when a source's configuration is wrong, before anything starts
   */
  public static IngressModule create(GatewayContext ctx, Producer<String, byte[]> producer) {
    return create(ctx, producer, Map.of());
  }

  /**
   * @param connectionTokens by source name, the secrets of its connections to its platform, accepted in the
   *     {@code Authorization} header beside what its {@code auth} accepts
   */
  public static IngressModule create(GatewayContext ctx, Producer<String, byte[]> producer,
      Map<String, AcceptedTokens> connectionTokens) {
    // Bodies are read with a nesting limit of their own, so that the events made of them stay readable.
    ObjectMapper bodies = WebhookNormalizer.bodyMapper(ctx.mapper());
    return new IngressModule(ctx, sources(ctx.config(), ctx.env(), bodies, connectionTokens), bodies, producer);
  }

  private static Map<String, ConfiguredSource> sources(HookgateConfig config, Map<String, String> env,
      ObjectMapper bodies, Map<String, AcceptedTokens> connectionTokens) {
    Map<String, ConfiguredSource> out = new TreeMap<>();
    // A source that pulls its events (kili-subscription) has no webhook route: /webhooks/<name> is a 404.
    config.sources().forEach((name, s) -> {
      if (SourceKinds.find(s.kind()).map(SourceKind::takesWebhooks).orElse(true)) {
        out.put(name, source(name, s, config.ingress(), env, bodies, connectionTokens.get(name)));
      }
    });
    return Map.copyOf(out);
  }

  private static ConfiguredSource source(String name, SourceConfig s, IngressConfig ingress, Map<String, String> env,
      ObjectMapper bodies, AcceptedTokens connections) {
    String key = "sources." + name;
    SourceKind kind = SourceKinds.find(s.kind()).orElseThrow(() -> new ConfigException("config key '" + key
        + ".kind': must be one of " + String.join(", ", SourceKinds.names()) + " (got '" + s.kind() + "')"));
    kind.validate(key, s);
    long limit = s.maxBodyBytes() != null ? s.maxBodyBytes() : ingress.maxBodyBytes();
    Authenticator auth = Authenticators.create(name, s.auth(), env);
    if (connections != null) {
      // Kili and Isahit Lab send the secret they were given as the Authorization header.
      auth = new AnyOfAuthenticator(List.of(auth, new HeaderTokenAuthenticator("Authorization", connections)));
    }
    return new ConfiguredSource(name, kind.name(), auth, kind.create(s, bodies), limit);
  }

  /** The verticles that serve the port: {@code ingress.instances} of them, or one per core. */
  @Override
  public Future<Void> start() {
    IngressConfig config = ctx.config().ingress();
    int instances = config.instances() > 0 ? config.instances()
        : Math.max(1, Runtime.getRuntime().availableProcessors());
    return ctx.vertx().deployVerticle(() -> {
      IngressVerticle v = new IngressVerticle(config, sources, normalizer, publisher, ctx.metrics(), ctx.mapper(),
          ctx.clock(), recent);
      verticles.add(v);
      return v;
    }, new DeploymentOptions().setInstances(instances)).mapEmpty();
  }

  /** Stops taking connections; the requests in flight get their Kafka acknowledgement and their answer. */
  public Future<Void> shutdown(Duration grace) {
    return Future.all(verticles.stream().map(v -> v.shutdown(grace)).toList()).mapEmpty();
  }

  /** The port webhooks are served on (the configured one, or the one chosen for port 0). */
  public int port() {
    return verticles.get(0).actualPort();
  }

  /** The last requests of each source, on this replica. */
  public RecentRequests recentRequests() {
    return recent;
  }

  /** The configured sources' names, sorted. */
  public Set<String> sourceNames() {
    return new TreeMap<>(sources).keySet();
  }
}
