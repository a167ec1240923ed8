package io.hookgate.ingress;

import io.hookgate.ingress.auth.Authenticator;
import io.hookgate.ingress.source.WebhookSource;

/** A source ready to serve: its name, how it authenticates, how its bodies are read, and its body limit. */
public record ConfiguredSource(String name, String kind, Authenticator authenticator, WebhookSource webhookSource,
    long maxBodyBytes) {
}
