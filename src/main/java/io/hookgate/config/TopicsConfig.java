package io.hookgate.config;

import java.util.List;

/**
 * The topics hookgate writes; their names and formats are a public contract (see docs/event-contract.md).
 *
 * @param events canonical CloudEvents, key = project
 * @param actions outbound calls emitted by rules, key = target
 * @param actionsRetry actions waiting for a retry, with their due time
 * @param deadLetter actions that exhausted their retries or failed permanently, with the last error
 * @param deliveryStatus compacted: the latest lastCall/lastError per target and subscription
 */
public record TopicsConfig(TopicSpec events, TopicSpec actions, TopicSpec actionsRetry, TopicSpec deadLetter,
    TopicSpec deliveryStatus) {

  public List<TopicSpec> all() {
    return java.util.stream.Stream.of(events, actions, actionsRetry, deadLetter, deliveryStatus)
        .filter(java.util.Objects::nonNull).toList();
  }
}
