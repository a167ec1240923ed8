package io.hookgate.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Apache Kafka broker in KRaft mode (combined broker and controller), run in this JVM.
 *
 * <p>It exists so that hookgate works out of the box and so that tests talk to a real broker without a
 * Docker engine. The log directory is formatted once and reused, so its topics survive a restart of the
 * process, including a SIGKILL: acknowledged records are in the OS page cache and the broker recovers
 * unflushed segments on the next start.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
  private static final int NODE_ID = 1;

  private final Path dataDir;
  private final String host;
  private final int port;
  private final int controllerPort;
  private final Map<String, String> overrides;
  private KafkaRaftServer server;

  public EmbeddedKafkaBroker(Path dataDir, String host, int port, int controllerPort, Map<String, String> overrides) {
    this.dataDir = dataDir.toAbsolutePath();
    this.host = host;
    this.port = port;
    this.controllerPort = controllerPort;
    this.overrides = Map.copyOf(overrides);
  }

  /** Formats the storage if needed and starts the broker; blocks until the broker has started. */
  public synchronized EmbeddedKafkaBroker start() {
    if (server != null) {
      return this;
    }
    try {
      Files.createDirectories(dataDir);
      KafkaConfig config = KafkaConfig.fromProps(properties(), false);
      format();
      server = new KafkaRaftServer(config, Time.SYSTEM);
      server.startup();
      LOG.info("Embedded Kafka broker (KRaft, single node) started: bootstrap {} data {}", bootstrapServers(), dataDir);
      return this;
    } catch (Exception e) {
      throw new IllegalStateException("could not start the embedded Kafka broker in " + dataDir + ": " + e.getMessage(),
          e);
    }
  }

  public String bootstrapServers() {
    return host + ":" + port;
  }

  public Path dataDir() {
    return dataDir;
  }

  public synchronized boolean isRunning() {
    return server != null;
  }

  /** Stops the broker and waits until it has shut down; the data stays for the next start. */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    try {
      server.shutdown();
      server.awaitShutdown();
    } finally {
      server = null;
      LOG.info("Embedded Kafka broker stopped");
    }
  }

  @Override
  public void close() {
    stop();
  }

  private void format() throws Exception {
    if (Files.exists(dataDir.resolve("meta.properties"))) {
      return;
    }
    new Formatter()
        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
        .setNodeId(NODE_ID)
        .setClusterId(Uuid.randomUuid().toString())
        .addDirectory(dataDir.toString())
        .setMetadataLogDirectory(dataDir.toString())
        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
        .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
        .setControllerListenerName("CONTROLLER")
        .setIgnoreFormatted(true)
        .run();
  }

  private Properties properties() throws IOException {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", String.valueOf(NODE_ID));
    p.put("controller.quorum.voters", NODE_ID + "@" + host + ":" + controllerPort);
    p.put("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", dataDir.toString());
    p.put("metadata.log.dir", dataDir.toString());
    // A single node can only ever hold one replica of the internal topics.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "5");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    // After a crash the controller waits for the old broker session to expire before the broker can
    // register again; with one node there is nobody to fail over to, so a short session restarts faster.
    p.put("broker.heartbeat.interval.ms", "500");
    p.put("broker.session.timeout.ms", "2000");
    p.put("num.partitions", "3");
    p.put("message.max.bytes", String.valueOf(KafkaClientFactory.MAX_RECORD_BYTES));
    p.put("auto.create.topics.enable", "true");
    p.putAll(overrides);
    return p;
  }
}
