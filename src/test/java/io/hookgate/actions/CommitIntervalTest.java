package io.hookgate.actions;

import static io.hookgate.actions.ActionsGateway.action;
import static io.hookgate.actions.ActionsGateway.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import io.hookgate.testing.RecordingHttpServer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code kafka.commitInterval}: a running consumer commits at most once per interval (each commit is a
 * write to the broker's offsets topic), and a stop still commits everything finished, so a graceful restart
 * repeats nothing.
 */
@ExtendWith(KafkaBrokerExtension.class)
class CommitIntervalTest {
  private static final int ACTIONS = 20;
  private static RecordingHttpServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = RecordingHttpServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Test
  void withALongIntervalNothingIsCommittedWhileRunningAndTheStopCommitsEverything(KafkaBroker broker) throws Exception {
    ActionsGateway.Topics topics = ActionsGateway.Topics.fresh();
    try (ActionsGateway gateway = start(broker, topics, "1m")) {
      deliver(gateway, "long");
      // Well past the old behaviour (a commit after the poll that follows each finished action).
      await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
          .until(() -> committed(broker, topics) == 0);
    }
    assertThat(committed(broker, topics)).as("offsets committed by the stop").isEqualTo(ACTIONS);
  }

  @Test
  void withAZeroIntervalEveryFinishedActionIsCommittedWhileRunning(KafkaBroker broker) throws Exception {
    ActionsGateway.Topics topics = ActionsGateway.Topics.fresh();
    try (ActionsGateway gateway = start(broker, topics, "0s")) {
      deliver(gateway, "zero");
      await().atMost(Duration.ofSeconds(10)).until(() -> committed(broker, topics) == ACTIONS);
    }
  }

  private static ActionsGateway start(KafkaBroker broker, ActionsGateway.Topics topics, String interval)
      throws Exception {
    return ActionsGateway.start(broker, topics, """
        targets:
          sink:
            baseUrl: %s
            allowedHosts: [ 127.0.0.1 ]
        """.formatted(server.baseUrl()), Map.of("HOOKGATE_KAFKA_COMMIT_INTERVAL", interval));
  }

  private static void deliver(ActionsGateway gateway, String prefix) throws Exception {
    String path = "/commit-" + prefix + "-" + gateway.topics().actions();
    for (int i = 0; i < ACTIONS; i++) {
      gateway.send(action(prefix + "-" + i, "sink", "http", path, json("{\"n\":" + i + "}")));
    }
    server.await(path, ACTIONS, Duration.ofSeconds(20));
  }

  /** The offsets the action consumers' group has committed, summed over the actions topic's partitions. */
  private static long committed(KafkaBroker broker, ActionsGateway.Topics topics) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> offsets = admin
          .listConsumerGroupOffsets(topics.actions() + ".executors").partitionsToOffsetAndMetadata()
          .get(10, TimeUnit.SECONDS);
      return offsets.values().stream().filter(o -> o != null).mapToLong(OffsetAndMetadata::offset).sum();
    }
  }
}
