package io.hookgate.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.Hookgate;
import io.hookgate.config.ConfigLoader;
import io.hookgate.config.SecretBox;
import io.hookgate.config.TargetConfig;
import io.hookgate.subscriptions.Subscription;
import io.hookgate.subscriptions.SubscriptionFilter;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import io.hookgate.testing.RecordingHttpServer;
import io.hookgate.testing.RecordingHttpServer.Recorded;
import io.hookgate.testing.Replicas;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A recover job whose replica stops half-way is continued by the other replica from its last written progress:
 * every event of the range reaches the subscription, the job ends done with the exact count, and what is sent twice
 * is only what was written after that progress (at-least-once, same idempotency key).
 */
@ExtendWith(KafkaBrokerExtension.class)
class JobReplicasTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int EVENTS = 60;
  private static final int RATE = 15;

  private final List<Hookgate> gateways = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private final Map<String, String> env = Map.of("HOOKGATE_ENCRYPTION_KEY", SecretBox.newKey());
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final Map<Hookgate, Set<Integer>> owned = new ConcurrentHashMap<>();
  private RecordingHttpServer receiver;

  @AfterEach
  void stop() {
    gateways.forEach(Hookgate::close);
    if (receiver != null) {
      receiver.close();
    }
  }

  /** A replica of its own on the run's topics; the commands topic has one partition, so one replica owns jobs. */
  private Hookgate start(KafkaBroker broker) throws Exception {
    String yaml = Replicas.yaml(broker, run, 1, "  replayRate: " + RATE);
    Hookgate g = Hookgate.start(new ConfigLoader(env).loadYaml(yaml), env);
    owned.put(g, Set.of());
    g.subscriptions().onOwnership(p -> owned.put(g, p));
    gateways.add(g);
    return g;
  }

  private void post(Hookgate g, String task) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.ingressPort()
        + "/webhooks/isahit")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("""
            {"workflowId": "wf", "type": "annotation", "taskId": "%s", "batchId": "b1", "projectId": "p-jobs"}"""
            .formatted(task)))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(202);
  }

  private static String task(Recorded r) {
    try {
      return MAPPER.readTree(r.body()).path("data").path("original").path("taskId").asText();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aJobWhoseReplicaStopsIsFinishedByTheOtherFromItsWrittenProgress(KafkaBroker broker) throws Exception {
    receiver = RecordingHttpServer.start();
    Hookgate a = start(broker);
    Hookgate b = start(broker);
    await().atMost(Duration.ofSeconds(30)).until(() -> owned.values().stream().anyMatch(p -> !p.isEmpty()));
    Instant since = Instant.now();
    for (int i = 0; i < EVENTS; i++) {
      post(i % 2 == 0 ? a : b, "t-" + i);
    }
    Instant until = Instant.now().plusMillis(1);
    // created after the events, so only the job delivers them
    a.subscriptions().service().create(new Subscription("late", receiver.baseUrl() + "/late", null,
        new SubscriptionFilter(List.of("isahit"), List.of("p-jobs"), null, null, null), null, Map.of(), true,
        new Subscription.Settings(Duration.ofSeconds(5), 0, 4, TargetConfig.Retry.DEFAULT), null, null, null, null,
        0)).await(30, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(5)).until(() -> b.subscriptions().store().get("late").isPresent());

    Job job = b.jobs().service().recover("late", since, until, false).await(30, TimeUnit.SECONDS);
    Hookgate runner = owned.get(a).isEmpty() ? b : a;
    Hookgate other = runner == a ? b : a;
    // stop the runner once its progress says part of the range is sent, not all of it
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> other.jobs().service()
        .get(job.id()).map(j -> j.progress().sent() >= RATE).orElse(false));
    long sentAtStop = other.jobs().service().get(job.id()).orElseThrow().progress().sent();
    assertThat(sentAtStop).as("stopped half-way").isLessThan(EVENTS);
    runner.close();
    gateways.remove(runner);

    await().atMost(Duration.ofSeconds(90)).until(() -> other.jobs().service().get(job.id()).map(Job::finished)
        .orElse(false));
    Job done = other.jobs().service().get(job.id()).orElseThrow();
    assertThat(done.status()).isEqualTo(Job.DONE);
    assertThat(done.progress().sent()).as("counted once, whoever sent it").isEqualTo(EVENTS);
    await().atMost(Duration.ofSeconds(60)).until(() -> new TreeSet<>(receiver.requests("/late").stream()
        .map(JobReplicasTest::task).toList()).size() == EVENTS);
    List<Recorded> calls = receiver.requests("/late");
    Set<String> keys = new TreeSet<>(calls.stream().map(r -> r.header("Idempotency-Key")).toList());
    assertThat(keys).as("one idempotency key per event, resent or not").hasSize(EVENTS);
    assertThat(calls.size() - EVENTS).as("resent: only what was written after the last progress, about a second's")
        .isLessThanOrEqualTo(RATE * 3);
  }
}
