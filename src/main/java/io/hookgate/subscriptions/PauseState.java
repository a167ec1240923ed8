package io.hookgate.subscriptions;

import java.time.Instant;

/**
 * A paused subscription, or one delivering what it held while paused. While paused, the deliveries of the
 * events it matches are kept in the actions topic (Kafka holds them: nothing is sent, nothing is lost); on
 * resume they are delivered from there, in order, before the ones that follow.
 *
 * @param resuming false while paused; true once resumed, until what was held is delivered
 * @param heldFrom where the held deliveries start: the offset, in the subscription's partition of the actions
 *     topic, of the first one held; null until its consumer has recorded it
 */
public record PauseState(Instant since, String reason, boolean resuming, Long heldFrom) {

  public PauseState withHeldFrom(long offset) {
    return new PauseState(since, reason, resuming, offset);
  }

  public PauseState resumed() {
    return new PauseState(since, reason, true, heldFrom);
  }
}
