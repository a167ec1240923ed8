package io.hookgate.ingress.auth;

import io.hookgate.config.Secret;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * A static shared token in a header, as Kili, V7, Isahit Lab ({@code Authorization}) and Aquarium
 * ({@code X-Aquarium-Secret}) send it. The header value must equal one of the secrets exactly.
 */
public final class HeaderTokenAuthenticator implements Authenticator {
  private final String header;
  private final List<byte[]> secrets;

  public HeaderTokenAuthenticator(String header, List<Secret> secrets) {
    this.header = header;
    this.secrets = secrets.stream().map(Secret::bytes).toList();
  }

  @Override
  public boolean needsBody() {
    return false;
  }

  @Override
  public AuthOutcome verify(MultiMap headers, Buffer body, long nowEpochSeconds) {
    String presented = headers.get(header);
    if (presented == null || presented.isEmpty()) {
      return AuthOutcome.MISSING;
    }
    byte[] candidate = presented.getBytes(StandardCharsets.UTF_8);
    boolean match = false;
    // Compare against every secret, without stopping early, so timing says nothing about which matched.
    for (byte[] secret : secrets) {
      match |= MessageDigest.isEqual(candidate, secret);
    }
    return match ? AuthOutcome.OK : AuthOutcome.INVALID;
  }
}
