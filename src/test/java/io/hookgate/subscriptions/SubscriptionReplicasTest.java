package io.hookgate.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hookgate.Hookgate;
import io.hookgate.config.ConfigLoader;
import io.hookgate.config.SecretBox;
import io.hookgate.subscriptions.StateRecord.Result;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two gateways on the same topics share the subscriptions and deliver each event once, whichever received the
 * webhook; a gateway started after both stopped has the subscription and delivers to it.
 */
@ExtendWith(KafkaBrokerExtension.class)
class SubscriptionReplicasTest {
  private final List<Hookgate> gateways = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private final Map<String, String> env = Map.of("HOOKGATE_ENCRYPTION_KEY", SecretBox.newKey());
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private RecordingHttpServer receiver;

  @AfterEach
  void stop() {
    gateways.forEach(Hookgate::close);
    if (receiver != null) {
      receiver.close();
    }
  }

  private Hookgate start(KafkaBroker broker) throws Exception {
    String yaml = Replicas.yaml(broker, run, 2, "");
    Hookgate g = Hookgate.start(new ConfigLoader(env).loadYaml(yaml), env);
    gateways.add(g);
    return g;
  }

  private void post(Hookgate g, String task) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.ingressPort()
        + "/webhooks/isahit")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("""
            {"workflowId": "wf", "type": "annotation", "taskId": "%s", "batchId": "b1", "projectId": "p1"}"""
            .formatted(task)))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(202);
  }

  @Test
  void twoGatewaysDeliverEachEventOnceAndARestartKeepsTheSubscription(KafkaBroker broker) throws Exception {
    receiver = RecordingHttpServer.start();
    Hookgate a = start(broker);
    Hookgate b = start(broker);
    Subscription asked = new Subscription("shared", receiver.baseUrl() + "/shared", null, new SubscriptionFilter(
        List.of("isahit"), null, null, null, null), null, Map.of(), true, null, null, null, null, null, 0);
    assertThat(a.subscriptions().service().create(asked).await(30, TimeUnit.SECONDS).result())
        .isEqualTo(Result.created);
    await().atMost(Duration.ofSeconds(2)).until(() -> b.subscriptions().store().get("shared").isPresent());
    for (int i = 0; i < 20; i++) {
      post(i % 2 == 0 ? a : b, "task-" + i);
    }
    List<Recorded> calls = receiver.await("/shared", 20, Duration.ofSeconds(60));
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
        .until(() -> receiver.requests("/shared").size() == 20);
    Set<String> keys = new HashSet<>();
    calls.forEach(c -> keys.add(c.header("Idempotency-Key")));
    assertThat(keys).as("each event once").hasSize(20);

    a.close();
    b.close();
    gateways.clear();
    Hookgate c = start(broker);
    assertThat(c.subscriptions().store().get("shared")).isPresent();
    post(c, "after-restart");
    receiver.await("/shared", 21, Duration.ofSeconds(60));
  }
}
