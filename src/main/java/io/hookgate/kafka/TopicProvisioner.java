package io.hookgate.kafka;

import io.hookgate.config.TopicSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the topics hookgate needs when they are missing. Blocking: call it from a worker thread. */
public final class TopicProvisioner {
  private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);
  private final Admin admin;

  public TopicProvisioner(Admin admin) {
    this.admin = admin;
  }

  public void ensure(List<TopicSpec> specs, int singleNodeReplication) throws Exception {
    Set<String> existing = admin.listTopics().names().get(10, TimeUnit.SECONDS);
    List<NewTopic> missing = new ArrayList<>();
    for (TopicSpec spec : specs) {
      if (existing.contains(spec.name())) {
        continue;
      }
      short rf = singleNodeReplication > 0 ? (short) singleNodeReplication : spec.replicationFactor();
      NewTopic topic = new NewTopic(spec.name(), Optional.of(spec.partitions()),
          rf > 0 ? Optional.of(rf) : Optional.empty());
      Map<String, String> configs = new HashMap<>();
      configs.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(KafkaClientFactory.MAX_RECORD_BYTES));
      if (spec.retention() != null) {
        configs.put(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(spec.retention().toMillis()));
      }
      if (spec.compacted()) {
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
      }
      missing.add(topic.configs(configs));
    }
    if (missing.isEmpty()) {
      return;
    }
    for (var entry : admin.createTopics(missing).values().entrySet()) {
      try {
        entry.getValue().get(10, TimeUnit.SECONDS);
        LOG.info("Created topic {}", entry.getKey());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    }
  }
}
