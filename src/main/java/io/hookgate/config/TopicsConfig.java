package io.hookgate.config;

import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The topics hookgate writes; their names and formats are a public contract (see docs/event-contract.md).
 *
 * @param events canonical CloudEvents, key = project
 * @param actions outbound calls emitted by rules, key = target
 * @param actionsRetry actions waiting for a retry, with their due time
 * @param deadLetter actions that exhausted their retries or failed permanently, with the last error
 * @param deliveryStatus compacted: the latest lastCall/lastError per target and subscription
 * @param subscriptions compacted: every subscription's latest state, key = subscription id
 * @param subscriptionCommands the changes asked of subscriptions, applied in order by one writer per partition
 * @param operations hookgate's own CloudEvents (a subscription created, paused, disabled; a delivery given up)
 * @param jobs compacted: the replays and redrives asked for, with their progress
 * @param pullPositions compacted: how far each pull source (Kili's subscription) has read each project, key =
 *     {@code <source>/<project>}
 * @param connections compacted: hookgate's registrations on the platforms, with their encrypted secrets, key =
 *     {@code <source>/<project>}
 */
public record TopicsConfig(TopicSpec events, TopicSpec actions, TopicSpec actionsRetry, TopicSpec deadLetter,
    TopicSpec deliveryStatus, TopicSpec subscriptions, TopicSpec subscriptionCommands, TopicSpec operations,
    TopicSpec jobs, TopicSpec pullPositions, TopicSpec connections) {

  public List<TopicSpec> all() {
    return Stream.of(events, actions, actionsRetry, deadLetter, deliveryStatus, subscriptions, subscriptionCommands,
        operations, jobs, pullPositions, connections).filter(Objects::nonNull).toList();
  }
}
