package io.hookgate.ingress.auth;

import io.hookgate.config.Secret;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;

/**
 * Standard Webhooks (standardwebhooks.com) symmetric signatures: {@code webhook-id},
 * {@code webhook-timestamp} and {@code webhook-signature} with space-separated {@code v1,<base64>}
 * entries over {@code id.timestamp.body}, keyed by the base64 part of a {@code whsec_} secret. A timestamp
 * further than the tolerance from now is refused, which bounds replays.
 */
public final class StandardWebhooksAuthenticator implements Authenticator {
  private static final byte[] DOT = {'.'};
  private final List<Mac> macs;
  private final long toleranceSeconds;

  public StandardWebhooksAuthenticator(List<Secret> secrets, Duration tolerance) {
    this.macs = secrets.stream().map(s -> Hmac.prototype(key(s))).toList();
    this.toleranceSeconds = tolerance.toSeconds();
  }

  /** The HMAC key of a secret; throws IllegalArgumentException, naming only the origin, when it is not base64. */
  public static byte[] key(Secret secret) {
    String text = secret.reveal();
    if (text.startsWith("whsec_")) {
      text = text.substring("whsec_".length());
    }
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the Standard Webhooks secret from " + secret.origin()
          + " is not whsec_ followed by base64");
    }
  }

  @Override
  public boolean needsBody() {
    return true;
  }

  @Override
  public AuthOutcome verify(MultiMap headers, Buffer body, long nowEpochSeconds) {
    String id = headers.get("webhook-id");
    String timestamp = headers.get("webhook-timestamp");
    String signature = headers.get("webhook-signature");
    if (id == null || timestamp == null || signature == null || id.isEmpty() || signature.isEmpty()) {
      return AuthOutcome.MISSING;
    }
    long ts;
    try {
      ts = Long.parseLong(timestamp.trim());
    } catch (NumberFormatException e) {
      return AuthOutcome.INVALID;
    }
    if (Math.abs(nowEpochSeconds - ts) > toleranceSeconds) {
      return AuthOutcome.STALE;
    }
    List<byte[]> presented = new ArrayList<>(2);
    for (String entry : signature.trim().split(" +")) {
      if (entry.startsWith("v1,")) {
        try {
          presented.add(Base64.getDecoder().decode(entry.substring(3)));
        } catch (IllegalArgumentException ignored) {
          // A malformed entry cannot match; another entry still may.
        }
      }
    }
    if (presented.isEmpty()) {
      return AuthOutcome.INVALID;
    }
    byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
    byte[] tsBytes = timestamp.trim().getBytes(StandardCharsets.UTF_8);
    byte[] content = body.getBytes();
    boolean match = false;
    for (Mac prototype : macs) {
      byte[] expected = Hmac.sign(prototype, idBytes, DOT, tsBytes, DOT, content);
      for (byte[] p : presented) {
        match |= MessageDigest.isEqual(expected, p);
      }
    }
    return match ? AuthOutcome.OK : AuthOutcome.INVALID;
  }
}
