package io.hookgate.config;

/** The single-node broker started when no bootstrap servers are configured. */
public record EmbeddedKafkaConfig(String dataDir, String host, int port, int controllerPort) {
}
