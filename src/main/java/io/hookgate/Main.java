package io.hookgate;

import ch.qos.logback.classic.LoggerContext;
import io.hookgate.config.ConfigException;
import io.hookgate.config.ConfigLoader;
import io.hookgate.config.HookgateConfig;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs hookgate until SIGTERM or SIGINT, then shuts it down gracefully. */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  /**
   * One log line per line of the message: log lines never span lines (see OneLineMessageConverter), and a
   * CEL error's caret only points at its column when it sits under the expression, in a line of its own.
   */
  private static void configurationError(ConfigException e) {
    String[] lines = String.valueOf(e.getMessage()).split("\n");
    LOG.error("Configuration error: {}", lines[0]);
    for (int i = 1; i < lines.length; i++) {
      LOG.error("{}", lines[i]);
    }
  }

  public static void main(String[] args) {
    String logFormat = System.getenv("HOOKGATE_LOG_FORMAT");
    if (logFormat != null && !logFormat.equals("text") && !logFormat.equals("json")) {
      // logback.xml would route every line to an appender that does not exist: say so where it is seen.
      System.err.println("Configuration error: HOOKGATE_LOG_FORMAT must be text or json (got '" + logFormat
          + "'); with any other value nothing at all would be logged");
      System.exit(2);
      return;
    }
    HookgateConfig config;
    try {
      config = new ConfigLoader(System.getenv()).load();
    } catch (ConfigException e) {
      configurationError(e);
      System.exit(2);
      return;
    }
    Hookgate gateway;
    try {
      gateway = Hookgate.start(config, System.getenv());
    } catch (ConfigException e) {
      configurationError(e);
      System.exit(2);
      return;
    } catch (Exception e) {
      LOG.error("hookgate could not start: {}", e.getMessage(), e);
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Duration grace = config.shutdown().gracePeriod();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      shutdown(gateway, grace);
      stopped.countDown();
    }, "hookgate-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Runs in the JVM's shutdown hook (SIGTERM, SIGINT). The graceful shutdown runs on a thread of its own
   * so that this hook can enforce the grace period: a step that hangs (a broker that does not stop) ends
   * in {@link Runtime#halt}, never in a process that outlives the pod's grace period and gets a SIGKILL.
   * Nothing here calls {@code System.exit}, which would block forever inside a shutdown hook. Logback is
   * stopped last, by this hook: logback.xml installs no shutdown hook of its own, so no concurrent hook
   * can stop logging while the shutdown is still reporting what it does.
   */
  private static void shutdown(Hookgate gateway, Duration grace) {
    Thread worker = new Thread(gateway::shutdownGracefully, "hookgate-graceful-shutdown");
    worker.setDaemon(true);
    worker.start();
    try {
      worker.join(grace.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (worker.isAlive()) {
      LOG.error("Shutdown did not finish within the grace period of {}ms; halting", grace.toMillis());
      stopLogging();
      Runtime.getRuntime().halt(1);
    }
    stopLogging();
  }

  private static void stopLogging() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
      logback.stop();
    }
  }
}
