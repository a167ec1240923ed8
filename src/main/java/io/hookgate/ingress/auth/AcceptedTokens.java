package io.hookgate.ingress.auth;

import java.util.List;

/**
 * The tokens a {@link HeaderTokenAuthenticator} accepts at a given time: fixed ones from the configuration, or
 * those of a source's connections, which change while the gateway runs (a connection made, a secret rotated, an
 * overlap ended).
 */
@FunctionalInterface
public interface AcceptedTokens {

  /** The tokens accepted at {@code nowEpochSeconds}, as UTF-8 bytes; called once per request. */
  List<byte[]> at(long nowEpochSeconds);
}
