package io.hookgate.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import com.fasterxml.jackson.databind.JsonNode;
import io.hookgate.testing.JsonLogs;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The JSON log format, what {@code HOOKGATE_LOG_FORMAT=json} selects in the shipped logback.xml: events logged
 * through SLF4J as the application logs them, read back from the lines the configured appender writes.
 */
class JsonLogFormatTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final LoggerContext context = JsonLogs.shippedJsonContext(out);

  @AfterEach
  void stop() {
    context.stop();
  }

  @Test
  void keyValuePairsAreTopLevelFieldsNumbersStayNumbersAndTheLineIsOneObject() {
    context.getLogger("hookgate.access").atInfo()
        .addKeyValue("requestId", "req-1")
        .addKeyValue("source", "kili")
        .addKeyValue("status", 202)
        .addKeyValue("durationMs", 12L)
        .addKeyValue("signed", true)
        .addKeyValue("ratio", 0.5)
        .log("POST {} {}", "/webhooks/kili", 202);

    JsonNode line = onlyLine();
    assertThat(line.path("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
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
    assertThat(line.path("ratio").isDouble()).isTrue();
    // The order a reader sees: the fixed fields first, then the pairs in the order they were added.
    List<String> names = new ArrayList<>();
    line.fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactly("time", "level", "logger", "thread", "message", "requestId", "source", "status",
        "durationMs", "signed", "ratio");
  }

  @Test
  void aPairWithANullValueIsLeftOut() {
    String eventType = null;
    context.getLogger("hookgate.access").atInfo().addKeyValue("eventType", eventType).log("m");
    assertThat(onlyLine().has("eventType")).isFalse();
  }

  @Test
  void aKeyNamedLikeAStandardFieldDoesNotOverwriteIt() {
    context.getLogger("x").atWarn()
        .addKeyValue("message", "from a key")
        .addKeyValue("level", "from a key")
        .addKeyValue("exception", "from a key")
        .log("the real message");
    JsonNode line = onlyLine();
    assertThat(line.path("message").asText()).isEqualTo("the real message");
    assertThat(line.path("message_").asText()).isEqualTo("from a key");
    assertThat(line.path("level").asText()).isEqualTo("WARN");
    assertThat(line.path("level_").asText()).isEqualTo("from a key");
    assertThat(line.has("exception")).isFalse();
    assertThat(line.path("exception_").asText()).isEqualTo("from a key");
  }

  @Test
  void anExceptionWithItsCausesAndAMultiLineMessageStayOnOneLine() {
    context.getLogger("io.hookgate.X").error("failed:\n\"quoted\" \t tab",
        new IllegalStateException("outer", new RuntimeException("inner\ncause")));
    JsonNode line = onlyLine();
    assertThat(line.path("level").asText()).isEqualTo("ERROR");
    assertThat(line.path("message").asText()).isEqualTo("failed:\n\"quoted\" \t tab");
    assertThat(line.path("exception").asText()).startsWith("java.lang.IllegalStateException: outer")
        .contains("Caused by: java.lang.RuntimeException: inner\ncause").contains("\tat ")
        .doesNotContain("~[");
  }

  @Test
  void controlCharactersAndNonAsciiTextReadBackExactly() {
    String nasty = "a\r\nb\"c\\d\u0000e\u001bf\u2028g é 😀";
    context.getLogger("hookgate.attempt").atInfo().addKeyValue("eventId", nasty).log(nasty);
    JsonNode line = onlyLine();
    assertThat(line.path("eventId").asText()).isEqualTo(nasty);
    assertThat(line.path("message").asText()).isEqualTo(nasty);
  }

  @Test
  void mdcEntriesAreFieldsToo() {
    context.getMDCAdapter().put("tenant", "t1");
    context.getMDCAdapter().put("thread", "from the MDC");
    try {
      context.getLogger("x").info("m");
    } finally {
      context.getMDCAdapter().clear();
    }
    JsonNode line = onlyLine();
    assertThat(line.path("tenant").asText()).isEqualTo("t1");
    assertThat(line.path("thread").asText()).isEqualTo(Thread.currentThread().getName());
    assertThat(line.path("thread_").asText()).isEqualTo("from the MDC");
  }

  @Test
  void everyEventIsALineOfItsOwn() {
    for (int i = 0; i < 3; i++) {
      context.getLogger("x").info("event {}", i);
    }
    List<JsonNode> lines = lines();
    assertThat(lines).extracting(l -> l.path("message").asText()).containsExactly("event 0", "event 1", "event 2");
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

  /** Every line written so far, each checked to be one JSON object; the output ends with a line break. */
  private List<JsonNode> lines() {
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text).endsWith("\n");
    return text.lines().map(JsonLogs::parseLine).toList();
  }

  private JsonNode onlyLine() {
    List<JsonNode> lines = lines();
    assertThat(lines).hasSize(1);
    return lines.get(0);
  }
}
