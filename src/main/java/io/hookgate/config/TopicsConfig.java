package io.hookgate.config;

import java.util.List;

/** The topics hookgate writes; their names and formats are a public contract (see README). */
public record TopicsConfig(TopicSpec events) {

  public List<TopicSpec> all() {
    return List.of(events);
  }
}
