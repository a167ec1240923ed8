package io.hookgate.config;

/** The management server: health, readiness, metrics and the read-only admin API. */
public record ManagementConfig(String host, int port) {
}
