package io.hookgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.testing.PackagedJar;
import io.hookgate.testing.RecordingHttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica killed with SIGKILL and started again under the same name ({@code kafka.groupInstanceId}, the
 * pod's name in Kubernetes) acts on events at once: as a static group member it takes its partitions back
 * without waiting for the broker to expire the killed consumers (the 45 s session timeout, which a dynamic
 * member must wait out).
 */
class CrashRestartIT {
  private static final Duration START = Duration.ofSeconds(90);
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void aStaticMemberRestartedAfterASigkillActsWellWithinTheSessionTimeout(@TempDir Path dir) throws Exception {
    try (RecordingHttpServer sink = RecordingHttpServer.start()) {
      PackagedJar.Launch launch = launch(dir, sink, "crash-it");
      try (PackagedJar first = startedWithOneAction(launch, sink)) {
        first.kill();
        assertThat(first.awaitExit(Duration.ofSeconds(20))).isEqualTo(137);
        try (PackagedJar second = first.restart()) {
          second.awaitReady(START);
          long restarted = System.nanoTime();
          post(second.webhookUri("events"), "after");
          // Not a speed check: with dynamic membership this takes the 45 s session timeout at least.
          sink.await("/hook", 2, Duration.ofSeconds(30));
          Duration took = Duration.ofNanos(System.nanoTime() - restarted);
          System.out.println("CrashRestartIT: action after the restart reached the sink in " + took.toMillis() + " ms");
          assertThat(second.output()).contains("hookgate-actions-consumer: now reads");
        }
      }
    }
  }

  /**
   * A rolling update: the pod stops (SIGTERM) and a pod of another name takes over. A static member that
   * stayed in the group on a clean stop would leave its partitions idle for the session timeout.
   */
  @Test
  void aStaticMemberStoppedCleanlyLeavesItsPartitionsToTheNextReplicaAtOnce(@TempDir Path dir) throws Exception {
    try (RecordingHttpServer sink = RecordingHttpServer.start()) {
      PackagedJar.Launch launch = launch(dir, sink, "pod-a");
      try (PackagedJar first = startedWithOneAction(launch, sink)) {
        first.terminate();
        assertThat(first.awaitExit(Duration.ofSeconds(60))).as("a clean stop, not the grace period's halt").isIn(0,
            143);
        assertThat(first.output()).doesNotContain("halting");
      }
      launch.env("HOOKGATE_KAFKA_GROUP_INSTANCE_ID", "pod-b");
      try (PackagedJar second = launch.startReady(START)) {
        post(second.webhookUri("events"), "after");
        sink.await("/hook", 2, Duration.ofSeconds(30));
      }
    }
  }

  /** A gateway with one rule that calls the sink for every event, as static member {@code instanceId}. */
  private static PackagedJar.Launch launch(Path dir, RecordingHttpServer sink, String instanceId) throws Exception {
    Path config = dir.resolve("crash.yaml");
    Files.writeString(config, """
        sources:
          events: { kind: generic, auth: { type: none }, mapping: { eventType: /type, projectId: /project } }
        targets:
          sink: { baseUrl: "%s", allowPrivateNetwork: true }
        rules:
          - name: to-sink
            actions: [ { target: sink, kind: http, path: /hook, body: "{'event': event.id}" } ]
        """.formatted(sink.baseUrl()));
    return PackagedJar.in(dir).env("HOOKGATE_CONFIG", config.toString())
        .env("HOOKGATE_KAFKA_GROUP_INSTANCE_ID", instanceId);
  }

  /** Started, ready, and one event's action at the sink: its consumers have their partitions. */
  private PackagedJar startedWithOneAction(PackagedJar.Launch launch, RecordingHttpServer sink) throws Exception {
    PackagedJar jar = launch.startReady(START);
    try {
      post(jar.webhookUri("events"), "before");
      sink.await("/hook", 1, Duration.ofSeconds(60));
      return jar;
    } catch (Exception | AssertionError e) {
      jar.close();
      throw e;
    }
  }

  private void post(URI uri, String project) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"type\": \"t\", \"project\": \"" + project + "\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
  }
}
