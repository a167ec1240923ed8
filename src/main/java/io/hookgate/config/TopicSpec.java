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
}
