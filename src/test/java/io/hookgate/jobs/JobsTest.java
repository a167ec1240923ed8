package io.hookgate.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.config.SecretBox;
import io.hookgate.config.TargetConfig;
import io.hookgate.subscriptions.Subscription;
import io.hookgate.subscriptions.SubscriptionFilter;
import io.hookgate.subscriptions.SubscriptionService;
import io.hookgate.testing.GatewayHarness;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import io.hookgate.testing.RecordingHttpServer;
import io.hookgate.testing.RecordingHttpServer.Recorded;
import io.hookgate.testing.RecordingHttpServer.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Replays against a real broker and local receivers: a subscription created later recovers the events of a time
 * range, exactly those, in order, once, with their ids, as its dry run counted; dead letters are listed and
 * redriven once more, and the list says by which job.
 */
@ExtendWith(KafkaBrokerExtension.class)
class JobsTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static RecordingHttpServer receiver;
  private static GatewayHarness gateway;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start(KafkaBroker broker) throws Exception {
    receiver = RecordingHttpServer.start();
    gateway = GatewayHarness.start(broker, """
        sources:
          isahit: { kind: isahit, auth: { type: none } }
        subscriptions:
          allowedHosts: [ 127.0.0.1 ]
        encryption:
          keys: [ env:HOOKGATE_ENCRYPTION_KEY ]
        """, Map.of("HOOKGATE_ENCRYPTION_KEY", SecretBox.newKey()));
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  private static SubscriptionService subscriptions() {
    return gateway.gateway().subscriptions().service();
  }

  private static JobService jobs() {
    return gateway.gateway().jobs().service();
  }

  private String post(String project, String task) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(gateway.webhookUrl("isahit")))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("""
            {"workflowId": "wf", "type": "annotation", "taskId": "%s", "batchId": "b1", "projectId": "%s"}"""
            .formatted(task, project)))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(202);
    return MAPPER.readTree(r.body()).path("id").asText();
  }

  private static String task(Recorded r) {
    try {
      return MAPPER.readTree(r.body()).path("data").path("original").path("taskId").asText();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Waits until the clock has moved past {@code t} by a few milliseconds, so that record timestamps differ. */
  private static Instant after(Instant t) {
    await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(5))
        .until(() -> Instant.now().isAfter(t.plusMillis(20)));
    return Instant.now();
  }

  @Test
  void aSubscriptionCreatedLaterRecoversExactlyTheEventsOfATimeRangeInOrderOnce() throws Exception {
    post("proj-r", "before");
    Instant since = after(Instant.now());
    List<String> inRange = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      inRange.add("in-" + i);
      post("proj-r", "in-" + i);
      post("proj-other", "other-" + i);
    }
    Instant until = after(Instant.now());
    post("proj-r", "after");

    subscriptions().create(new Subscription("late", receiver.baseUrl() + "/late", null, new SubscriptionFilter(
        List.of("isahit"), List.of("proj-r"), null, null, null), null, Map.of(), true,
        new Subscription.Settings(
            Duration.ofSeconds(5), 0, 1, TargetConfig.Retry.DEFAULT),
        null, null, null, null, 0))
        .await(30, TimeUnit.SECONDS);
    Job.Spec spec = new Job.Spec("recover", "late", null, since, until, false, null);
    JobService.DryRun dry = jobs().dryRun(spec).await(60, TimeUnit.SECONDS);
    assertThat(dry.count()).isEqualTo(8);
    assertThat(receiver.requests("/late")).as("a dry run sends nothing").isEmpty();

    Job job = jobs().recover("late", since, until, false).await(30, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(60)).until(() -> jobs().get(job.id()).map(Job::finished).orElse(false));
    Job done = jobs().get(job.id()).orElseThrow();
    assertThat(done.status()).isEqualTo(Job.DONE);
    assertThat(done.progress().sent()).isEqualTo(dry.count());
    List<Recorded> calls = receiver.await("/late", 8, Duration.ofSeconds(30));
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> receiver.requests("/late")
        .size() == 8);
    assertThat(calls).extracting(JobsTest::task).containsExactlyElementsOf(inRange);
    assertThat(new HashSet<>(calls.stream().map(r -> r.header("Idempotency-Key")).toList())).hasSize(8);
  }

  @Test
  void deadLettersAreListedAndRedrivenOnceMoreAndTheListSaysByWhom() throws Exception {
    AtomicBoolean healthy = new AtomicBoolean(false);
    receiver.respond("/flaky", r -> healthy.get() ? Reply.of(200, "ok") : Reply.of(500, "down"));
    subscriptions().create(new Subscription("flaky", receiver.baseUrl() + "/flaky", null, new SubscriptionFilter(
        List.of("isahit"), List.of("proj-d"), null, null, null), null, Map.of(), true,
        new Subscription.Settings(
            Duration.ofSeconds(5), 0, 1, new TargetConfig.Retry(1, null, null, null, null)),
        null, null, null, null, 0))
        .await(30, TimeUnit.SECONDS);
    Instant since = Instant.now();
    String first = post("proj-d", "d1");
    post("proj-d", "d2");
    DeadLetterList list = gateway.gateway().jobs().deadLetters();
    await().atMost(Duration.ofSeconds(30)).until(() -> list.list("subscriptions/flaky", since, 10, null)
        .await(30, TimeUnit.SECONDS).items().size() == 2);
    DeadLetterList.Page page = list.list("subscriptions/flaky", since, 10, null).await(30, TimeUnit.SECONDS);
    assertThat(page.items()).allSatisfy(d -> {
      assertThat(d.subscription()).isEqualTo("flaky");
      assertThat(d.statusCode()).isEqualTo(500);
      assertThat(d.reason()).isEqualTo("exhausted");
    });

    healthy.set(true);
    DeadLetterList.DeadLetter one = page.items().stream().filter(d -> d.eventId().equals(first)).findFirst()
        .orElseThrow();
    Job job = jobs().redrive("flaky", null, since, List.of(one.id())).await(30, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(60)).until(() -> jobs().get(job.id()).map(Job::finished).orElse(false));
    await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requests("/flaky").stream()
        .anyMatch(r -> r.header("Idempotency-Key").startsWith(first)));
    assertThat(receiver.requests("/flaky").stream().filter(r -> r.header("Idempotency-Key").startsWith(first)
        && receiver.requests("/flaky").indexOf(r) >= 2)).hasSize(1);
    DeadLetterList.Page after = list.list("subscriptions/flaky", since, 10, null).await(30, TimeUnit.SECONDS);
    assertThat(after.items()).filteredOn(d -> d.id().equals(one.id())).singleElement()
        .satisfies(d -> assertThat(d.redrivenBy()).isEqualTo(job.id()));
    assertThat(after.items()).filteredOn(d -> !d.id().equals(one.id())).singleElement()
        .satisfies(d -> assertThat(d.redrivenBy()).isNull());
  }
}
