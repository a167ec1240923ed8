package io.hookgate.ingress.auth;

/** The result of checking a request's credentials; the client only ever learns OK or not. */
public enum AuthOutcome {
  OK, MISSING, INVALID,
  /** A signature header that cannot be read: no timestamp, no signature under the expected key, garbage. */
  MALFORMED, STALE,
  /** The source has no usable secret configured: it refuses everything (fail closed). */
  NOT_CONFIGURED;

  /** The {@code reason} label used in metrics and logs. */
  public String reason() {
    return switch (this) {
      case OK -> "ok";
      case MISSING -> "auth_missing";
      case INVALID -> "auth_invalid";
      case MALFORMED -> "auth_malformed";
      case STALE -> "auth_stale";
      case NOT_CONFIGURED -> "auth_not_configured";
    };
  }
}
