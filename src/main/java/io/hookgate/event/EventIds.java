package io.hookgate.event;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic event ids: a webhook sent twice gets the same id, so consumers can drop the second. The
 * sender's delivery id is used where it has one; otherwise the id is derived from the source and the body.
 */
public final class EventIds {
  private EventIds() {
  }

  /** 32 hex digits (128 bits) of SHA-256 over the source name and the raw body. */
  public static String fromBody(String sourceName, byte[] body) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(sourceName.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(body);
      return HexFormat.of().formatHex(sha.digest(), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
