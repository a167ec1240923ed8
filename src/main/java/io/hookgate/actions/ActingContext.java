package io.hookgate.actions;

import io.hookgate.delivery.DeliveryRecorder;
import io.hookgate.event.EventPublisher;
import io.hookgate.event.OperationalEvents;
import java.time.Clock;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * What the action and retry verticles share, built once by {@link ActionsModule}.
 *
 * @param targets the configured targets, by name
 * @param breakers one per target, shared by every verticle of this replica and read by the status API
 * @param publisher writes outcomes, retries, dead letters and {@code then} actions
 * @param operations hookgate's own events ({@code hookgate.attempt.exhausted}); null for none
 */
record ActingContext(ActionTopics topics, Map<String, Target> targets, Map<String, CircuitBreaker> breakers,
    EventPublisher publisher, DeliveryRecorder recorder, ActionCodec codec, ActionMetrics metrics, Clock clock,
    RandomGenerator random, OperationalEvents operations) {

  ActingContext {
    targets = Map.copyOf(targets);
    breakers = Map.copyOf(breakers);
  }
}
