package io.hookgate.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Records every log event of the test JVM, as rendered text (message, key-value pairs, exceptions), so a
 * test can assert what an operator would see, e.g. that a warning was given or that no secret was logged.
 * Loggers named at creation are opened to INFO meanwhile (the access log is quiet in tests).
 */
public final class LogCapture implements AutoCloseable {
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final Map<Logger, Level> previousLevels = new HashMap<>();

  public LogCapture(String... loggersToOpen) {
    for (String name : loggersToOpen) {
      Logger logger = (Logger) LoggerFactory.getLogger(name);
      previousLevels.put(logger, logger.getLevel());
      logger.setLevel(Level.INFO);
    }
    appender.setContext(root.getLoggerContext());
    appender.start();
    root.addAppender(appender);
  }

  /** Every event so far. */
  public List<ILoggingEvent> events() {
    synchronized (appender) {
      return new ArrayList<>(appender.list);
    }
  }

  /** Every event so far as the text an operator would read. */
  public List<String> lines() {
    return events().stream().map(LogCapture::render).toList();
  }

  public static String render(ILoggingEvent e) {
    StringBuilder sb = new StringBuilder().append(e.getLevel()).append(' ').append(e.getLoggerName()).append(' ')
        .append(e.getFormattedMessage());
    if (e.getKeyValuePairs() != null) {
      e.getKeyValuePairs().forEach(kv -> sb.append(' ').append(kv.key).append('=').append(kv.value));
    }
    for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
      sb.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
    }
    return sb.toString();
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
    previousLevels.forEach(Logger::setLevel);
  }
}
