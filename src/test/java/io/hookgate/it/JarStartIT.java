package io.hookgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.net.Webhook;
import io.cloudevents.CloudEvent;
import io.hookgate.testing.EventConsumer;
import io.hookgate.testing.PackagedJar;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar as a user runs it: no Kafka configured, so it starts its embedded broker, says where,
 * and a webhook it accepts can be read back with a plain Kafka consumer. A configuration error stops it
 * with a message naming the key. Secrets never reach its output.
 */
class JarStartIT {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Duration START = Duration.ofSeconds(90);
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void withNoKafkaConfiguredItStartsTheEmbeddedBrokerAndTheEventCanBeConsumed(@TempDir Path dir) throws Exception {
    String secret = "kili-secret-" + UUID.randomUUID();
    String wrongSecret = "not-the-secret-" + UUID.randomUUID();
    String v7Key = "v7-signing-key-" + UUID.randomUUID();
    PackagedJar.Launch launch = PackagedJar.in(dir).env("KILI_WEBHOOK_SECRET", secret)
        .env("V7_WEBHOOK_SIGNING_KEY", v7Key);
    try (PackagedJar jar = launch.startReady(START)) {
      assertThat(jar.output())
          .contains("starting the embedded broker")
          .contains("Embedded Kafka broker listening on " + jar.bootstrapServers());
      assertThat(dir.resolve("data/kafka/meta.properties")).exists();

      String body = fixture("kili-onsubmit-three-boxes.json");
      HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(jar.webhookUri("kili"))
          .header("Authorization", secret).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
      String id = MAPPER.readTree(accepted.body()).path("id").asText();
      assertThat(id).isNotBlank();

      HttpResponse<String> refused = http.send(HttpRequest.newBuilder(jar.webhookUri("kili"))
          .header("Authorization", wrongSecret).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.body()).doesNotContain(wrongSecret);

      try (EventConsumer consumer = new EventConsumer(jar.bootstrapServers(), "hookgate.events")) {
        ConsumerRecord<String, byte[]> record = consumer.awaitId(id, Duration.ofSeconds(30));
        assertThat(record.key()).isEqualTo("clfcblkni05pq0jrq8wgib142");
        CloudEvent event = EventConsumer.toCloudEvent(record);
        assertThat(event.getType()).isEqualTo("labeling.label.submitted");
        assertThat(event.getSource()).hasToString("/sources/kili");
        JsonNode data = MAPPER.readTree(event.getData().toBytes());
        assertThat(data.path("annotations")).hasSize(3);
        assertThat(data.path("original")).isEqualTo(MAPPER.readTree(body));
      }

      // V7's signed workflow_complete, against the shipped v7 source (its signing-key alternative).
      String complete = fixture("v7-workflow-complete.json");
      long t = System.currentTimeMillis() / 1000;
      String v1 = Webhook.Util.computeHmacSha256(v7Key, t + "." + complete).toUpperCase(Locale.ROOT);
      HttpResponse<String> signed = http.send(HttpRequest.newBuilder(jar.webhookUri("v7"))
          .header("v7-signature", "t=" + t + ",v1=" + v1).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(complete)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(signed.statusCode()).as(signed.body()).isEqualTo(202);
      String completeId = MAPPER.readTree(signed.body()).path("id").asText();
      try (EventConsumer consumer = new EventConsumer(jar.bootstrapServers(), "hookgate.events")) {
        CloudEvent event = EventConsumer.toCloudEvent(consumer.awaitId(completeId, Duration.ofSeconds(30)));
        assertThat(event.getType()).isEqualTo("labeling.item.completed");
        assertThat(event.getSubject()).isEqualTo("letter.png");
      }

      String output = jar.output();
      assertThat(output).contains("hookgate started").contains("POST /webhooks/kili 202");
      assertThat(output).doesNotContain(secret).doesNotContain(wrongSecret).doesNotContain(v7Key);
    }
  }

  @Test
  void anInvalidValueStopsStartUpNamingTheKey(@TempDir Path dir) {
    String secret = "kili-secret-" + UUID.randomUUID();
    try (PackagedJar jar = PackagedJar.in(dir).env("KILI_WEBHOOK_SECRET", secret)
        .env("HOOKGATE_INGRESS_PORT", "notaport").start()) {
      int exit = jar.awaitExit(Duration.ofSeconds(60));
      String output = jar.output();
      assertThat(exit).as(output).isNotZero();
      assertThat(output).contains("Configuration error").contains("ingress.port").contains("notaport");
      assertThat(output).doesNotContain(secret);
      assertThat(dir.resolve("data")).as("nothing started, not even the broker").doesNotExist();
    }
  }

  @Test
  void anUnknownSourceKindInTheConfigFileStopsStartUpNamingTheKey(@TempDir Path dir) throws Exception {
    String secret = "kili-secret-" + UUID.randomUUID();
    String output = refusedConfig(dir, """
        sources:
          kili:
            kind: kilii
            auth:
              type: header
              header: Authorization
              secrets: [ { env: KILI_WEBHOOK_SECRET } ]
        """, Map.of("KILI_WEBHOOK_SECRET", secret));
    assertThat(output).contains("Configuration error").contains("sources.kili.kind").contains("kilii");
    assertThat(output).doesNotContain(secret);
  }

  /** Every missing target secret in one run, and before the embedded broker starts. */
  @Test
  void missingTargetSecretsAreAllNamedBeforeAnythingStarts(@TempDir Path dir) throws Exception {
    String output = refusedConfig(dir, """
        sources:
          kili: { kind: kili, auth: { type: none } }
        targets:
          kili: { baseUrl: "https://kili.example.com/graphql", auth: { header: Authorization, secret: env:NOT_SET_KILI_KEY } }
          slack: { baseUrlSecret: env:NOT_SET_SLACK_URL }
        """, Map.of());
    assertThat(output).contains("targets.kili.auth.secret").contains("NOT_SET_KILI_KEY")
        .contains("targets.slack.baseUrlSecret").contains("NOT_SET_SLACK_URL");
    assertThat(output).doesNotContain("Embedded Kafka broker");
    assertThat(dir.resolve("data")).as("nothing started, not even the broker").doesNotExist();
  }

  /** The caret under a CEL error only helps in a line of its own, aligned under the expression. */
  @Test
  void aRuleThatDoesNotCompileStopsStartUpWithTheCaretUnderTheError(@TempDir Path dir) throws Exception {
    String output = refusedConfig(dir, """
        sources:
          kili: { kind: kili, auth: { type: none } }
        targets:
          sink: { baseUrl: "https://sink.example.com" }
        rules:
          - name: unfinished
            match: event.type == 'x' && (size(event.data.annotations) >
            actions: [ { target: sink, kind: forward } ]
        """, Map.of());
    List<String> lines = output.lines().filter(l -> l.contains("io.hookgate.Main")).toList();
    assertThat(lines).as(output).hasSize(3);
    assertThat(lines.get(0)).contains("Configuration error: config key 'rules[0].match' (rule 'unfinished')")
        .contains("line 1, column 53").doesNotContain("\\n");
    String expression = lines.get(1);
    String caret = lines.get(2);
    assertThat(expression).endsWith(" | event.type == 'x' && (size(event.data.annotations) >");
    assertThat(caret).endsWith("^");
    // Same prefix length, so the caret sits under the 53rd character, just past the end of the expression.
    int start = expression.indexOf(" | ") + 3;
    assertThat(caret.length() - 1 - start).isEqualTo(52);
  }

  /** Starts the jar with this configuration file, expects it to stop with exit code 2, and gives its output. */
  private static String refusedConfig(Path dir, String yaml, Map<String, String> env) throws Exception {
    Path config = dir.resolve("hookgate-test.yaml");
    Files.writeString(config, yaml);
    PackagedJar.Launch starting = PackagedJar.in(dir).env("HOOKGATE_CONFIG", config.toString());
    for (Map.Entry<String, String> e : env.entrySet()) {
      starting = starting.env(e.getKey(), e.getValue());
    }
    try (PackagedJar jar = starting.start()) {
      int exit = jar.awaitExit(Duration.ofSeconds(60));
      String output = jar.output();
      assertThat(exit).as(output).isEqualTo(2);
      return output;
    }
  }

  static String fixture(String name) throws Exception {
    try (var in = JarStartIT.class.getResourceAsStream("/fixtures/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
