package io.hookgate.actions;

import static io.hookgate.actions.ActionsGateway.action;
import static io.hookgate.actions.ActionsGateway.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import io.hookgate.testing.RecordingHttpServer;
import io.hookgate.testing.RecordingHttpServer.Reply;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code hookgate_consumer_group_lag} counts what the group has not finished (past its committed offsets),
 * where {@code hookgate_consumer_lag} counts what its consumers have not fetched: actions fetched and
 * waiting for a slow target are lag in the first and 0 in the second, and both are 0 once they are done.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ConsumerGroupLagTest {
  private static final int ACTIONS = 8;

  @Test
  void actionsFetchedButNotDoneAreTheGroupsLag(KafkaBroker broker) throws Exception {
    ActionsGateway.Topics topics = ActionsGateway.Topics.fresh();
    String group = topics.actions() + ".executors";
    try (RecordingHttpServer server = RecordingHttpServer.start()) {
      server.respond("/slow", r -> Reply.ok().after(Duration.ofMillis(700)));
      try (ActionsGateway gateway = ActionsGateway.start(broker, topics, """
          targets:
            slow: { baseUrl: %s, allowedHosts: [ 127.0.0.1 ], concurrency: 1 }
          """.formatted(server.baseUrl()), Map.of())) {
        for (int i = 0; i < ACTIONS; i++) {
          gateway.send(action("slow-" + i, "slow", "http", "/slow", json("{}")));
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
          String metrics = gateway.metrics();
          assertThat(value(metrics, "hookgate_consumer_group_lag", group)).isGreaterThanOrEqualTo(3);
          assertThat(value(metrics, "hookgate_consumer_lag", group)).isZero();
        });

        server.await("/slow", ACTIONS, Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
            .until(() -> value(gateway.metrics(), "hookgate_consumer_group_lag", group) == 0);
        assertThat(gateway.metrics())
            .contains("hookgate_consumer_group_lag{group=\"" + topics.retry() + ".schedulers\"}");
      }
    }
  }

  private static double value(String metrics, String name, String group) {
    Matcher m = Pattern.compile("(?m)^" + name + "\\{group=\"" + Pattern.quote(group) + "\"} (\\S+)$").matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }
}
