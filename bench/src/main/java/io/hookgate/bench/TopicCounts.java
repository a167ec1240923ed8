package io.hookgate.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * Prints {@code <topic>\t<records>} for each topic named: the sum of its partitions' end offsets. run.sh
 * compares it with the 2xx answers wrk counted, as a check that every 202 of B, B' and C stands for a
 * record in Kafka (an idempotent producer writes no duplicates, so the counts match up to the requests
 * still in flight when wrk stopped, which wrk does not count).
 *
 * <p>Arguments: bootstrap servers, then topic names.
 */
public final class TopicCounts {
  private TopicCounts() {
  }

  public static void main(String[] args) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]))) {
      List<String> topics = List.of(args).subList(1, args.length);
      Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      described.values().forEach(d -> d.partitions()
          .forEach(p -> request.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
      var offsets = admin.listOffsets(request).all().get(30, TimeUnit.SECONDS);
      for (String topic : topics) {
        long total = offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic))
            .mapToLong(e -> e.getValue().offset()).sum();
        System.out.println(topic + "\t" + total);
      }
    }
  }
}
