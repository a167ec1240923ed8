package io.hookgate.testing;

import io.hookgate.Hookgate;
import io.hookgate.config.ConfigLoader;
import io.hookgate.config.HookgateConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Runs a whole gateway in the test JVM against a given broker, on free ports, with a fresh events topic so
 * that tests never see each other's events. The YAML given is merged over the built-in defaults.
 */
public final class GatewayHarness implements AutoCloseable {
  private final Hookgate gateway;
  private final String eventsTopic;

  private GatewayHarness(Hookgate gateway, String eventsTopic) {
    this.gateway = gateway;
    this.eventsTopic = eventsTopic;
  }

  /** Where rules write their actions (key = target, JSON {@code ActionRecord}); fresh per gateway. */
  public String actionsTopic() {
    return gateway.config().kafka().topics().actions().name();
  }

  public String deadLetterTopic() {
    return gateway.config().kafka().topics().deadLetter().name();
  }

  /** The rules consumers' group (by default named after the events topic, so fresh per gateway too). */
  public String rulesGroup() {
    return gateway.config().rulesEngine().groupId(gateway.config().kafka().topics().events().name());
  }

  /**
   * @param sourcesYaml YAML for any keys besides kafka and ports, typically a {@code sources:} block
   * @param env environment seen by the gateway (secrets referenced as env:NAME)
   */
  public static GatewayHarness start(KafkaBroker broker, String sourcesYaml, Map<String, String> env) throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String topic = "events-" + run;
    int[] ports = KafkaBrokers.freePorts(2);
    String harness = """
        ingress:
          port: %d
          instances: 1
          publishTimeout: 3s
        management:
          port: %d
        kafka:
          bootstrapServers: "%s"
          topics:
            events:
              name: %s
              partitions: 3
              replicationFactor: 1
            actions: { name: actions-%s, partitions: 3, replicationFactor: 1 }
            actionsRetry: { name: actions-retry-%s, partitions: 1, replicationFactor: 1 }
            deadLetter: { name: actions-dlq-%s, partitions: 1, replicationFactor: 1 }
            deliveryStatus: { name: delivery-status-%s, partitions: 1, replicationFactor: 1, compacted: true }
            subscriptions: { name: subscriptions-%s, partitions: 1, replicationFactor: 1, compacted: true }
            subscriptionCommands: { name: subscription-commands-%s, partitions: 1, replicationFactor: 1 }
            operations: { name: operations-%s, partitions: 1, replicationFactor: 1 }
            jobs: { name: jobs-%s, partitions: 1, replicationFactor: 1, compacted: true }
            pullPositions: { name: pull-positions-%s, partitions: 1, replicationFactor: 1, compacted: true }
            connections: { name: connections-%s, partitions: 1, replicationFactor: 1, compacted: true }
        shutdown:
          gracePeriod: 5s
        """.formatted(ports[0], ports[1], broker.bootstrapServers(), topic, run, run, run,
        run, run, run, run, run, run, run);
    // The test's own keys win over the harness's (deep merge), so a test can set e.g. ingress.publishTimeout.
    String yaml = mergeYaml(harness, sourcesYaml);
    Map<String, String> environment = new HashMap<>(env);
    HookgateConfig config = new ConfigLoader(environment).loadYaml(yaml);
    return new GatewayHarness(Hookgate.start(config, environment), topic);
  }

  private static String mergeYaml(String base, String over) throws java.io.IOException {
    var yaml = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
    var b = yaml.readTree(base);
    var o = yaml.readTree(over);
    return yaml.writeValueAsString(o == null || !o.isObject() ? b : merge(b, o));
  }

  private static com.fasterxml.jackson.databind.JsonNode merge(com.fasterxml.jackson.databind.JsonNode base,
      com.fasterxml.jackson.databind.JsonNode over) {
    if (!(base instanceof com.fasterxml.jackson.databind.node.ObjectNode b) || !over.isObject()) {
      return over.deepCopy();
    }
    var out = b.deepCopy();
    over.fields().forEachRemaining(e -> out.set(e.getKey(),
        out.has(e.getKey()) ? merge(out.get(e.getKey()), e.getValue()) : e.getValue().deepCopy()));
    return out;
  }

  public Hookgate gateway() {
    return gateway;
  }

  public String eventsTopic() {
    return eventsTopic;
  }

  public int ingressPort() {
    return gateway.config().ingress().port();
  }

  public int managementPort() {
    return gateway.config().management().port();
  }

  public String webhookUrl(String source) {
    return "http://127.0.0.1:" + ingressPort() + "/webhooks/" + source;
  }

  public EventConsumer consumer() {
    return new EventConsumer(gateway.bootstrapServers(), eventsTopic);
  }

  @Override
  public void close() {
    gateway.close();
  }
}
