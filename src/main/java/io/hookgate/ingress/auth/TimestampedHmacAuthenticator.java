package io.hookgate.ingress.auth;

import io.hookgate.config.Secret;
import io.hookgate.config.SignedContent;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;

/**
 * A timestamp and HMAC-SHA256 signatures in one header, {@code t=1623224691,v1=<hex>,v1=<hex>}: Stripe's
 * {@code Stripe-Signature}, V7's {@code v7-signature} and many others. The signed content is a template
 * ({@code {t}.{body}} by default) over the timestamp as sent and the raw body; the key is the secret's text as
 * the sender shows it (Stripe's {@code whsec_...} included, used as is). Any signature under the signature key
 * may match any secret (the sender signs with both while rotating), hex in either case. A timestamp further
 * than the tolerance from now, either way, is refused, which bounds replays.
 */
public final class TimestampedHmacAuthenticator implements Authenticator {
  private static final int MAX_TIMESTAMP_DIGITS = 18; // fits a long

  private final String header;
  private final String timestampKey;
  private final String signatureKey;
  private final List<SignedContent.Part> parts;
  private final List<byte[]> literals;
  private final List<Mac> macs;
  private final long toleranceSeconds;

  public TimestampedHmacAuthenticator(String header, String timestampKey, String signatureKey,
      SignedContent signedContent, List<Secret> secrets, Duration tolerance) {
    this.header = header;
    this.timestampKey = timestampKey;
    this.signatureKey = signatureKey;
    this.parts = signedContent.parts();
    // Encoded once: the literal of each part, by index (null for a placeholder).
    this.literals = parts.stream()
        .map(p -> p instanceof SignedContent.Literal l ? l.text().getBytes(StandardCharsets.UTF_8) : null)
        .toList();
    this.macs = secrets.stream().map(s -> Hmac.prototype(s.bytes())).toList();
    this.toleranceSeconds = tolerance.toSeconds();
  }

  @Override
  public boolean needsBody() {
    return true;
  }

  @Override
  public AuthOutcome verify(MultiMap headers, Buffer body, long nowEpochSeconds) {
    String value = headers.get(header);
    if (value == null || value.isBlank()) {
      return AuthOutcome.MISSING;
    }
    String timestamp = null;
    List<byte[]> presented = new ArrayList<>(2);
    for (String item : value.split(",")) {
      int eq = item.indexOf('=');
      if (eq < 0) {
        continue; // not key=value: cannot be the timestamp or a signature
      }
      String key = item.substring(0, eq).trim();
      String text = item.substring(eq + 1).trim();
      if (key.equals(timestampKey)) {
        if (timestamp != null) {
          return AuthOutcome.MALFORMED; // two timestamps: which one was signed is anyone's guess
        }
        timestamp = text;
      } else if (key.equals(signatureKey) && !text.isEmpty()) {
        try {
          presented.add(HexFormat.of().parseHex(text)); // either case
        } catch (IllegalArgumentException ignored) {
          // Not hex: cannot match; another signature still may.
        }
      }
    }
    if (timestamp == null || timestamp.isEmpty() || timestamp.length() > MAX_TIMESTAMP_DIGITS
        || !timestamp.chars().allMatch(c -> c >= '0' && c <= '9') || presented.isEmpty()) {
      return AuthOutcome.MALFORMED;
    }
    if (Math.abs(nowEpochSeconds - Long.parseLong(timestamp)) > toleranceSeconds) {
      return AuthOutcome.STALE;
    }
    byte[][] content = signedContent(timestamp.getBytes(StandardCharsets.US_ASCII), body.getBytes());
    boolean match = false;
    // Every secret against every signature, without stopping early: timing says nothing about which matched.
    for (Mac prototype : macs) {
      byte[] expected = Hmac.sign(prototype, content);
      for (byte[] p : presented) {
        match |= MessageDigest.isEqual(expected, p);
      }
    }
    return match ? AuthOutcome.OK : AuthOutcome.INVALID;
  }

  private byte[][] signedContent(byte[] timestamp, byte[] body) {
    byte[][] content = new byte[parts.size()][];
    for (int i = 0; i < content.length; i++) {
      SignedContent.Part part = parts.get(i);
      content[i] = part instanceof SignedContent.Timestamp ? timestamp
          : part instanceof SignedContent.Body ? body : literals.get(i);
    }
    return content;
  }
}
