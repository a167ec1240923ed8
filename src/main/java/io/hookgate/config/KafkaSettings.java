package io.hookgate.config;

import java.util.Map;

/**
 * Kafka connection and topics.
 *
 * @param bootstrapServers the cluster to use; empty starts the embedded single-node broker
 * @param createTopics create missing topics at start with the partitions and replication below
 * @param producer extra producer properties, applied over hookgate's (except the durability ones)
 * @param client extra properties for every client (security settings such as SASL and TLS)
 */
public record KafkaSettings(
    String bootstrapServers,
    EmbeddedKafkaConfig embedded,
    TopicsConfig topics,
    boolean createTopics,
    Map<String, String> producer,
    Map<String, String> client) {

  public KafkaSettings {
    producer = producer == null ? Map.of() : Map.copyOf(producer);
    client = client == null ? Map.of() : Map.copyOf(client);
  }

  public boolean useEmbedded() {
    return bootstrapServers == null || bootstrapServers.isBlank();
  }
}
