package io.hookgate.ingress;

/** A {@link Refusal} as the failure of a future: how the chain's asynchronous steps (body, Kafka) refuse. */
public final class Refused extends RuntimeException {
  private final Refusal refusal;

  public Refused(Refusal refusal) {
    // No stack trace: a refusal is an answer, not an error, and a flood of them must stay cheap.
    super(refusal.reason(), null, false, false);
    this.refusal = refusal;
  }

  public Refusal refusal() {
    return refusal;
  }
}
