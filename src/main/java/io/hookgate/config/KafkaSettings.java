package io.hookgate.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.time.Duration;
import java.util.Map;

/**
 * Kafka connection and topics.
 *
 * @param bootstrapServers the cluster to use; empty starts the embedded single-node broker
 * @param createTopics create missing topics at start with the partitions and replication below
 * @param producer extra producer properties, applied over hookgate's (except the durability ones)
 * @param client extra properties for every client (security settings such as SASL and TLS)
 * @param commitInterval how often the rules and action consumers commit the offsets of what they have
 *     finished, at most (0: after every poll). Every commit is a write to the broker's offsets topic; after
 *     a crash, up to this much finished work is done again, with the same action ids
 * @param groupInstanceId empty (default): the consumers are dynamic group members. Set (to the pod's name):
 *     static members, {@code group.instance.id = <this>.<client id>}, so that a replica restarted after a
 *     crash with the same name takes its partitions back at once instead of after the session timeout
 */
public record KafkaSettings(
    String bootstrapServers,
    EmbeddedKafkaConfig embedded,
    TopicsConfig topics,
    boolean createTopics,
    Map<String, String> producer,
    Map<String, String> client,
    @JsonDeserialize(using = ConfigDeserializers.Dur.class) Duration commitInterval,
    String groupInstanceId) {

  public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(200);

  public KafkaSettings {
    producer = producer == null ? Map.of() : Map.copyOf(producer);
    client = client == null ? Map.of() : Map.copyOf(client);
    commitInterval = commitInterval == null ? DEFAULT_COMMIT_INTERVAL : commitInterval;
    groupInstanceId = groupInstanceId == null ? "" : groupInstanceId.trim();
  }

  public boolean useEmbedded() {
    return bootstrapServers == null || bootstrapServers.isBlank();
  }
}
