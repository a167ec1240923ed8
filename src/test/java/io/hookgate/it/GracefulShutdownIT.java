package io.hookgate.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.testing.PackagedJar;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM, as Kubernetes sends it, while webhooks are in flight: readiness turns false first while the
 * listener still takes requests (the drain delay), then the listener closes and the requests in flight
 * finish with 202, and every 202 is in Kafka; every other request fails cleanly (503, or no connection),
 * and the process exits within its grace period.
 */
class GracefulShutdownIT {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Duration START = Duration.ofSeconds(90);
  private static final Duration GRACE = Duration.ofSeconds(15);
  private static final Duration DRAIN = Duration.ofSeconds(2);
  private static final int SLOW_REQUESTS = 4;

  @Test
  void sigtermLetsRequestsInFlightFinishAndLosesNoAcceptedEvent(@TempDir Path dir) throws Exception {
    String secret = "kili-secret-" + UUID.randomUUID();
    PackagedJar.Launch launch = PackagedJar.in(dir).env("KILI_WEBHOOK_SECRET", secret)
        .env("HOOKGATE_SHUTDOWN_GRACE_PERIOD", GRACE.toSeconds() + "s")
        .env("HOOKGATE_SHUTDOWN_DRAIN_DELAY", DRAIN.toSeconds() + "s")
        .env("HOOKGATE_INGRESS_BODY_READ_TIMEOUT", "30s")
        .env("HOOKGATE_INGRESS_ACCESS_LOG", "false");
    String template = fixture("kili-onsubmit-three-boxes.json");

    List<SlowRequest.Answer> slowAnswers = new ArrayList<>();
    WebhookLoad load;
    long sigterm;
    long unready;
    long closed;
    long exited;
    int exit;
    String output;
    try (PackagedJar jar = launch.startReady(START)) {
      load = new WebhookLoad(jar.webhookUri("kili"), secret, template, 8, 20_000).start();
      List<SlowRequest> slow = new ArrayList<>();
      try {
        await("load under way").atMost(Duration.ofSeconds(60)).until(() -> load.accepted() >= 100);
        for (int i = 0; i < SLOW_REQUESTS; i++) {
          slow.add(SlowRequest.begin(jar.ingressPort(), "/webhooks/kili", secret,
              template.replace("run-20221124-161500", "slow-" + i + "-" + UUID.randomUUID())));
        }

        sigterm = System.nanoTime();
        jar.terminate();
        await("readiness false").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
            .until(() -> jar.readinessStatus() != 200);
        unready = System.nanoTime();
        assertThat(jar.readinessStatus()).as("the management port still answers, with 503").isEqualTo(503);

        await("webhook listener closed").atMost(GRACE).pollInterval(Duration.ofMillis(20))
            .until(() -> !acceptsConnections(jar.ingressPort()));
        closed = System.nanoTime();
      } finally {
        load.stop();
      }
      for (SlowRequest request : slow) {
        try (request) {
          slowAnswers.add(request.finish());
        } catch (IOException e) {
          slowAnswers.add(new SlowRequest.Answer(-1, e.toString()));
        }
      }
      exit = jar.awaitExit(GRACE.plusSeconds(10));
      exited = System.nanoTime();
      output = jar.output();
    }

    List<String> accepted = new ArrayList<>(load.acceptedIds());
    for (SlowRequest.Answer answer : slowAnswers) {
      if (answer.status() == 202) {
        accepted.add(MAPPER.readTree(answer.body()).path("id").asText());
      }
    }
    StoredEvents stored;
    try (PackagedJar again = launch.startReady(START)) {
      stored = StoredEvents.read(again.bootstrapServers(), "hookgate.events", accepted, Duration.ofSeconds(60),
          Duration.ofSeconds(1));
    }
    List<String> missing = stored.missing(accepted);
    long acceptedWhileUnready = load.outcomes(o -> o.accepted() && o.startedNanos() > unready).size();
    System.out.printf("GracefulShutdownIT: SIGTERM -> readiness 503 after %dms, listener closed after %dms "
        + "(drain delay %dms), exit %d after %dms (grace period %dms); load outcomes %s, %d accepted after "
        + "readiness turned false; requests in flight at the close: %s; %d of %d accepted events found, "
        + "%d missing%n",
        ms(unready - sigterm), ms(closed - sigterm), DRAIN.toMillis(), exit, ms(exited - sigterm), GRACE.toMillis(),
        load.tally(), acceptedWhileUnready, slowAnswers.stream().map(SlowRequest.Answer::status).toList(),
        accepted.size() - missing.size(), accepted.size(), missing.size());

    assertThat(exit).as(output).isIn(0, 143);
    assertThat(ms(exited - sigterm)).as("exited within the grace period").isLessThan(GRACE.toMillis());
    assertThat(ms(closed - sigterm)).as("the listener stays open for the drain delay")
        .isGreaterThanOrEqualTo(DRAIN.toMillis());
    assertThat(acceptedWhileUnready).as("requests still accepted while unready, during the drain delay").isPositive();
    assertThat(slowAnswers).as("requests in flight when the listener closed finish")
        .extracting(SlowRequest.Answer::status).containsOnly(202).hasSize(SLOW_REQUESTS);
    assertThat(load.outcomes(o -> o.status() >= 0 && o.status() != 202 && o.status() != 503))
        .as("a request is answered 202, or 503, or not at all").isEmpty();
    assertThat(missing).as("events answered 202 but not in Kafka").isEmpty();
    assertThat(output).containsSubsequence(
        "Shutting down within " + GRACE.toMillis() + "ms",
        "Not ready: shutting down",
        "Closing the webhook listener",
        "Webhook listener closed",
        "Kafka producer flushed and closed",
        "Stopping the embedded Kafka broker",
        "Embedded Kafka broker stopped",
        "hookgate stopped in");
    assertThat(output).doesNotContain(secret);
  }

  private static boolean acceptsConnections(int port) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      return true;
    } catch (ConnectException e) {
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  private static long ms(long nanos) {
    return Duration.ofNanos(nanos).toMillis();
  }

  static String fixture(String name) throws Exception {
    try (var in = GracefulShutdownIT.class.getResourceAsStream("/fixtures/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
