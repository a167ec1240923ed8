package io.hookgate.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects the suite's {@link KafkaBroker}, started once per test JVM and shared by every test class
 * (a broker start costs seconds). Tests that stop a broker use {@link KafkaBrokers#inProcess()} instead.
 */
public final class KafkaBrokerExtension implements ParameterResolver {

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
    return p.getParameter().getType() == KafkaBroker.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext e) {
    return e.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(KafkaBrokerExtension.class, k -> new Shared(KafkaBrokers.provide()), Shared.class)
        .broker();
  }

  /** Closed by JUnit when the root context closes, at the end of the run. */
  private record Shared(KafkaBroker broker) implements AutoCloseable {
    @Override
    public void close() {
      if (broker.restartable()) {
        broker.stop();
      }
    }
  }
}
