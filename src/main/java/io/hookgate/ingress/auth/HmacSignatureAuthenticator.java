package io.hookgate.ingress.auth;

import io.hookgate.config.Secret;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;

/**
 * An HMAC-SHA256 of the raw body in a header, optionally after a prefix: GitHub's
 * {@code X-Hub-Signature-256: sha256=<hex>} and the many senders that copied it.
 */
public final class HmacSignatureAuthenticator implements Authenticator {
  private final String header;
  private final String prefix;
  private final boolean base64;
  private final List<Mac> macs;

  public HmacSignatureAuthenticator(String header, String prefix, String encoding, List<Secret> secrets) {
    this.header = header;
    this.prefix = prefix == null ? "" : prefix;
    this.base64 = "base64".equals(encoding);
    this.macs = secrets.stream().map(s -> Hmac.prototype(s.bytes())).toList();
  }

  @Override
  public boolean needsBody() {
    return true;
  }

  @Override
  public AuthOutcome verify(MultiMap headers, Buffer body, long nowEpochSeconds) {
    String value = headers.get(header);
    if (value == null || value.isEmpty()) {
      return AuthOutcome.MISSING;
    }
    if (!value.regionMatches(true, 0, prefix, 0, prefix.length())) {
      return AuthOutcome.INVALID;
    }
    byte[] presented;
    try {
      String sig = value.substring(prefix.length()).trim();
      presented = base64 ? Base64.getDecoder().decode(sig) : HexFormat.of().parseHex(sig);
    } catch (IllegalArgumentException e) {
      return AuthOutcome.INVALID;
    }
    byte[] content = body.getBytes();
    boolean match = false;
    for (Mac prototype : macs) {
      match |= MessageDigest.isEqual(presented, Hmac.sign(prototype, content));
    }
    return match ? AuthOutcome.OK : AuthOutcome.INVALID;
  }
}
