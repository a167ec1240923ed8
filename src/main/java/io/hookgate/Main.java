package io.hookgate;

import io.hookgate.config.ConfigException;
import io.hookgate.config.ConfigLoader;
import io.hookgate.config.HookgateConfig;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs hookgate until SIGTERM or SIGINT, then shuts it down gracefully. */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) {
    HookgateConfig config;
    try {
      config = new ConfigLoader(System.getenv()).load();
    } catch (ConfigException e) {
      LOG.error("Configuration error: {}", e.getMessage());
      System.exit(2);
      return;
    }
    Hookgate gateway;
    try {
      gateway = Hookgate.start(config, System.getenv());
    } catch (ConfigException e) {
      LOG.error("Configuration error: {}", e.getMessage());
      System.exit(2);
      return;
    } catch (Exception e) {
      LOG.error("hookgate could not start: {}", e.getMessage(), e);
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      gateway.shutdownGracefully();
      stopped.countDown();
    }, "hookgate-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
