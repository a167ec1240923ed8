package io.hookgate.testing;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusUtil;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The JSON log format as shipped: the encoder {@code HOOKGATE_LOG_FORMAT=json} selects, and a strict line parser. */
public final class JsonLogs {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonLogs() {
  }

  /**
   * The encoder of the appender that the shipped logback.xml gives the root logger when
   * {@code HOOKGATE_LOG_FORMAT=json}: the configuration itself is under test, not a copy of it.
   */
  public static Encoder<ILoggingEvent> shippedJsonEncoder() {
    return shippedEncoder("json");
  }

  /** The encoder of the root logger's one appender in the shipped logback.xml for that {@code HOOKGATE_LOG_FORMAT}. */
  static Encoder<ILoggingEvent> shippedEncoder(String format) {
    return shippedAppender(shippedContext(format), format).getEncoder();
  }

  /**
   * A logger context of its own (not the test JVM's) configured by the shipped logback.xml with
   * {@code HOOKGATE_LOG_FORMAT=json}, whose one appender writes to {@code out} instead of standard output: what
   * the application's loggers write there is what the packaged jar writes with that format.
   */
  public static LoggerContext shippedJsonContext(OutputStream out) {
    LoggerContext context = shippedContext("json");
    shippedAppender(context, "json").setOutputStream(out);
    return context;
  }

  private static LoggerContext shippedContext(String format) {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    context.putProperty("HOOKGATE_LOG_FORMAT", format);
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    try {
      configurator.doConfigure(Path.of("src/main/resources/logback.xml").toFile());
    } catch (Exception e) {
      throw new AssertionError("logback.xml does not load", e);
    }
    StatusUtil status = new StatusUtil(context);
    assertThat(status.getHighestLevel(0))
        .as("logback.xml's status: %s", context.getStatusManager().getCopyOfStatusList()).isLessThan(Status.ERROR);
    return context;
  }

  private static OutputStreamAppender<ILoggingEvent> shippedAppender(LoggerContext context, String format) {
    List<Appender<ILoggingEvent>> appenders = new ArrayList<>();
    context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().forEachRemaining(appenders::add);
    assertThat(appenders).as("root appenders with HOOKGATE_LOG_FORMAT=%s", format).hasSize(1);
    assertThat(appenders.get(0).getName()).isEqualTo(format);
    return (OutputStreamAppender<ILoggingEvent>) appenders.get(0);
  }

  /** One encoded event, checked to be exactly one line holding one JSON object. */
  public static JsonNode encodeLine(Encoder<ILoggingEvent> encoder, ILoggingEvent event) {
    String text = new String(encoder.encode(event), StandardCharsets.UTF_8);
    assertThat(text).endsWith("\n");
    return parseLine(text.substring(0, text.length() - 1));
  }

  /** A line of output that must be one JSON object and nothing else. */
  public static JsonNode parseLine(String line) {
    assertThat(line).doesNotContain("\n", "\r");
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (Exception e) {
      throw new AssertionError("a log line that is not JSON: " + line, e);
    }
    assertThat(node != null && node.isObject()).as("a log line that is not one JSON object: %s", line).isTrue();
    return node;
  }
}
