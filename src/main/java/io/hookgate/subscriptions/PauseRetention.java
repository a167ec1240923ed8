package io.hookgate.subscriptions;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What a long pause costs: a paused subscription's deliveries wait in the actions topic, which keeps records
 * for its retention only. A delivery held longer than that is deleted by Kafka and never delivered. This says
 * so, from the time the pause has lasted {@value #WARN_PERCENT}% of the retention on.
 */
public final class PauseRetention {
  static final int WARN_PERCENT = 80;
  /** Kafka's default, when the topic's retention is not configured here. */
  static final Duration KAFKA_DEFAULT = Duration.ofHours(168);

  private final String topic;
  private final Duration retention;

  /** @param retention the actions topic's retention; null when it is the broker's default */
  public PauseRetention(String topic, Duration retention) {
    this.topic = topic;
    this.retention = retention == null ? KAFKA_DEFAULT : retention;
  }

  /** A warning for a subscription paused since long enough, none otherwise. */
  public Optional<String> warning(Subscription s, Instant now) {
    if (s.pause() == null || s.pause().resuming() || s.pause().since() == null) {
      return Optional.empty();
    }
    Duration paused = Duration.between(s.pause().since(), now);
    if (paused.compareTo(retention.multipliedBy(WARN_PERCENT).dividedBy(100)) < 0) {
      return Optional.empty();
    }
    long hours = paused.toHours();
    return Optional.of(paused.compareTo(retention) >= 0
        ? "paused for " + hours + "h, longer than " + topic + " keeps records (" + retention.toHours() + "h): the "
            + "deliveries held longest have been deleted by Kafka and will not be delivered; resume it"
        : "paused for " + hours + "h; " + topic + " keeps records " + retention.toHours() + "h: resume it before "
            + s.pause().since().plus(retention) + ", or the deliveries held longest are deleted by Kafka and never "
            + "delivered");
  }
}
