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
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update((id + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
      mac.update(body);
      return "v1," + Base64.getEncoder().encodeToString(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
