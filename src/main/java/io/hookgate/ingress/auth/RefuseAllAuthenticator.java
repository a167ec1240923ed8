package io.hookgate.ingress.auth;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/** Stands in for a source whose secrets are not set, so that it fails closed instead of open. */
public final class RefuseAllAuthenticator implements Authenticator {
  @Override
  public boolean needsBody() {
    return false;
  }

  @Override
  public AuthOutcome verify(MultiMap headers, Buffer body, long nowEpochSeconds) {
    return AuthOutcome.NOT_CONFIGURED;
  }
}
