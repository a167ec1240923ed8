package io.hookgate.connections;

import io.hookgate.config.Secret;
import java.time.Instant;

/**
 * hookgate registered on a platform for one project of a source: the webhook URL it gave the platform, the secret
 * the platform sends back in the {@code Authorization} header, and how the last call to the platform went. The
 * secrets are in clear here, in memory only; they are encrypted in Kafka and never shown.
 *
 * @param previousSecret the secret before the last rotation, accepted until {@code previousUntil}; null if none
 * @param state {@code connected} once the platform took the registration, {@code error} when its last call failed
 * @param message why the last call failed (the platform's answer, without any secret); null when it did not
 * @param lastCheck when the platform was last called for this connection (connect, rotate, or the recheck)
 * @param batches Isahit Lab: how many batches the webhook was set on at the last check; 0 for Kili
 */
public record Connection(String source, String projectId, String kind, String webhookUrl, Secret secret,
    Secret previousSecret, Instant previousUntil, State state, String message, Instant createdAt, Instant updatedAt,
    Instant lastCheck, int batches) {

  /** How the registration stands on the platform. */
  public enum State {
    connecting, connected, error
  }

  /** The Kafka key and the id in memory: {@code <source>/<projectId>}. */
  public static String key(String source, String projectId) {
    return source + "/" + projectId;
  }

  public String key() {
    return key(source, projectId);
  }

  /** Whether the previous secret is still accepted at {@code now}. */
  public boolean previousAccepted(Instant now) {
    return previousSecret != null && previousUntil != null && now.isBefore(previousUntil);
  }

  /** After a call to the platform: its outcome and when it was made. */
  Connection checked(State newState, String newMessage, Instant at, int batchCount) {
    return new Connection(source, projectId, kind, webhookUrl, secret, previousSecret, previousUntil, newState,
        newMessage, createdAt, at, at, batchCount);
  }
}
