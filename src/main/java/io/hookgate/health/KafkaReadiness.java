package io.hookgate.health;

import io.hookgate.config.TopicSpec;
import io.hookgate.kafka.TopicProvisioner;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether hookgate can accept webhooks: the cluster answers, the topics exist, and the producer has their
 * metadata (its {@code send()} never waits for metadata, so it must be there before traffic). Checked
 * periodically on a worker thread; the periodic {@code partitionsFor} also keeps the producer's metadata
 * for the topics from expiring while traffic is idle.
 */
public final class KafkaReadiness {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaReadiness.class);

  /** The last verdict; {@code reason} says what is wrong when not ready. */
  public record Status(boolean ready, String reason, Instant checkedAt) {
  }

  private final Admin admin;
  private final Producer<?, ?> producer;
  private final List<TopicSpec> topics;
  private final boolean createTopics;
  private final int singleNodeReplication;
  private final String bootstrapServers;
  private final Clock clock;
  private final List<Consumer<Status>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile Status status;
  private volatile boolean topicsEnsured;
  private volatile boolean shuttingDown;
  private volatile boolean listening;
  private volatile Status kafkaVerdict;
  private volatile long timerId = -1;
  private volatile boolean stopped;
  private final Map<String, Future<?>> gates = new ConcurrentHashMap<>();

  public KafkaReadiness(Admin admin, Producer<?, ?> producer, List<TopicSpec> topics, boolean createTopics,
      int singleNodeReplication, String bootstrapServers, Clock clock) {
    this.admin = admin;
    this.producer = producer;
    this.topics = List.copyOf(topics);
    this.createTopics = createTopics;
    this.singleNodeReplication = singleNodeReplication;
    this.bootstrapServers = bootstrapServers;
    this.clock = clock;
    this.status = new Status(false, "starting", clock.instant());
  }

  public Status status() {
    return status;
  }

  public void onChange(Consumer<Status> listener) {
    listeners.add(listener);
  }

  /**
   * Runs one check now, then the next one {@code interval} after each check ends (half of it while not
   * ready, to notice a recovery sooner). Checks never overlap: a check against an unreachable cluster takes
   * seconds, and a fixed-rate timer would pile them up behind each other.
   */
  public Future<Status> start(Vertx vertx, Duration interval) {
    Future<Status> first = vertx.executeBlocking(() -> check(Duration.ofSeconds(10)), false);
    first.onComplete(ar -> scheduleNext(vertx, interval));
    return first;
  }

  private void scheduleNext(Vertx vertx, Duration interval) {
    if (stopped) {
      return;
    }
    long delay = status.ready() ? interval.toMillis() : Math.max(100, interval.toMillis() / 2);
    timerId = vertx.setTimer(delay, id -> vertx.executeBlocking(() -> check(Duration.ZERO), false)
        .onComplete(ar -> scheduleNext(vertx, interval)));
  }

  public void stop(Vertx vertx) {
    stopped = true;
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
  }

  /**
   * The webhook listener is open. Until then hookgate is not ready whatever Kafka says: at start-up the
   * management port (and so the probe) opens first, and the listener only after the actions have started,
   * which takes seconds; a pod reported ready meanwhile would be sent webhooks on a port that refuses them.
   */
  public synchronized void markListening() {
    listening = true;
    Status verdict = kafkaVerdict;
    if (!shuttingDown && verdict != null) {
      update(gated(verdict));
    }
  }

  /**
   * Not ready until {@code gate} completes, saying {@code what} it waits for: state a replica must have read
   * before it serves (the subscriptions, which every replica reads in full at start).
   */
  public synchronized void waitFor(String what, Future<?> gate) {
    if (gate.isComplete()) {
      return;
    }
    gates.put(what, gate);
    gate.onComplete(ar -> {
      synchronized (this) {
        gates.remove(what);
        Status verdict = kafkaVerdict;
        if (!shuttingDown && listening && verdict != null) {
          update(gated(verdict));
        }
      }
    });
  }

  /** Kafka's verdict, unless a gate is still closed. */
  private Status gated(Status verdict) {
    if (!verdict.ready() || gates.isEmpty()) {
      return verdict;
    }
    return new Status(false, "starting: " + String.join(", ", gates.keySet()), verdict.checkedAt());
  }

  /** Turns readiness false for good: the first step of a graceful shutdown. */
  public void markShuttingDown() {
    shuttingDown = true;
    update(new Status(false, "shutting down", clock.instant()));
  }

  /**
   * Blocking check. Returns Kafka's verdict, which {@link #status()} reports once the listener is open.
   *
   * @param warmUp how long to keep asking for topic metadata before giving up (start-up only)
   */
  Status check(Duration warmUp) {
    if (shuttingDown) {
      return status;
    }
    Status next;
    try {
      admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000)).nodes().get(3, TimeUnit.SECONDS);
      if (createTopics && !topicsEnsured) {
        new TopicProvisioner(admin).ensure(topics, singleNodeReplication);
        topicsEnsured = true;
      }
      String missing = awaitMetadata(warmUp);
      next = missing == null
          ? new Status(true, null, clock.instant())
          : new Status(false, "no metadata yet for topic " + missing + " (does it exist?)", clock.instant());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      next = new Status(false, "interrupted", clock.instant());
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      next = new Status(false, "Kafka not reachable at " + bootstrapServers + ": "
          + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : " " + cause.getMessage()),
          clock.instant());
    }
    synchronized (this) {
      kafkaVerdict = next;
      if (!shuttingDown) {
        update(listening || !next.ready() ? gated(next)
            : new Status(false, "starting: the webhook listener is not open yet", next.checkedAt()));
      }
    }
    return next;
  }

  private String awaitMetadata(Duration warmUp) throws InterruptedException {
    long deadline = System.nanoTime() + warmUp.toNanos();
    while (true) {
      String missing = null;
      // Every topic on every round, not up to the first missing one: each call asks the producer for that
      // topic's metadata, and asking one topic per check made readiness lag a check per topic.
      for (TopicSpec t : topics) {
        try {
          // Non-blocking (max.block.ms=0): throws until the producer has the metadata, and asks for it.
          producer.partitionsFor(t.name());
        } catch (RuntimeException e) {
          missing = missing == null ? t.name() : missing;
        }
      }
      if (missing == null || System.nanoTime() > deadline) {
        return missing;
      }
      Thread.sleep(50);
    }
  }

  private void update(Status next) {
    Status previous = status;
    status = next;
    if (previous.ready() != next.ready()) {
      if (next.ready()) {
        LOG.info("Ready: Kafka at {} is reachable and the topics are known", bootstrapServers);
      } else {
        if (shuttingDown) {
          LOG.info("Not ready: {}", next.reason());
        } else {
          LOG.warn("Not ready: {}", next.reason());
        }
      }
      listeners.forEach(l -> l.accept(next));
    }
  }
}
