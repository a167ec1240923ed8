package io.hookgate.testing;

/** The configuration of gateway replicas that share one run's topics, each on ports of its own. */
public final class Replicas {
  private Replicas() {
  }

  /**
   * A replica's YAML: topics named after {@code run}, an unauthenticated isahit source, 127.0.0.1 allowed as a
   * subscription host, the key at {@code HOOKGATE_ENCRYPTION_KEY}.
   *
   * @param subscriptionPartitions of the subscriptions and their commands topics (1: one replica writes them all)
   * @param subscriptionsSettings more keys of the {@code subscriptions} section, indented as its keys ("" for none)
   */
  public static String yaml(KafkaBroker broker, String run, int subscriptionPartitions, String subscriptionsSettings) {
    int[] ports = KafkaBrokers.freePorts(2);
    return """
        ingress: { port: %d, instances: 1 }
        management: { port: %d }
        kafka:
          bootstrapServers: "%s"
          topics:
            events: { name: events-%s, partitions: 3, replicationFactor: 1 }
            actions: { name: actions-%s, partitions: 3, replicationFactor: 1 }
            actionsRetry: { name: retry-%s, partitions: 1, replicationFactor: 1 }
            deadLetter: { name: dlq-%s, partitions: 1, replicationFactor: 1 }
            deliveryStatus: { name: status-%s, partitions: 1, replicationFactor: 1, compacted: true }
            subscriptions: { name: subscriptions-%s, partitions: %d, replicationFactor: 1, compacted: true }
            subscriptionCommands: { name: commands-%s, partitions: %d, replicationFactor: 1 }
            operations: { name: operations-%s, partitions: 1, replicationFactor: 1 }
            jobs: { name: jobs-%s, partitions: 1, replicationFactor: 1, compacted: true }
        sources:
          isahit: { kind: isahit, auth: { type: none } }
        subscriptions:
          allowedHosts: [ 127.0.0.1 ]
        %s
        encryption:
          keys: [ env:HOOKGATE_ENCRYPTION_KEY ]
        shutdown: { gracePeriod: 5s }
        """.formatted(ports[0], ports[1], broker.bootstrapServers(), run, run, run, run,
        run, run, subscriptionPartitions, run, subscriptionPartitions, run, run, subscriptionsSettings);
  }
}
