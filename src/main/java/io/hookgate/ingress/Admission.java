package io.hookgate.ingress;

/** What {@link RequestGate} makes of a request before its body is read: a {@link Refusal}, or {@link Admitted}. */
public sealed interface Admission permits Admitted, Refusal {
}
