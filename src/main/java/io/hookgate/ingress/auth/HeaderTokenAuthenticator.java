package io.hookgate.ingress.auth;

import io.hookgate.config.Secret;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * A static shared token in a header, as Kili, V7, Isahit Lab ({@code Authorization}) and Aquarium
 * ({@code X-Aquarium-Secret}) send it. The header value must equal one of the secrets exactly: the configured
 * ones, or those of the source's connections.
 */
public final class HeaderTokenAuthenticator implements Authenticator {
  private final String header;
  private final AcceptedTokens tokens;

  public HeaderTokenAuthenticator(String header, List<Secret> secrets) {
    List<byte[]> fixed = secrets.stream().map(Secret::bytes).toList();
    this.header = header;
    this.tokens = now -> fixed;
  }

  /** Tokens that change while the gateway runs: a source's connections' secrets. */
  public HeaderTokenAuthenticator(String header, AcceptedTokens tokens) {
    this.header = header;
    this.tokens = tokens;
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
    for (byte[] secret : tokens.at(nowEpochSeconds)) {
      match |= MessageDigest.isEqual(candidate, secret);
    }
    return match ? AuthOutcome.OK : AuthOutcome.INVALID;
  }
}
