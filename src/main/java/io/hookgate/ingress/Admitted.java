package io.hookgate.ingress;

/**
 * A request that passed every check that needs no body: its body is to be read.
 *
 * @param declaredLength its {@code Content-Length}, or -1 when it has none (chunked) or an unreadable one
 * @param expectsContinue it sent {@code Expect: 100-continue} and waits for the {@code 100 Continue} to send its body
 */
public record Admitted(ConfiguredSource source, long declaredLength, boolean expectsContinue) implements Admission {
}
