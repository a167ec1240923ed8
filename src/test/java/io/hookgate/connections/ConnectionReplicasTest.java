package io.hookgate.connections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.Hookgate;
import io.hookgate.admin.ApiClient;
import io.hookgate.admin.ApiGateways;
import io.hookgate.config.ConfigLoader;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import io.hookgate.testing.KafkaBrokers;
import io.hookgate.testing.RecordingHttpServer;
import io.hookgate.testing.RecordingHttpServer.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Replicas sharing the connections topic accept the same secrets: a connection made on one is accepted by the
 * other, a rotation on the other is accepted by the first, a replica started later reads them all (Kafka is the
 * only store), and a disconnection on one is refused by all.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ConnectionReplicasTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final List<Hookgate> gateways = new ArrayList<>();
  private RecordingHttpServer kili;

  @AfterEach
  void stop() {
    gateways.forEach(Hookgate::close);
    if (kili != null) {
      kili.close();
    }
  }

  private Hookgate start(KafkaBroker broker, String run, Map<String, String> env) throws Exception {
    int[] ports = KafkaBrokers.freePorts(2);
    String yaml = """
        ingress: { port: %d, instances: 1, publicUrl: "https://hooks.example.com" }
        management: { port: %d }
        kafka:
          bootstrapServers: "%s"
          topics:
            events: { name: events-%s, partitions: 1, replicationFactor: 1 }
            actions: { name: actions-%s, partitions: 1, replicationFactor: 1 }
            actionsRetry: { name: retry-%s, partitions: 1, replicationFactor: 1 }
            deadLetter: { name: dlq-%s, partitions: 1, replicationFactor: 1 }
            deliveryStatus: { name: status-%s, partitions: 1, replicationFactor: 1, compacted: true }
            subscriptions: { name: subscriptions-%s, partitions: 1, replicationFactor: 1, compacted: true }
            subscriptionCommands: { name: commands-%s, partitions: 1, replicationFactor: 1 }
            operations: { name: operations-%s, partitions: 1, replicationFactor: 1 }
            jobs: { name: jobs-%s, partitions: 1, replicationFactor: 1, compacted: true }
            pullPositions: { name: positions-%s, partitions: 1, replicationFactor: 1, compacted: true }
            connections: { name: connections-%s, partitions: 1, replicationFactor: 1, compacted: true }
        api:
          tokens: [ { role: admin, secret: env:HOOKGATE_ADMIN_TOKEN } ]
        encryption:
          keys: [ env:HOOKGATE_ENCRYPTION_KEY ]
        sources:
          kili:
            kind: kili
            auth: { type: header, header: Authorization, secrets: [ env:UNSET_KILI_TOKEN ] }
            connect: { endpoint: "%s/graphql", apiKey: env:KILI_API_KEY }
        shutdown: { gracePeriod: 5s }
        """.formatted(ports[0], ports[1], broker.bootstrapServers(), run, run, run, run, run, run, run, run, run,
        run, run, kili.baseUrl());
    Hookgate g = Hookgate.start(new ConfigLoader(env).loadYaml(yaml), env);
    gateways.add(g);
    return g;
  }

  private static int post(Hookgate g, String authorization) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.ingressPort() + "/webhooks/kili"))
        .header("Content-Type", "application/json").header("Authorization", authorization)
        .POST(HttpRequest.BodyPublishers.ofByteArray(ConnectionReplicasTest.class
            .getResourceAsStream("/fixtures/kili-onsubmit-one-box.json").readAllBytes()))
        .build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private String lastHeader() throws Exception {
    List<RecordingHttpServer.Recorded> calls = kili.requests("/graphql").stream()
        .filter(r -> r.body().contains("Webhook")).toList();
    return MAPPER.readTree(calls.get(calls.size() - 1).body()).path("variables").path("header").asText();
  }

  @Test
  void replicasAcceptTheSameSecretsAndOneStartedLaterReadsThemFromKafka(KafkaBroker broker) throws Exception {
    kili = RecordingHttpServer.start();
    kili.respond("/graphql", r -> Reply.of(200, "{\"data\": {\"data\": \"ok\"}}"));
    String run = UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> env = Map.of("HOOKGATE_ADMIN_TOKEN", ApiGateways.ADMIN_TOKEN, "HOOKGATE_ENCRYPTION_KEY",
        ApiGateways.env().get("HOOKGATE_ENCRYPTION_KEY"), "KILI_API_KEY", "kili-key");
    Hookgate a = start(broker, run, env);
    Hookgate b = start(broker, run, env);
    ApiClient onA = new ApiClient(a.managementPort(), ApiGateways.ADMIN_TOKEN);
    ApiClient onB = new ApiClient(b.managementPort(), ApiGateways.ADMIN_TOKEN);

    assertThat(onA.post("/api/v1/sources/kili/connections", "{\"projectId\": \"p-1\"}").statusCode()).isEqualTo(201);
    String first = lastHeader();
    assertThat(post(a, first)).isEqualTo(202);
    await().atMost(Duration.ofSeconds(15)).until(() -> post(b, first) == 202);

    assertThat(onB.post("/api/v1/sources/kili/connections/p-1/rotate", null).statusCode()).isEqualTo(200);
    String second = lastHeader();
    assertThat(second).isNotEqualTo(first);
    await().atMost(Duration.ofSeconds(15)).until(() -> post(a, second) == 202);

    Hookgate c = start(broker, run, env);
    assertThat(post(c, second)).as("read from the topic at start").isEqualTo(202);
    assertThat(post(c, first)).as("the previous secret, within the overlap").isEqualTo(202);
    assertThat(new ApiClient(c.managementPort(), ApiGateways.ADMIN_TOKEN).get("/api/v1/sources/kili/connections")
        .body()).contains("\"projectId\":\"p-1\"").doesNotContain(second);

    assertThat(onA.delete("/api/v1/sources/kili/connections/p-1").statusCode()).isEqualTo(204);
    await().atMost(Duration.ofSeconds(15)).until(() -> post(b, second) == 401 && post(c, second) == 401);
  }
}
