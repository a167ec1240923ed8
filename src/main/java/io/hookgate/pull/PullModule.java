package io.hookgate.pull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hookgate.GatewayContext;
import io.hookgate.GatewayModule;
import io.hookgate.config.ConfigException;
import io.hookgate.config.KiliPullConfig;
import io.hookgate.config.Secret;
import io.hookgate.config.SourceConfig;
import io.hookgate.config.TopicSpec;
import io.hookgate.event.CloudEventFactory;
import io.hookgate.event.EventPublisher;
import io.hookgate.ingress.WebhookNormalizer;
import io.hookgate.ingress.source.KiliSubscriptionKind;
import io.hookgate.ingress.source.WebhookSource;
import io.hookgate.kafka.ConsumerSettings;
import io.hookgate.kafka.ConsumerVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code kili-subscription} sources: Kili's events without a public URL. Each source's projects are pulled on
 * one verticle (see {@link ProjectPull}) once the positions are read from {@code kafka.topics.pullPositions};
 * events go through the ingress's producer, with its durability ({@code acks=all}, idempotent).
 *
 * <p>However many replicas run, one holds each source's subscriptions at a time ({@link PullOwners}, a consumer
 * group on the positions topic); the others wait on standby and take over when it stops.
 */
public final class PullModule implements GatewayModule {
  private static final Logger LOG = LoggerFactory.getLogger(PullModule.class);
  private static final Duration POSITIONS_RETRY = Duration.ofSeconds(5);

  private final GatewayContext ctx;
  private final Map<String, PullSource> sources;
  private final PullPositions positions;
  private volatile boolean closed;

  private PullModule(GatewayContext ctx, Map<String, PullSource> sources, PullPositions positions) {
    this.ctx = ctx;
    this.sources = sources;
    this.positions = positions;
  }

  /**
   * Builds the pull of every {@code kili-subscription} source, its API key resolved.
   *
   * @param producer the ingress's producer, which the caller owns
   * @throws ConfigException when a source's API key is not set
   */
  public static PullModule create(GatewayContext ctx, Producer<String, byte[]> producer) {
    EventPublisher publisher = new EventPublisher(producer);
    var topics = ctx.config().kafka().topics();
    PullPositions positions = new PullPositions(TopicSpec.requiredName(topics.pullPositions(), "pullPositions"),
        ctx.kafka(), publisher, ctx.mapper());
    ObjectMapper bodies = WebhookNormalizer.bodyMapper(ctx.mapper());
    CloudEventFactory cloudEvents = new CloudEventFactory(ctx.mapper(), ctx.clock());
    Map<String, PullSource> sources = new TreeMap<>();
    WebSocketClient webSockets = null;
    WebClient http = null;
    for (Map.Entry<String, SourceConfig> e : ctx.config().sources().entrySet()) {
      SourceConfig s = e.getValue();
      if (!KiliSubscriptionKind.NAME.equals(s.kind())) {
        continue;
      }
      if (webSockets == null) {
        webSockets = ctx.vertx().createWebSocketClient(new WebSocketClientOptions());
        http = WebClient.create(ctx.vertx());
      }
      String name = e.getKey();
      KiliPullConfig pull = s.pull();
      Secret key = pull.apiKey().resolve(ctx.env()).orElseThrow(() -> new ConfigException("config key 'sources."
          + name + ".pull.apiKey': " + pull.apiKey() + " is not set; the Kili API key is required"));
      String authorization = "X-API-Key: " + key.reveal();
      WebhookSource kili = KiliSubscriptionKind.KIND.create(s, bodies);
      LabelsQuery query = new LabelsQuery(http, LabelsQuery.httpUrl(pull.endpoint()), authorization, pull.pageSize(),
          pull.requestTimeout(), ctx.mapper());
      Backoff backoff = new Backoff(pull.initialBackoff(), pull.maxBackoff(), ThreadLocalRandom.current()::nextDouble);
      List<ProjectPull> pulls = new ArrayList<>();
      for (String project : pull.projects()) {
        ProjectPull[] self = new ProjectPull[1];
        PullMetrics metrics = new PullMetrics(ctx.metrics().registry(), name, project, () -> self[0].status());
        LabelRecords records = new LabelRecords(name, project, kili, cloudEvents, ctx.mapper(),
            topics.events().name());
        self[0] = new ProjectPull(new ProjectPull.Parts(name, project, pull, authorization, ctx.vertx(), webSockets,
            query, records, publisher, topics.events().name(), positions, metrics, ctx.mapper(), ctx.clock(),
            backoff), key.reveal());
        pulls.add(self[0]);
      }
      sources.put(name, new PullSource(name, pulls, positions));
    }
    return new PullModule(ctx, Map.copyOf(sources), positions);
  }

