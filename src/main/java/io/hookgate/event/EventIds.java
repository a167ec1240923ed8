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

  /**
   * 32 hex digits (128 bits) of SHA-256 over the parts, each followed by a zero byte: the id of something that
   * has an identity of its own, such as a pulled label's (source, project, label id, version), so that the same
   * label pulled twice (live and again by a backfill, or after a restart) gets one id.
   */
  public static String fromParts(String... parts) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String part : parts) {
        sha.update(part.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
      return HexFormat.of().formatHex(sha.digest(), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
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
