package io.hookgate.testing;

import io.hookgate.kafka.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Where tests get their broker: {@code KAFKA_BOOTSTRAP_SERVERS} when set (an existing cluster),
 * Testcontainers' Kafka when a Docker engine answers, otherwise an Apache Kafka broker in KRaft mode in
 * this JVM (the path taken on machines without Docker). All three are real brokers.
 */
public final class KafkaBrokers {
  private KafkaBrokers() {
  }

  /** The broker for the suite, by the rule above. */
  public static KafkaBroker provide() {
    String external = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
    if (external != null && !external.isBlank()) {
      return new External(external);
    }
    if (dockerAvailable()) {
      KafkaContainer container = new KafkaContainer("apache/kafka-native:4.1.0");
      container.start();
      return new Container(container);
    }
    return inProcess();
  }

  /** A broker of its own in this JVM, for tests that stop and start it. */
  public static InProcess inProcess() {
    try {
      Path dir = Files.createTempDirectory("hookgate-kafka-");
      int[] ports = freePorts(2);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
      InProcess broker = new InProcess(new EmbeddedKafkaBroker(dir, "127.0.0.1", ports[0], ports[1],
          Map.of("log.flush.interval.messages", "1000000")));
      broker.start();
      return broker;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // Best effort: a leftover temp directory is harmless.
    }
  }

  /**
   * Distinct free ports: the sockets are held open together, so that two ports asked for one gateway are never the
   * same one (two separate {@link #freePort()} calls can get the same port back).
   */
  public static int[] freePorts(int count) {
    ServerSocket[] sockets = new ServerSocket[count];
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        sockets[i] = new ServerSocket(0);
        sockets[i].setReuseAddress(true);
        ports[i] = sockets[i].getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      for (ServerSocket s : sockets) {
        if (s != null) {
          try {
            s.close();
          } catch (IOException ignored) {
            // a port we could not close is still free for the caller's purpose: it is ours
          }
        }
      }
    }
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean dockerAvailable() {
    if ("false".equals(System.getProperty("hookgate.test.docker"))) {
      return false;
    }
    boolean socket = Files.exists(Path.of("/var/run/docker.sock")) || System.getenv("DOCKER_HOST") != null;
    if (!socket) {
      return false;
    }
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** An in-process KRaft broker. */
  public static final class InProcess implements KafkaBroker {
    private final EmbeddedKafkaBroker broker;

    InProcess(EmbeddedKafkaBroker broker) {
      this.broker = broker;
    }

    @Override
    public String bootstrapServers() {
      return broker.bootstrapServers();
    }

    @Override
    public boolean restartable() {
      return true;
    }

    @Override
    public void stop() {
      broker.stop();
    }

    @Override
    public void start() {
      broker.start();
    }
  }

  private record External(String bootstrapServers) implements KafkaBroker {
    @Override
    public boolean restartable() {
      return false;
    }

    @Override
    public void stop() {
      throw new UnsupportedOperationException("an external broker is not ours to stop");
    }

    @Override
    public void start() {
      throw new UnsupportedOperationException("an external broker is not ours to start");
    }
  }

  private record Container(KafkaContainer container) implements KafkaBroker {
    @Override
    public String bootstrapServers() {
      return container.getBootstrapServers();
    }

    @Override
    public boolean restartable() {
      return false;
    }

    @Override
    public void stop() {
      throw new UnsupportedOperationException("container brokers are not restarted by the suite");
    }

    @Override
    public void start() {
      throw new UnsupportedOperationException("container brokers are not restarted by the suite");
    }
  }
}
