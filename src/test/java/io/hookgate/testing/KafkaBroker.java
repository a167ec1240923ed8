package io.hookgate.testing;

/** A real Kafka broker for tests, however it was provided. */
public interface KafkaBroker {

  String bootstrapServers();

  /** Whether {@link #stop()} and {@link #start()} work (only for a broker this JVM started). */
  boolean restartable();

  /** Stops the broker, keeping its data and its address. */
  void stop();

  /** Starts it again on the same address with the same data. */
  void start();
}
