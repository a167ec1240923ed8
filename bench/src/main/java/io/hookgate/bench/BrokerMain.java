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
    // A full run writes ~100 GB (every scenario writes to one hot partition at up to 200 MB/s), more than
    // a shared disk may have free: keep 1 GiB per partition. run.sh counts records by end offsets, which
    // deleting old segments does not change.
    EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(Path.of(args[0]), "127.0.0.1",
        Integer.parseInt(args[1]), Integer.parseInt(args[2]), Map.of(
            "log.retention.bytes", Long.toString(1L << 30),
            "log.segment.bytes", Integer.toString(256 << 20),
            "log.retention.check.interval.ms", "5000"));
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
