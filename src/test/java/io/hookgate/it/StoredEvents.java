package io.hookgate.it;

import io.hookgate.testing.EventConsumer;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What a topic holds, counted by CloudEvent id with a plain consumer reading from the beginning, as a
 * downstream team would.
 *
 * @param records every record read
 * @param countById how many records carry each CloudEvent id
 */
record StoredEvents(int records, Map<String, Integer> countById) {

  /**
   * Reads {@code topic} until every id in {@code expected} has been seen or {@code timeout} passed, then
   * for {@code quiet} more so that the records written without a 202 are counted too.
   */
  static StoredEvents read(String bootstrapServers, String topic, Collection<String> expected, Duration timeout,
      Duration quiet) {
    Set<String> wanted = Set.copyOf(expected);
    Map<String, Integer> byId = new HashMap<>();
    int[] decoded = {0};
    try (EventConsumer consumer = new EventConsumer(bootstrapServers, topic)) {
      consumer.pollUntil(records -> {
        countNew(records, decoded, byId);
        return byId.keySet().containsAll(wanted);
      }, timeout);
      List<ConsumerRecord<String, byte[]>> all = consumer.drain(quiet);
      countNew(all, decoded, byId);
      return new StoredEvents(all.size(), Map.copyOf(byId));
    }
  }

  private static void countNew(List<ConsumerRecord<String, byte[]>> records, int[] decoded, Map<String, Integer> byId) {
    for (int i = decoded[0]; i < records.size(); i++) {
      byId.merge(EventConsumer.toCloudEvent(records.get(i)).getId(), 1, Integer::sum);
    }
    decoded[0] = records.size();
  }

  /** The ids of {@code ids} that the topic does not hold. */
  List<String> missing(Collection<String> ids) {
    return ids.stream().filter(id -> !countById.containsKey(id)).toList();
  }

  /** Ids stored more than once. */
  List<String> duplicated() {
    return countById.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
  }
}
