package io.hookgate.admin;

import io.hookgate.config.SecretBox;
import io.hookgate.testing.GatewayHarness;
import io.hookgate.testing.KafkaBroker;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** Gateways for the management API's tests: fresh subscription topics each, tokens and keys as the env sets them. */
final class ApiGateways {
  static final String ADMIN_TOKEN = "admin-token-" + UUID.randomUUID();
  static final String VIEWER_TOKEN = "viewer-token-" + UUID.randomUUID();

  private ApiGateways() {
  }

  /** The shipped configuration's api and encryption sections, with topics of its own. */
  static String yaml() {
    String run = UUID.randomUUID().toString().substring(0, 8);
    return """
        api:
          tokens:
            - { role: admin, secret: env:HOOKGATE_ADMIN_TOKEN }
            - { role: viewer, secret: env:HOOKGATE_VIEWER_TOKEN }
        encryption:
          keys: [ env:HOOKGATE_ENCRYPTION_KEY, env:HOOKGATE_ENCRYPTION_KEY_PREVIOUS ]
        kafka:
          topics:
            subscriptions: { name: subs-%s, partitions: 3, replicationFactor: 1, compacted: true }
            subscriptionCommands: { name: subs-commands-%s, partitions: 3, replicationFactor: 1 }
        """.formatted(run, run);
  }

  /** Both tokens, an encryption key, and 127.0.0.1 and 10.0.0.0/8 allowed as subscription hosts. */
  static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("HOOKGATE_ADMIN_TOKEN", ADMIN_TOKEN);
    env.put("HOOKGATE_VIEWER_TOKEN", VIEWER_TOKEN);
    env.put("HOOKGATE_ENCRYPTION_KEY", SecretBox.newKey());
    env.put("HOOKGATE_SUBSCRIPTIONS_ALLOWED_HOSTS", "127.0.0.1,10.0.0.0/8");
    return env;
  }

  static GatewayHarness start(KafkaBroker broker, Map<String, String> env) throws Exception {
    return GatewayHarness.start(broker, yaml(), env);
  }

  /** With an unauthenticated isahit source too, so that events flow and subscriptions are delivered. */
  static GatewayHarness startDelivering(KafkaBroker broker, Map<String, String> env) throws Exception {
    return GatewayHarness.start(broker, yaml() + """
        sources:
          isahit: { kind: isahit, auth: { type: none } }
        """, env);
  }
}
