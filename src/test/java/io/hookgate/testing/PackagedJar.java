package io.hookgate.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged jar ({@code target/hookgate.jar}) run as a child process, the way an operator runs it:
 * {@code java -jar} with the test JVM's own {@code java}, in a working directory of its own, configured
 * only through environment variables, its stdout and stderr captured to a file.
 *
 * <p>Every launch gets free ports for ingress, management and the embedded broker; {@link #restart()}
 * starts the same configuration again (same ports, same data directory), as a process supervisor would.
 * The inherited environment is cleaned of {@code HOOKGATE_*}, {@code KAFKA_BOOTSTRAP_SERVERS} and webhook
 * secrets so that a developer's shell cannot change what a test runs.
 */
public final class PackagedJar implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2))
      .build();

  private final Launch launch;
  private final Process process;
  private final Path log;

  private PackagedJar(Launch launch, Process process, Path log) {
    this.launch = launch;
    this.process = process;
    this.log = log;
  }

  /** The jar under test: the {@code hookgate.jar} system property set by the pom, else target/hookgate.jar. */
  public static Path jar() {
    Path jar = Path.of(System.getProperty("hookgate.jar", "target/hookgate.jar")).toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("no packaged jar at " + jar + ": run the ITs with `mvn verify` (the package "
          + "phase builds it) or build it first with `mvn -DskipTests package`");
    }
    return jar;
  }

  /** A launch in {@code workDir} with free ports and the embedded broker's data in {@code workDir/data/kafka}. */
  public static Launch in(Path workDir) {
    return new Launch(workDir);
  }

  /** How to start the jar; reusable, so that the same configuration can be started again. */
  public static final class Launch {
    private final Path workDir;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final int[] ports = KafkaBrokers.freePorts(4);
    private final int ingressPort = ports[0];
    private final int managementPort = ports[1];
    private final int kafkaPort = ports[2];
    private final int controllerPort = ports[3];
    private int launches;

    private Launch(Path workDir) {
      this.workDir = workDir.toAbsolutePath();
      env.put("HOOKGATE_INGRESS_PORT", Integer.toString(ingressPort));
      env.put("HOOKGATE_MANAGEMENT_PORT", Integer.toString(managementPort));
      env.put("HOOKGATE_KAFKA_EMBEDDED_PORT", Integer.toString(kafkaPort));
      env.put("HOOKGATE_KAFKA_EMBEDDED_CONTROLLER_PORT", Integer.toString(controllerPort));
      env.put("HOOKGATE_KAFKA_EMBEDDED_DATA_DIR", this.workDir.resolve("data/kafka").toString());
    }

    /** Sets (or, with a null value, removes) an environment variable of the child process. */
    public Launch env(String name, String value) {
      if (value == null) {
        env.remove(name);
      } else {
        env.put(name, value);
      }
      return this;
    }

    public Path workDir() {
      return workDir;
    }

    /** Starts the process and returns at once; see {@link PackagedJar#awaitReady(Duration)}. */
    public PackagedJar start() {
      try {
        Files.createDirectories(workDir);
        Path log = workDir.resolve("hookgate-" + (++launches) + ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Several JVMs share a small machine during the build: keep the child's heap modest.
        command.add("-Xmx512m");
        command.add("-jar");
        command.add(jar().toString());
        ProcessBuilder pb = new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
        Map<String, String> environment = pb.environment();
        environment.keySet().removeIf(k -> k.startsWith("HOOKGATE_") || k.equals("KAFKA_BOOTSTRAP_SERVERS")
            || k.endsWith("_WEBHOOK_SECRET") || k.endsWith("_WEBHOOK_SECRET_PREVIOUS"));
        environment.putAll(env);
        return new PackagedJar(this, pb.start(), log);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Starts the process and waits until {@code /health/ready} answers 200. */
    public PackagedJar startReady(Duration timeout) {
      PackagedJar jar = start();
      try {
        jar.awaitReady(timeout);
        return jar;
      } catch (RuntimeException | AssertionError e) {
        jar.close();
        throw e;
      }
    }
  }

  /** The same configuration started again: same ports, same working and data directories. */
  public PackagedJar restart() {
    if (process.isAlive()) {
      throw new IllegalStateException("still running: stop it before restarting");
    }
    return launch.start();
  }

  public Process process() {
    return process;
  }

  public int ingressPort() {
    return launch.ingressPort;
  }

  public int managementPort() {
    return launch.managementPort;
  }

  /** The embedded broker's address, as the jar logs it. */
  public String bootstrapServers() {
    return "127.0.0.1:" + launch.kafkaPort;
  }

  public URI webhookUri(String source) {
    return URI.create("http://127.0.0.1:" + launch.ingressPort + "/webhooks/" + source);
  }

  public URI managementUri(String path) {
    return URI.create("http://127.0.0.1:" + launch.managementPort + path);
  }

  /**
   * Waits until readiness answers 200. Fails at once, with the process's output, if the process exits
   * first.
   */
  public void awaitReady(Duration timeout) {
    try {
      await("hookgate ready on port " + launch.managementPort).atMost(timeout).pollInterval(Duration.ofMillis(250))
          .until(() -> {
            if (!process.isAlive()) {
              throw new AssertionError(
                  "hookgate exited with " + process.exitValue() + " before it was ready:\n" + output());
            }
            return readinessStatus() == 200;
          });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("hookgate not ready within " + timeout + ":\n" + output(), e);
    }
  }

  /** The status of {@code GET /health/ready}, or -1 when the management port does not answer. */
  public int readinessStatus() {
    try {
      return HTTP.send(HttpRequest.newBuilder(managementUri("/health/ready")).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (ConnectException e) {
      return -1;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** SIGTERM, as Kubernetes sends it: the gateway shuts down gracefully. */
  public void terminate() {
    process.destroy();
  }

  /** SIGKILL: the process dies at once, nothing of it runs any more. */
  public void kill() {
    process.destroyForcibly();
  }

  /** Waits for the process to exit and returns its exit code; fails if it is still running after {@code timeout}. */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("hookgate still running " + timeout + " later:\n" + output());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Everything the process wrote to stdout and stderr so far. */
  public String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path logFile() {
    return log;
  }

  /** Kills the process if it is still running; the working directory is left for inspection. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
