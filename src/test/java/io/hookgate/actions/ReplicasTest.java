package io.hookgate.actions;

import static io.hookgate.actions.ActionsGateway.action;
import static io.hookgate.actions.ActionsGateway.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import io.hookgate.testing.RecordingHttpServer;
import io.hookgate.testing.RecordingHttpServer.Recorded;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two gateway replicas on the same topics, as two pods of the Deployment: they share the actions topic's
 * partitions (each calls the targets whose actions it holds, each action once), every replica's delivery
 * status API shows the same logs, including those the other replica wrote, and when one replica leaves, the
 * other takes its partition over and carries its targets' logs on.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ReplicasTest {
  private static final String TARGETS = """
      targets:
        %1$s: { baseUrl: %3$s/%1$s, allowedHosts: [ 127.0.0.1 ] }
        %2$s: { baseUrl: %3$s/%2$s, allowedHosts: [ 127.0.0.1 ] }
      """;
  private static final int FIRST = 10;
  private static final int THEN = 5;

  @Test
  void twoReplicasShareTheActionsShowTheSameStatusAndOneTakesOverWhenTheOtherLeaves(KafkaBroker broker)
      throws Exception {
    ActionsGateway.Topics topics = ActionsGateway.Topics.fresh();
    // Two targets whose actions (keyed by target) land in the two partitions of the actions topic.
    String one = "alpha";
    String two = otherPartition(one);
    try (RecordingHttpServer server = RecordingHttpServer.start()) {
      String yaml = TARGETS.formatted(one, two, server.baseUrl());
      ActionsGateway a = ActionsGateway.start(broker, topics, yaml, Map.of());
      boolean aRunning = true;
      try (ActionsGateway b = ActionsGateway.start(broker, topics, yaml, Map.of())) {
        awaitMembersWithOnePartitionEach(broker, topics.actions() + ".executors", 2);
        for (int i = 0; i < FIRST; i++) {
          a.send(action(one + "-" + i, one, "http", "/calls", json("{\"n\":" + i + "}")));
          a.send(action(two + "-" + i, two, "http", "/calls", json("{\"n\":" + i + "}")));
        }
        assertThat(keys(server.await("/" + one + "/calls", FIRST, Duration.ofSeconds(30))))
            .containsExactlyElementsOf(ids(one, 0, FIRST));
        assertThat(keys(server.await("/" + two + "/calls", FIRST, Duration.ofSeconds(30))))
            .containsExactlyElementsOf(ids(two, 0, FIRST));

        // Each replica called the targets of its partition, and only those.
        Map<String, Integer> byA = successes(a.metrics(), one, two);
        Map<String, Integer> byB = successes(b.metrics(), one, two);
        assertThat(byA.get(one) + byB.get(one)).isEqualTo(FIRST);
        assertThat(byA.get(two) + byB.get(two)).isEqualTo(FIRST);
        assertThat(List.of(byA.get(one), byA.get(two))).as("replica a called one of the targets")
            .containsExactlyInAnyOrder(0, FIRST);

        // Both replicas serve the same logs, whichever of them made the calls.
        for (String target : List.of(one, two)) {
          await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode fromA = a.status(target);
            JsonNode fromB = b.status(target);
            assertThat(fromA.path("counts").path("successes").asInt()).isEqualTo(FIRST);
            assertThat(fromB.path("counts")).isEqualTo(fromA.path("counts"));
            assertThat(fromB.path("lastCall")).isEqualTo(fromA.path("lastCall"));
            assertThat(fromB.path("version")).isEqualTo(fromA.path("version"));
          });
        }

        // Replica a leaves (a stop: it commits and leaves the group); b takes its partition over.
        a.close();
        aRunning = false;
        awaitMembersWithOnePartitionEach(broker, topics.actions() + ".executors", 1);
        for (int i = FIRST; i < FIRST + THEN; i++) {
          b.send(action(one + "-" + i, one, "http", "/calls", json("{\"n\":" + i + "}")));
          b.send(action(two + "-" + i, two, "http", "/calls", json("{\"n\":" + i + "}")));
        }
        assertThat(keys(server.await("/" + one + "/calls", FIRST + THEN, Duration.ofSeconds(30))))
            .containsExactlyElementsOf(ids(one, 0, FIRST + THEN));
        assertThat(keys(server.await("/" + two + "/calls", FIRST + THEN, Duration.ofSeconds(30))))
            .containsExactlyElementsOf(ids(two, 0, FIRST + THEN));
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
            .until(() -> server.all().size() == 2 * (FIRST + THEN));
        for (String target : List.of(one, two)) {
          await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode status = b.status(target);
            assertThat(status.path("counts").path("attempts").asInt()).isEqualTo(FIRST + THEN);
            assertThat(status.path("counts").path("successes").asInt()).isEqualTo(FIRST + THEN);
          });
        }
      } finally {
        if (aRunning) {
          a.close();
        }
      }
    }
  }

  /** A target name whose actions go to the other partition of a 2-partition topic than {@code name}'s. */
  private static String otherPartition(String name) {
    for (int i = 0;; i++) {
      String candidate = "target" + i;
      if (partition(candidate) != partition(name)) {
        return candidate;
      }
    }
  }

  private static int partition(String key) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % 2;
  }

  private static void awaitMembersWithOnePartitionEach(KafkaBroker broker, String group, int members) {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
        ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
        List<Integer> assigned = d.members().stream()
            .map(MemberDescription::assignment).map(x -> x.topicPartitions().size()).toList();
        return assigned.size() == members && assigned.stream().mapToInt(Integer::intValue).sum() == 2
            && assigned.stream().allMatch(n -> n == 2 / members);
      });
    }
  }

  private static List<String> keys(List<Recorded> calls) {
    return calls.stream().map(r -> r.header("Idempotency-Key")).toList();
  }

  private static List<String> ids(String target, int from, int to) {
    List<String> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(target + "-" + i);
    }
    return out;
  }

  /** The replica's successful calls per target, from its own metrics. */
  private static Map<String, Integer> successes(String metrics, String... targets) {
    Map<String, Integer> out = new java.util.HashMap<>();
    for (String target : targets) {
      Matcher m = Pattern.compile("(?m)^hookgate_action_attempts_total\\{[^}]*outcome=\"success\"[^}]*target=\""
          + target + "\"[^}]*} ([0-9.E]+)$").matcher(metrics);
      out.put(target, m.find() ? (int) Double.parseDouble(m.group(1)) : 0);
    }
    return out;
  }
}
