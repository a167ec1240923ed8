package io.hookgate.actions;

import io.hookgate.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs outbound forwards the Standard Webhooks way (standardwebhooks.com, symmetric {@code v1}): the
 * signature is the base64 HMAC-SHA256 of {@code webhook-id.webhook-timestamp.body}, keyed with the base64
 * part of a {@code whsec_} secret, sent as {@code webhook-signature: v1,<base64>}. Any stock Standard
 * Webhooks (or Svix) library verifies it.
 */
final class StandardWebhooksSigner {
  private StandardWebhooksSigner() {
  }

  /** The HMAC key of a {@code whsec_} secret; the message names only where the secret came from. */
  static byte[] key(Secret secret) {
    String text = secret.reveal();
    if (!text.startsWith("whsec_")) {
      throw new IllegalArgumentException("the secret from " + secret.origin() + " does not start with whsec_");
    }
    try {
      return Base64.getDecoder().decode(text.substring("whsec_".length()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the secret from " + secret.origin() + " is not whsec_ followed by base64");
    }
  }

  /** The {@code webhook-signature} header value for this message. */
  static String sign(byte[] key, String id, long timestampSeconds, byte[] body) {
    return new Keyed(key).sign(id, timestampSeconds, body);
  }

  /**
   * One key's signer: its HMAC is initialized once and cloned per message ({@code Mac.getInstance} and
   * {@code init} per call were a quarter of the signing cost). Not thread-safe: one per event loop.
   */
  static final class Keyed {
    private final Mac prototype;

    Keyed(byte[] key) {
      try {
        prototype = Mac.getInstance("HmacSHA256");
        prototype.init(new SecretKeySpec(key, "HmacSHA256"));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 is not available", e);
      }
    }

    String sign(String id, long timestampSeconds, byte[] body) {
      Mac mac;
      try {
        mac = (Mac) prototype.clone();
      } catch (CloneNotSupportedException e) {
        // A provider whose HMAC cannot be cloned: the prototype itself, reset by doFinal, will do.
        mac = prototype;
      }
      mac.update((id + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
      mac.update(body);
      return "v1," + Base64.getEncoder().encodeToString(mac.doFinal());
    }
  }
}
