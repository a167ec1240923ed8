package io.hookgate.ingress.auth;

import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 with keyed prototypes that are cloned per use: cheaper than a new Mac, and thread-safe. */
final class Hmac {
  private Hmac() {
  }

  static Mac prototype(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  static byte[] sign(Mac prototype, byte[]... parts) {
    try {
      Mac mac = (Mac) prototype.clone();
      for (byte[] part : parts) {
        mac.update(part);
      }
      return mac.doFinal();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("HmacSHA256 provider does not support clone", e);
    }
  }
}
