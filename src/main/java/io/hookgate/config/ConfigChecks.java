package io.hookgate.config;

import io.hookgate.ingress.source.SourceKind;
import io.hookgate.ingress.source.SourceKinds;
import java.time.Duration;

/**
 * Checks a bound configuration as a whole, with errors naming the key as {@code config key '...': ...}. Apart from
 * {@link ConfigLoader}, which reads and binds the files and the environment, so that each stays one job; a
 * source's {@code auth} is checked by {@link AuthConfigChecks}, its kind's own keys by its {@link SourceKind}.
 */
final class ConfigChecks {
  private ConfigChecks() {
  }

  /** @throws ConfigException naming the first key whose value is refused */
  static void validate(HookgateConfig c) {
    require(c.ingress() != null, "ingress", "is missing");
    port("ingress.port", c.ingress().port());
    port("management.port", c.management().port());
    require(c.ingress().port() != c.management().port(), "management.port", "must differ from ingress.port");
    StreamsConfig streams = c.management().streams();
    require(streams.maxClients() >= 0, "management.streams.maxClients", "must be 0 or more (0: no stream)");
    require(streams.heartbeat().toMillis() >= 100, "management.streams.heartbeat", "must be at least 100ms");
    require(streams.bufferSize() >= 4096, "management.streams.bufferSize", "must be at least 4KiB");
    require(streams.maxCatchUps() >= 1, "management.streams.maxCatchUps", "must be at least 1");
    require(streams.cpuShare() > 0 && streams.cpuShare() <= 1, "management.streams.cpuShare",
        "must be more than 0 and at most 1 (1: all the processors the gateway has)");
    require(c.ingress().maxBodyBytes() > 0, "ingress.maxBodyBytes", "must be positive");
    require(c.ingress().publishTimeout().toMillis() >= 100, "ingress.publishTimeout", "must be at least 100ms");
    require(!c.ingress().lingerTime().isNegative(), "ingress.lingerTime", "must not be negative (0s: close at once)");
    require(c.ingress().lingerMaxBytes() >= 0, "ingress.lingerMaxBytes", "must not be negative");
    require(c.ingress().recentRequests() >= 0 && c.ingress().recentRequests() <= 10_000, "ingress.recentRequests",
        "must be between 0 and 10000");
    String publicUrl = c.ingress().publicUrl();
    require(publicUrl == null || publicUrl.isBlank() || publicUrl.matches("https?://[^\\s/?#]+(/[^\\s?#]*)?"),
        "ingress.publicUrl", "must be an http(s) URL without query, such as https://hooks.example.com");
    require(c.kafka().topics() != null && c.kafka().topics().events() != null, "kafka.topics.events", "is missing");
    require(
        !c.kafka().commitInterval().isNegative() && c.kafka().commitInterval().compareTo(Duration.ofMinutes(1)) <= 0,
        "kafka.commitInterval", "must be between 0 (after every poll) and 1m");
    require(c.kafka().groupInstanceId().matches("[A-Za-z0-9._-]{0,200}"), "kafka.groupInstanceId",
        "must be letters, digits, '.', '_' and '-' (a pod name), at most 200");
    for (TopicSpec t : c.kafka().topics().all()) {
      require(t.name() != null && t.name().matches("[a-zA-Z0-9._-]{1,249}"), "kafka.topics",
          "topic name '" + t.name() + "' is not a valid Kafka topic name");
    }
    if (c.kafka().useEmbedded()) {
      port("kafka.embedded.port", c.kafka().embedded().port());
      port("kafka.embedded.controllerPort", c.kafka().embedded().controllerPort());
    }
    c.sources().forEach((name, s) -> {
      String key = "sources." + name;
      require(name.matches("[a-z0-9][a-z0-9_-]{0,62}"), key,
          "source names are lower-case letters, digits, '-' and '_'");
      require(s != null, key, "is empty");
      SourceKind kind = s.kind() == null ? null : SourceKinds.find(s.kind()).orElse(null);
      require(kind != null, key + ".kind",
          "must be one of " + String.join(", ", SourceKinds.names()) + " (got '" + s.kind() + "')");
      if (kind.takesWebhooks()) {
        AuthConfigChecks.validate(key + ".auth", s.auth());
      } else {
        require(s.auth() == null, key + ".auth", "a " + s.kind() + " source takes no webhooks, so it has no auth;"
            + " its credentials are under pull");
      }
      require(s.pull() == null || kind.name().equals("kili-subscription"), key + ".pull",
          "only a kili-subscription source pulls");
      if (s.connect() != null) {
        s.connect().validate(key + ".connect", kind.name());
      }
      if (s.maxBodyBytes() != null) {
        require(s.maxBodyBytes() > 0, key + ".maxBodyBytes", "must be positive");
      }
      kind.validate(key, s);
    });
  }

  private static void port(String key, int port) {
    require(port > 0 && port < 65536, key, "must be a TCP port between 1 and 65535 (got " + port + ")");
  }

  private static void require(boolean ok, String key, String message) {
    if (!ok) {
      throw new ConfigException("config key '" + key + "': " + message);
    }
  }
}
