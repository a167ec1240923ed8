package io.hookgate.connections;

import io.hookgate.config.ConnectConfig;

/**
 * A source that connects: its name, kind and settings, and its platform's client; null {@code platform} with the
 * reason when the platform's credentials are not set, so that connecting says so rather than failing at start.
 */
record SourcePlatform(String source, String kind, ConnectConfig config, Platform platform, String unavailable) {
}