  /** Reads the positions (retrying while Kafka is away), then starts each source's pulls. */
  @Override
  public Future<Void> start() {
    if (sources.isEmpty()) {
      return Future.succeededFuture();
    }
    return readPositions().compose(stored -> {
      List<Future<?>> deployed = new ArrayList<>();
      for (PullSource s : sources.values()) {
        PullVerticle v = new PullVerticle(s);
        s.running(v, stored.paused().getOrDefault(s.name(), false));
        deployed.add(ctx.vertx().deployVerticle(v));
      }
      return Future.all(deployed);
    }).compose(v -> {
      // The sources this replica holds start once the group assigns it their partitions.
      String group = positions.topic() + ".owners";
      ConsumerSettings owners = ConsumerSettings.group("hookgate-pull-owners",
          ctx.kafka().groupConsumer("hookgate-pull-owners", group, 100, "latest"), positions.topic())
          .withDrain(Duration.ZERO, Duration.ZERO);
      return ctx.vertx().deployVerticle(new ConsumerVerticle(owners, new PullOwners(ctx.vertx(), positions,
          sources.values()), null, null));
    }).onSuccess(id -> LOG.info("Kili pull ready for sources {}; held by the replica the group {}.owners gives "
        + "them to", sources.keySet(), positions.topic())).mapEmpty();
  }

  private Future<PullPositions.Stored> readPositions() {
    Promise<PullPositions.Stored> done = Promise.promise();
    attemptRead(done);
    return done.future();
  }

  private void attemptRead(Promise<PullPositions.Stored> done) {
    ctx.vertx().executeBlocking(() -> positions.readAll(Duration.ofSeconds(10)), false).onComplete(ar -> {
      if (ar.succeeded()) {
        done.complete(ar.result());
      } else if (closed) {
        done.fail(ar.cause());
      } else {
        LOG.warn("Kili pull: cannot read the positions yet ({}); retrying in {}s", ar.cause().toString(),
            POSITIONS_RETRY.toSeconds());
        ctx.vertx().setTimer(POSITIONS_RETRY.toMillis(), t -> attemptRead(done));
      }
    });
  }

  /** The source named so, if it is a {@code kili-subscription} source. */
  public Optional<PullSource> source(String name) {
    return Optional.ofNullable(sources.get(name));
  }

  /**
   * The pull's part of {@code /health/ready}: each source's projects. Kili being unreachable or refusing the key
   * does not make the gateway unready (webhooks and everything else still work); {@code status} says
   * {@code DEGRADED} then.
   */
  @Override
  public Map<String, Supplier<JsonNode>> readinessDetails() {
    return sources.isEmpty() ? Map.of() : Map.of("kiliPull", this::health);
  }

  private JsonNode health() {
    ObjectNode out = ctx.mapper().createObjectNode();
    ObjectNode bySource = ctx.mapper().createObjectNode();
    boolean allUp = true;
    for (PullSource s : sources.values()) {
      ObjectNode one = bySource.putObject(s.name()).put("paused", s.paused());
      one.set("projects", ctx.mapper().valueToTree(s.projects()));
      one.put("held", s.held());
      allUp &= s.paused() || s.projects().stream().allMatch(ProjectStatus::fine);
    }
    out.put("status", allUp ? "UP" : "DEGRADED");
    out.put("affectsReadiness", false);
    out.set("sources", bySource);
    return out;
  }

  @Override
  public void close() {
    closed = true;
  }
}
