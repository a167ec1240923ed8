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
  private final String actionsTopic;
  private final String rulesGroup;

  private GatewayHarness(Hookgate gateway, String eventsTopic, String actionsTopic, String rulesGroup) {
    this.gateway = gateway;
    this.eventsTopic = eventsTopic;
    this.actionsTopic = actionsTopic;
    this.rulesGroup = rulesGroup;
  }

  /**
   * @param sourcesYaml YAML for any keys besides kafka and ports, typically a {@code sources:} block
   * @param env environment seen by the gateway (secrets referenced as env:NAME)
   */
  public static GatewayHarness start(KafkaBroker broker, String sourcesYaml, Map<String, String> env) throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String topic = "events-" + run;
    String actions = "actions-" + run;
    String yaml = sourcesYaml + "\n" + """
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
            actions:
              name: %s
              partitions: 3
              replicationFactor: 1
        shutdown:
          gracePeriod: 5s
        """.formatted(KafkaBrokers.freePort(), KafkaBrokers.freePort(), broker.bootstrapServers(), topic, actions);
    Map<String, String> environment = new HashMap<>(env);
    // A consumer group of its own, so that tests sharing a broker never share rules consumers.
    environment.putIfAbsent("HOOKGATE_RULESENGINE_GROUPID", "rules-" + run);
    HookgateConfig config = new ConfigLoader(environment).loadYaml(yaml);
    return new GatewayHarness(Hookgate.start(config, environment), topic, actions,
        environment.get("HOOKGATE_RULESENGINE_GROUPID"));
  }

  public Hookgate gateway() {
    return gateway;
  }

  public String eventsTopic() {
    return eventsTopic;
  }

  /** Where rules write their actions (key = target, JSON {@code ActionRecord}). */
  public String actionsTopic() {
    return actionsTopic;
  }

  /** The rules consumers' group. */
  public String rulesGroup() {
    return rulesGroup;
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
