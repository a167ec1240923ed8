package io.hookgate.ingress.auth;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/** Checks that a webhook comes from its sender. Implementations compare secrets in constant time. */
public interface Authenticator {

  /** Whether the body is needed; a static token is checked before the body is even read. */
  boolean needsBody();

  /**
   * @param body the raw body exactly as received, or null when {@link #needsBody()} is false
   * @param nowEpochSeconds the current time, for timestamp tolerance
   */
  AuthOutcome verify(MultiMap headers, Buffer body, long nowEpochSeconds);
}
