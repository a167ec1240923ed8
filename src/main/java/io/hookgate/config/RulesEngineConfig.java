package io.hookgate.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.time.Duration;

/**
 * How the rules consumers run (the rules themselves are the top-level {@code rules:} list).
 *
 * @param groupId Kafka consumer group shared by every rules consumer of every replica; empty: named after
 *     the events topic, {@code <events topic>.rules} (as the action consumers' groups are named after theirs)
 * @param instances rules consumers (verticles, each with its own thread and Kafka consumer) per replica
 * @param maxInFlight events read but whose actions are not yet acknowledged, per consumer; above it the
 *     consumer pauses
 * @param drainTimeout on shutdown or when partitions are revoked, how long to wait for events in flight
 *     before committing what is done
 * @param autoOffsetReset where a group with no committed offset starts: earliest (default; loses nothing)
 *     or latest
 */
public record RulesEngineConfig(
    String groupId,
    int instances,
    int maxInFlight,
    @JsonDeserialize(using = ConfigDeserializers.Dur.class) Duration drainTimeout,
    String autoOffsetReset) {

  public RulesEngineConfig {
    groupId = groupId == null ? "" : groupId.trim();
    instances = instances <= 0 ? 1 : instances;
    maxInFlight = maxInFlight <= 0 ? 256 : maxInFlight;
    drainTimeout = drainTimeout == null ? Duration.ofSeconds(5) : drainTimeout;
    autoOffsetReset = autoOffsetReset == null ? "earliest" : autoOffsetReset;
  }

  /** The group to use for this events topic. */
  public String groupId(String eventsTopic) {
    return groupId.isEmpty() ? eventsTopic + ".rules" : groupId;
  }

  public static RulesEngineConfig defaults() {
    return new RulesEngineConfig(null, 0, 0, null, null);
  }
}
