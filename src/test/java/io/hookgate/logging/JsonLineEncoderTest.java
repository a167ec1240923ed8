package io.hookgate.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import com.fasterxml.jackson.databind.JsonNode;
import io.hookgate.testing.JsonLogs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/** The JSON log format: what {@code HOOKGATE_LOG_FORMAT=json} selects in logback.xml, one flat object per line. */
class JsonLineEncoderTest {
  @Test
  void keyValuePairsAreTopLevelFieldsNumbersStayNumbersAndTheLineIsOneObject() {
    Encoder<ILoggingEvent> encoder = JsonLogs.shippedJsonEncoder();
    LoggingEvent event = event("hookgate.access", Level.INFO, "POST {} {}", "/webhooks/kili", 202);
    event.addKeyValuePair(new KeyValuePair("requestId", "req-1"));
    event.addKeyValuePair(new KeyValuePair("source", "kili"));
    event.addKeyValuePair(new KeyValuePair("status", 202));
    event.addKeyValuePair(new KeyValuePair("durationMs", 12L));
    event.addKeyValuePair(new KeyValuePair("signed", true));
    event.addKeyValuePair(new KeyValuePair("eventType", null));

    JsonNode line = JsonLogs.encodeLine(encoder, event);
    assertThat(line.path("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,3})?Z");
    assertThat(line.path("level").asText()).isEqualTo("INFO");
    assertThat(line.path("logger").asText()).isEqualTo("hookgate.access");
    assertThat(line.path("thread").asText()).isEqualTo(Thread.currentThread().getName());
    assertThat(line.path("message").asText()).isEqualTo("POST /webhooks/kili 202");
    assertThat(line.path("requestId").asText()).isEqualTo("req-1");
    assertThat(line.path("source").asText()).isEqualTo("kili");
    assertThat(line.path("status").isIntegralNumber()).isTrue();
    assertThat(line.path("status").asInt()).isEqualTo(202);
    assertThat(line.path("durationMs").asLong()).isEqualTo(12L);
    assertThat(line.path("signed").isBoolean()).isTrue();
    assertThat(line.path("eventType").isNull()).isTrue();
  }

  @Test
  void aKeyNamedLikeAStandardFieldDoesNotOverwriteIt() {
    LoggingEvent event = event("x", Level.WARN, "the real message");
    event.addKeyValuePair(new KeyValuePair("message", "from a key"));
    event.addKeyValuePair(new KeyValuePair("level", "from a key"));
    JsonNode line = JsonLogs.encodeLine(JsonLogs.shippedJsonEncoder(), event);
    assertThat(line.path("message").asText()).isEqualTo("the real message");
    assertThat(line.path("message_").asText()).isEqualTo("from a key");
    assertThat(line.path("level").asText()).isEqualTo("WARN");
    assertThat(line.path("level_").asText()).isEqualTo("from a key");
  }

  @Test
  void anExceptionWithItsCausesAndAMultiLineMessageStayOnOneLine() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    LoggingEvent event = new LoggingEvent("io.hookgate.X", context.getLogger("io.hookgate.X"), Level.ERROR,
        "failed:\n\"quoted\" \t tab", new IllegalStateException("outer", new RuntimeException("inner\ncause")), null);
    JsonNode line = JsonLogs.encodeLine(JsonLogs.shippedJsonEncoder(), event);
    assertThat(line.path("message").asText()).isEqualTo("failed:\n\"quoted\" \t tab");
    assertThat(line.path("exception").asText()).contains("java.lang.IllegalStateException: outer")
        .contains("Caused by: java.lang.RuntimeException: inner\ncause").contains("\tat ");
  }

  @Test
  void mdcEntriesAreFieldsToo() {
    LoggingEvent event = event("x", Level.INFO, "m");
    event.setMDCPropertyMap(Map.of("tenant", "t1"));
    assertThat(JsonLogs.encodeLine(JsonLogs.shippedJsonEncoder(), event).path("tenant").asText()).isEqualTo("t1");
  }

  @Test
  void textRemainsTheDefaultFormat() throws Exception {
    LoggerContext context = new LoggerContext();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(Path.of("src/main/resources/logback.xml").toFile());
    List<String> names = new ArrayList<>();
    context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().forEachRemaining(a -> names.add(a.getName()));
    // Unless the test JVM itself was started with HOOKGATE_LOG_FORMAT set.
    assertThat(names).containsExactly(System.getenv().getOrDefault("HOOKGATE_LOG_FORMAT", "text"));
  }

  /** An event as the running application's logback makes it (its context provides the MDC). */
  private static LoggingEvent event(String logger, Level level, String message, Object... args) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    return new LoggingEvent(logger, context.getLogger(logger), level, message, null, args);
  }
}
