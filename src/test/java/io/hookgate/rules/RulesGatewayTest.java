package io.hookgate.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hookgate.actions.ActionCodec;
import io.hookgate.actions.ActionRecord;
import io.hookgate.testing.EventConsumer;
import io.hookgate.testing.GatewayHarness;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole path with the shipped Kili example as the gateway's configuration: the seed's webhooks posted
 * to the ingress, the rules consumer, and the exact action records read back from the actions topic.
 */
@ExtendWith(KafkaBrokerExtension.class)
class RulesGatewayTest {
  private static GatewayHarness gateway;
  private static KafkaBroker kafka;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start(KafkaBroker broker) throws Exception {
    kafka = broker;
    // Without its targets: this test reads what the rules write; nothing here should call Kili.
    gateway = GatewayHarness.start(broker, RuleFixtures.exampleYaml("kili.yaml", tree -> tree.remove("targets")),
        Map.of("KILI_WEBHOOK_SECRET", "secret-api-key"));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void kiliSeedWebhooksBecomeTheExactActionsInOrderAndOffsetsAreCommitted() throws Exception {
    String threeBoxes = post("kili-onsubmit-three-boxes.json");
    String oneBox = post("kili-onsubmit-one-box.json");

    List<ConsumerRecord<String, byte[]>> records;
    try (EventConsumer actions = new EventConsumer(kafka.bootstrapServers(), gateway.actionsTopic())) {
      records = actions.pollUntil(rs -> rs.size() >= 2, Duration.ofSeconds(60));
      // Nothing else follows: one record per event (the rest of each chain rides in 'then').
      records = actions.drain(Duration.ofSeconds(1));
    }
    assertThat(records).hasSize(2);
    assertThat(records).extracting(ConsumerRecord::key).containsOnly("kili");

    ActionCodec codec = new ActionCodec();
    ActionRecord first = codec.read(records.get(0).value());
    ActionRecord second = codec.read(records.get(1).value());
    assertThat(first.createdAt()).isBetween(Instant.now().minusSeconds(120), Instant.now());

    // The same records the rule gives on the same events, made the way the gateway makes them.
    RuleSet rules = new RuleCompiler().compile(RuleFixtures.example("kili.yaml"));
    JsonNode expectedFirst = RuleFixtures.json(RuleFixtures.evaluate(rules,
        RuleFixtures.event("kili", "kili", "kili-onsubmit-three-boxes.json", threeBoxes)).get(0).actions().get(0));
    JsonNode expectedSecond = RuleFixtures.json(RuleFixtures.evaluate(rules,
        RuleFixtures.event("kili", "kili", "kili-onsubmit-one-box.json", oneBox)).get(0).actions().get(0));
    assertThat(withoutTimes(RuleFixtures.json(first))).isEqualTo(withoutTimes(expectedFirst));
    assertThat(withoutTimes(RuleFixtures.json(second))).isEqualTo(withoutTimes(expectedSecond));

    // And spelled out: two createIssues (count, then the large box's mid), then the send-back.
    assertThat(first.id()).isEqualTo(threeBoxes + ":kili-box-quality:0");
    assertThat(first.body().path("variables").path("issues").get(0).path("objectMid").isNull()).isTrue();
    ActionRecord largeBox = first.then().get(0);
    assertThat(largeBox.id()).isEqualTo(threeBoxes + ":kili-box-quality:1");
    assertThat(largeBox.body().path("variables").path("issues").get(0).path("objectMid").asText())
        .isEqualTo("20221124161451411-13314");
    ActionRecord sendBack = largeBox.then().get(0);
    assertThat(sendBack.body().path("query").asText()).isEqualTo(SeedRulesTest.KILI_SEND_BACK);
    assertThat(sendBack.body().path("variables").toString())
        .isEqualTo("{\"where\":{\"idIn\":[\"clfcblmgn0h4y0js5b2yy7qvx\"]}}");
    assertThat(sendBack.then()).isEmpty();
    assertThat(second.id()).isEqualTo(oneBox + ":kili-box-quality:0");

    RulesConsumerTest.awaitCommittedToTheEnd(kafka.bootstrapServers(), gateway.rulesGroup(), gateway.eventsTopic());

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      String metrics = http
          .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.managementPort() + "/metrics"))
              .build(), HttpResponse.BodyHandlers.ofString())
          .body();
      assertThat(metrics).contains("hookgate_rules_events_total{outcome=\"matched\",rule=\"kili-box-quality\"} 2.0");
      assertThat(metrics).contains("hookgate_rules_actions_emitted_total{rule=\"kili-box-quality\"} 5.0");
      assertThat(metrics).contains("hookgate_rules_consumer_lag 0.0");
      assertThat(metrics).contains("kafka_consumer_fetch_manager_records_lag_max{client_id=\"hookgate-rules-0\"");
    });
  }

  private String post(String fixture) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(gateway.webhookUrl("kili")))
        .header("Authorization", "secret-api-key")
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(RuleFixtures.text(fixture))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(202);
    return RuleFixtures.MAPPER.readTree(response.body()).path("id").asText();
  }

  /** createdAt is the processing time, the only field that is not a function of the event. */
  private static JsonNode withoutTimes(JsonNode record) {
    ObjectNode copy = record.deepCopy();
    strip(copy);
    return copy;
  }

  private static void strip(ObjectNode record) {
    record.remove("createdAt");
    record.path("then").forEach(t -> strip((ObjectNode) t));
  }
}
