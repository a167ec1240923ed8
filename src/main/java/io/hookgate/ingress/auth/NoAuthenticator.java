package io.hookgate.ingress.auth;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/** {@code auth: none}: only ever by explicit configuration. */
public final class NoAuthenticator implements Authenticator {
  @Override
  public boolean needsBody() {
    return false;
  }

  @Override
  public AuthOutcome verify(MultiMap headers, Buffer body, long nowEpochSeconds) {
    return AuthOutcome.OK;
  }
}
