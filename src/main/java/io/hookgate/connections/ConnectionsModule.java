package io.hookgate.connections;

import io.hookgate.GatewayContext;
import io.hookgate.GatewayModule;
import io.hookgate.config.ConnectConfig;
import io.hookgate.config.Secret;
import io.hookgate.config.SecretBox;
import io.hookgate.config.SecretRef;
import io.hookgate.config.SourceConfig;
import io.hookgate.config.TopicSpec;
import io.hookgate.event.EventPublisher;
import io.hookgate.ingress.auth.AcceptedTokens;
import io.hookgate.kafka.ConsumerSettings;
import io.hookgate.kafka.ConsumerVerticle;
import io.hookgate.kafka.ModuleProducer;
import io.vertx.core.Future;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * hookgate registered on the platforms of its {@code kili} and {@code isahit} sources that have a {@code connect}
 * block: the compacted connections topic every replica reads in full and follows ({@link ConnectionStore}), whose
 * secrets the ingress accepts beside each source's {@code auth}; the {@link ConnectionService} the API asks; and
 * the recheck that sets Isahit Lab's webhook again on a schedule, for the batches created since.
 */
public final class ConnectionsModule implements GatewayModule {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionsModule.class);

  private final GatewayContext context;
  private final String topic;
  private final ModuleProducer producer;
  private final ConnectionStore store;
  private final ConnectionService service;
  private final Map<String, SourcePlatform> sources;

  private ConnectionsModule(GatewayContext context, String topic, ModuleProducer producer,
      ConnectionStore store, ConnectionService service, Map<String, SourcePlatform> sources) {
    this.context = context;
    this.topic = topic;
    this.producer = producer;
    this.store = store;
    this.service = service;
    this.sources = sources;
  }

  /** @param box null when no encryption key is set: connections can then not be made */
  public static ConnectionsModule create(GatewayContext ctx, SecretBox box) {
    String topic = TopicSpec.requiredName(ctx.config().kafka().topics().connections(), "connections");
    ConnectionCodec codec = new ConnectionCodec(box);
    ConnectionStore store = new ConnectionStore(codec);
    Map<String, SourcePlatform> sources = new TreeMap<>();
    WebClient http = null;
    for (Map.Entry<String, SourceConfig> e : ctx.config().sources().entrySet()) {
      ConnectConfig connect = e.getValue().connect();
      if (connect == null) {
        continue;
      }
      if (http == null) {
        http = WebClient.create(ctx.vertx());
      }
      sources.put(e.getKey(), platform(ctx, http, e.getKey(), e.getValue().kind(), connect));
    }
    ModuleProducer producer = new ModuleProducer("the connections producer",
        ctx.kafka().eventLoopProducer("hookgate-connections", Duration.ofSeconds(10)));
    String publicUrl = ctx.config().ingress().publicUrl();
    publicUrl = publicUrl == null || publicUrl.isBlank() ? null : publicUrl.replaceAll("/+$", "");
    ConnectionService service = new ConnectionService(ctx.vertx(), store, codec,
        new EventPublisher(producer.producer()), topic,
        sources, publicUrl, ctx.clock());
    return new ConnectionsModule(ctx, topic, producer, store, service, Map.copyOf(sources));
  }

  private static SourcePlatform platform(GatewayContext ctx, WebClient http, String name, String kind,
      ConnectConfig connect) {
    String key = "sources." + name + ".connect";
    String endpoint = connect.endpointFor(kind);
    if (kind.equals("kili")) {
      Optional<Secret> apiKey = connect.apiKey().resolve(ctx.env());
      return apiKey.isEmpty() ? unavailable(name, kind, connect, key + ".apiKey", connect.apiKey())
          : new SourcePlatform(name, kind, connect, new KiliConnector(http, endpoint,
              KiliConnector.KEY_PREFIX + apiKey.get().reveal(), name, connect.requestTimeout(), ctx.mapper()), null);
    }
    Optional<Secret> accessId = connect.accessId().resolve(ctx.env());
    Optional<Secret> secretKey = connect.secretKey().resolve(ctx.env());
    if (accessId.isEmpty()) {
      return unavailable(name, kind, connect, key + ".accessId", connect.accessId());
    }
    if (secretKey.isEmpty()) {
      return unavailable(name, kind, connect, key + ".secretKey", connect.secretKey());
    }
    return new SourcePlatform(name, kind, connect, new IsahitConnector(http, endpoint, accessId.get(),
        secretKey.get(), connect.requestTimeout(), ctx.mapper(), ctx.clock()), null);
  }

  private static SourcePlatform unavailable(String name, String kind, ConnectConfig connect, String key,
      SecretRef ref) {
    String why = key + " (" + ref + ") is not set: the platform cannot be called";
    LOG.warn("Source '{}': {}", name, why);
    return new SourcePlatform(name, kind, connect, null, why);
  }

  /** By source name, the secrets its connections accept, for the ingress. */
  public Map<String, AcceptedTokens> tokens() {
    Map<String, AcceptedTokens> out = new TreeMap<>();
    sources.keySet().forEach(name -> out.put(name, store.tokens(name)));
    return out;
  }

  public ConnectionStore store() {
    return store;
  }

  public ConnectionService service() {
    return service;
  }

  /** Reads the connections topic to its end, then follows it; then rechecks on a schedule where a platform needs it. */
  @Override
  public Future<Void> start() {
    ConsumerVerticle follower = new ConsumerVerticle(ConsumerSettings.wholeTopic("hookgate-connections-reader",
        context.kafka().topicReader("hookgate-connections-reader"), topic, ConsumerSettings.StartAt.beginning()),
        store, null, null);
    // The producer never waits for metadata (max.block.ms=0): it learns the topic's before the first write.
    return producer.start(context.vertx(), context.metrics().registry(), List.of(topic))
        .compose(v -> follower.deployAndCatchUp(context.vertx()))
        .onSuccess(v -> {
          LOG.info("Connections: {} read from {}", store.size(), topic);
          startRechecks();
        });
  }

  /**
   * Every replica looks for due connections at a quarter of the shortest interval (1s to 1min); a connection
   * checked by another replica meanwhile is not due (its lastCheck is in the topic), so checks are rarely doubled.
   */
  private void startRechecks() {
    Optional<Duration> shortest = sources.values().stream()
        .filter(s -> s.platform() != null && s.platform().rechecks())
        .map(s -> s.config().recheckEvery()).min(Duration::compareTo);
    if (shortest.isEmpty()) {
      return;
    }
    long tick = Math.max(1000, Math.min(60_000, shortest.get().toMillis() / 4));
    context.vertx().setPeriodic(tick, t -> store.all().forEach(c -> service.recheckIfDue(c)
        .onFailure(e -> LOG.debug("Connection {}: recheck failed: {}", c.key(), e.getMessage()))));
  }

  @Override
  public void close() {
    producer.close();
  }
}
