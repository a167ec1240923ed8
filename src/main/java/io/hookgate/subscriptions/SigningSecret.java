package io.hookgate.subscriptions;

import java.time.Instant;

/**
 * A Standard Webhooks signing secret of a subscription. After a rotation the previous one keeps signing,
 * beside the new one, until {@code expiresAt}, so that receivers can switch without missing a delivery.
 *
 * @param secret {@code whsec_} and base64 of 24 random bytes
 * @param expiresAt null for the current secret
 */
public record SigningSecret(String secret, Instant createdAt, Instant expiresAt) {

  @Override
  public String toString() {
    return "SigningSecret[****, createdAt=" + createdAt + ", expiresAt=" + expiresAt + "]";
  }
}
