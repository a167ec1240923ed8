package io.hookgate.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.time.Duration;

/**
 * One topic.
 *
 * @param replicationFactor -1 takes the broker's default
 * @param retention null keeps the broker's default
 */
public record TopicSpec(
    String name,
    int partitions,
    short replicationFactor,
    @JsonDeserialize(using = ConfigDeserializers.Dur.class) Duration retention,
    boolean compacted) {

  /** The name of the topic configured at {@code kafka.topics.<key>}; a configuration error naming the key if none. */
  public static String requiredName(TopicSpec spec, String key) {
    if (spec == null || spec.name() == null || spec.name().isBlank()) {
      throw new ConfigException("config key 'kafka.topics." + key + "': is required");
    }
    return spec.name();
  }
}
