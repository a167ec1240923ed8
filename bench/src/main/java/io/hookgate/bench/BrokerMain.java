package io.hookgate.bench;

import io.hookgate.kafka.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The benchmark's one Kafka broker: hookgate's own {@link EmbeddedKafkaBroker} (single-node KRaft), in a
 * JVM of its own so that its CPU is not charged to the server under test. Prints {@code BROKER READY
 * <bootstrap>} once it accepts clients and runs until SIGTERM.
 *
 * <p>Arguments: data directory (fresh for each run), broker port, controller port.
 */
public final class BrokerMain {
  private BrokerMain() {
  }

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 3) {
      System.err.println("usage: BrokerMain <dataDir> <port> <controllerPort>");
      System.exit(2);
    }
    EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(Path.of(args[0]), "127.0.0.1",
        Integer.parseInt(args[1]), Integer.parseInt(args[2]), Map.of());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      broker.stop();
      stopped.countDown();
    }, "broker-shutdown"));
    broker.start();
    System.out.println("BROKER READY " + broker.bootstrapServers());
    System.out.flush();
    stopped.await();
  }
}
