package io.hookgate.ingress.auth;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * {@code auth: {type: any, alternatives: [...]}}: passes when one of its schemes passes, so that a sender can
 * move from one credential to another (V7's static header to its signing key) without a gap.
 */
public final class AnyOfAuthenticator implements Authenticator {
  private final List<Authenticator> alternatives;
  private final boolean needsBody;

  public AnyOfAuthenticator(List<Authenticator> alternatives) {
    this.alternatives = List.copyOf(alternatives);
    // One signature among the alternatives means the body must be read before anything can be refused.
    this.needsBody = this.alternatives.stream().anyMatch(Authenticator::needsBody);
  }

  @Override
  public boolean needsBody() {
    return needsBody;
  }

  /**
   * OK when any alternative is OK. Otherwise the outcome of the first alternative whose credential was there
   * (a wrong token, a stale signature), as that is the one the sender meant; MISSING when none was.
   */
  @Override
  public AuthOutcome verify(MultiMap headers, Buffer body, long nowEpochSeconds) {
    AuthOutcome refusal = AuthOutcome.MISSING;
    for (Authenticator alternative : alternatives) {
      AuthOutcome outcome = alternative.verify(headers, body, nowEpochSeconds);
      if (outcome == AuthOutcome.OK) {
        return outcome;
      }
      if (refusal == AuthOutcome.MISSING) {
        refusal = outcome;
      }
    }
    return refusal;
  }
}
