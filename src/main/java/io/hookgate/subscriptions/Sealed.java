package io.hookgate.subscriptions;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Secrets read from the state topic, decrypted on first use and then kept: a gateway starting on 10,000
 * subscriptions reads them all before it is ready, and decrypting every header value and signing secret then
 * was half of that read (AES-GCM in a JVM not yet compiled); most are only needed at a first delivery.
 * Should decryption fail then (a ciphertext altered in the topic), the value is {@code empty} and the problem is
 * reported once, as a failure at read was.
 */
final class Sealed<T> {
  private final Supplier<T> open;
  private final T empty;
  private final Consumer<String> problem;
  private T opened;

  Sealed(Supplier<T> open, T empty, Consumer<String> problem) {
    this.open = open;
    this.empty = empty;
    this.problem = problem;
  }

  synchronized T get() {
    if (opened == null) {
      try {
        opened = open.get();
      } catch (IllegalArgumentException e) {
        opened = empty;
        problem.accept("its secrets cannot be decrypted: " + e.getMessage());
      }
    }
    return opened;
  }
}
