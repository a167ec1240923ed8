package io.hookgate.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hookgate.testing.PackagedJar;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loss counting: the packaged jar, with its embedded broker, takes concurrent webhooks and is killed with
 * SIGKILL in the middle of them; started again on the same data directory, its topic must hold every
 * event that was answered 202. A 202 is a promise that the event is stored; this test counts the promises
 * kept.
 */
class LossIT {
  private static final int SENDERS = 24;
  /** Requests accepted before the kill: enough that the kill lands in the middle of a steady load. */
  private static final int ACCEPTED_BEFORE_KILL = 600;
  private static final Duration START = Duration.ofSeconds(90);

  @Test
  void everyEventAnswered202BeforeASigkillIsInTheTopicAfterTheRestart(@TempDir Path dir) throws Exception {
    String secret = "kili-secret-" + UUID.randomUUID();
    PackagedJar.Launch launch = PackagedJar.in(dir).env("KILI_WEBHOOK_SECRET", secret)
        .env("HOOKGATE_INGRESS_ACCESS_LOG", "false");
    String template = fixture("kili-onsubmit-three-boxes.json");

    WebhookLoad load;
    int exit;
    long t0 = System.nanoTime();
    long ready;
    long killed;
    try (PackagedJar first = launch.startReady(START)) {
      ready = System.nanoTime();
      load = new WebhookLoad(first.webhookUri("kili"), secret, template, SENDERS, 20_000).start();
      try {
        await("load under way").atMost(Duration.ofSeconds(60)).until(() -> load.accepted() >= ACCEPTED_BEFORE_KILL);
        first.kill();
        killed = System.nanoTime();
        exit = first.awaitExit(Duration.ofSeconds(20));
      } finally {
        load.stop();
      }
    }
    assertThat(exit).as("killed by SIGKILL").isEqualTo(137);

    List<String> acceptedIds = load.acceptedIds();
    Set<String> distinct = new HashSet<>(acceptedIds);
    assertThat(distinct).as("every accepted webhook had a body, hence an id, of its own").hasSameSizeAs(acceptedIds);

    StoredEvents stored;
    long restarted;
    try (PackagedJar second = launch.startReady(START)) {
      restarted = System.nanoTime();
      assertThat(second.output()).contains("Embedded Kafka broker listening on " + second.bootstrapServers());
      stored = StoredEvents.read(second.bootstrapServers(), "hookgate.events", acceptedIds,
          Duration.ofSeconds(60), Duration.ofSeconds(2));
    }

    List<String> missing = stored.missing(acceptedIds);
    long answeredOther = load.outcomes(o -> o.status() >= 0 && !o.accepted()).size();
    long noAnswer = load.outcomes(o -> o.status() < 0 && !o.refused()).size();
    long refused = load.outcomes(WebhookLoad.Outcome::refused).size();
    int storedWithout202 = (int) stored.countById().keySet().stream().filter(id -> !distinct.contains(id)).count();
    System.out.printf("LossIT: %d senders, SIGKILL after %d accepted; requests sent %d: answered 202 %d, "
        + "answered otherwise %d, no answer (in flight at the kill) %d, connection refused (after the kill) %d; "
        + "outcomes %s; after the restart the topic holds %d records: %d of the %d accepted found, %d missing, "
        + "%d stored without a 202 (in flight at the kill), %d duplicated%n",
        SENDERS, ACCEPTED_BEFORE_KILL, load.outcomes().size(), acceptedIds.size(), answeredOther, noAnswer, refused,
        load.tally(), stored.records(), acceptedIds.size() - missing.size(), acceptedIds.size(), missing.size(),
        storedWithout202, stored.duplicated().size());
    System.out.printf("LossIT timings: first start %dms, load until the kill %dms, restart until ready %dms, "
        + "reading the topic %dms%n", ms(ready - t0), ms(killed - ready), ms(restarted - killed),
        ms(System.nanoTime() - restarted));

    assertThat(acceptedIds.size()).isGreaterThanOrEqualTo(ACCEPTED_BEFORE_KILL);
    assertThat(missing).as("events answered 202 but not in the topic after the restart").isEmpty();
    assertThat(stored.duplicated()).as("the idempotent producer writes each event once").isEmpty();
    assertThat(load.outcomes(o -> o.status() >= 0 && o.status() != 202 && o.status() != 503))
        .as("under load hookgate answers 202, or 503 when Kafka is too slow; nothing else").isEmpty();
  }

  private static long ms(long nanos) {
    return Duration.ofNanos(nanos).toMillis();
  }

  static String fixture(String name) throws Exception {
    try (var in = LossIT.class.getResourceAsStream("/fixtures/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
