package io.hookgate.config;

/**
 * The management server: health, readiness, metrics and the management API.
 *
 * @param streams the live tail of events ({@code GET /api/v1/events/stream})
 */
public record ManagementConfig(String host, int port, StreamsConfig streams) {

  public ManagementConfig {
    streams = streams == null ? StreamsConfig.defaults() : streams;
  }
}
