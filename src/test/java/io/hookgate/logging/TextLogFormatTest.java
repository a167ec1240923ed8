package io.hookgate.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import io.hookgate.testing.TextLogs;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/**
 * The default (text) log format, through the shipped logback.xml: values a client chooses (its
 * {@code X-Request-Id}, a delivery id that becomes the event id) must read back as the one value they are,
 * whatever they hold.
 */
class TextLogFormatTest {
  private final Encoder<ILoggingEvent> encoder = TextLogs.shippedTextEncoder();

  @Test
  void aRequestIdWithQuotesCannotAddFieldsToTheAccessLogLine() {
    String forged = "req-1\" source=\"evil\" status=\"200";
    LoggingEvent event = event("hookgate.access", "POST {} {}", "/webhooks/kili", 202);
    event.addKeyValuePair(new KeyValuePair("requestId", forged));
    event.addKeyValuePair(new KeyValuePair("source", "kili"));
    event.addKeyValuePair(new KeyValuePair("status", 202));

    TextLogs.Line line = TextLogs.encodeLine(encoder, event);
    assertThat(line.logger()).isEqualTo("hookgate.access");
    assertThat(line.pairs()).containsExactly(Map.entry("requestId", forged), Map.entry("source", "kili"),
        Map.entry("status", "202"));
    assertThat(line.message()).isEqualTo("POST /webhooks/kili 202");
  }

  @Test
  void everyCharacterReadsBackExactlyAndTheEventStaysOnOneLine() {
    // Line breaks (CR, LF, NEL, LS, PS), the other C0 and C1 controls, DEL, quotes and backslashes (also one
    // that looks like an escape already), a lone surrogate; and text that must stay as it is: non-ASCII
    // letters and an emoji (a surrogate pair).
    String nasty = "a\r\nb\"c\\d\\\"e\\nf\tg\u0000h\u001bi\u007fj\u0085k\u009fl\u2028m\u2029n\ud800o\udc00p é 😀";
    LoggingEvent event = event("hookgate.attempt", "m");
    event.addKeyValuePair(new KeyValuePair("eventId", nasty));
    event.addKeyValuePair(new KeyValuePair("empty", ""));
    event.addKeyValuePair(new KeyValuePair("missing", null));

    byte[] bytes = encoder.encode(event);
    String text = new String(bytes, StandardCharsets.UTF_8);
    // No byte of a control character (C1 ones are two bytes in UTF-8, 0xC2 0x80-0x9F) and no '?' put in for
    // a surrogate the encoder could not write.
    for (int i = 0; i < bytes.length - 1; i++) {
      assertThat(bytes[i] & 0xFF).as("byte %d of %s", i, text).isGreaterThanOrEqualTo(0x20).isNotEqualTo(0x7F);
      if ((bytes[i] & 0xFF) == 0xC2) {
        assertThat(bytes[i + 1] & 0xFF).as("byte %d of %s", i + 1, text).isGreaterThan(0x9F);
      }
    }
    assertThat(text).doesNotContain("?").contains("é 😀");

    TextLogs.Line line = TextLogs.encodeLine(encoder, event);
    assertThat(line.pairs()).containsExactly(Map.entry("eventId", nasty), Map.entry("empty", ""),
        Map.entry("missing", "null"));
  }

  @Test
  void aMessageWithAnIdHoldingALineBreakStaysOnOneLine() {
    // As RulesConsumer logs it; a generic source's mapping.deliveryId puts any string into the event id.
    LoggingEvent event = event("io.hookgate.rules.RulesConsumer", "Rule {} failed on event {}: {}", "r1",
        "bad-1\n12:00:00.000 INFO  [main] io.hookgate.Hookgate  - forged\r\u2028", "CelEvaluationException");
    TextLogs.Line line = TextLogs.encodeLine(encoder, event);
    assertThat(line.message()).isEqualTo("Rule r1 failed on event bad-1\\n12:00:00.000 INFO  [main] "
        + "io.hookgate.Hookgate  - forged\\r\\u2028: CelEvaluationException");
    // Plain messages, quotes and backslashes included, are written as they are.
    String plain = "POST /webhooks/kili 202 \"quoted\" C:\\dir é 😀";
    assertThat(TextLogs.encodeLine(encoder, event("hookgate.access", plain)).message()).isEqualTo(plain);
  }

  @Test
  void anEventWithoutPairsKeepsTheLayout() {
    TextLogs.Line line = TextLogs.encodeLine(encoder, event("io.hookgate.Hookgate", "hookgate started"));
    assertThat(line.level()).isEqualTo("INFO");
    assertThat(line.pairs()).isEmpty();
    assertThat(line.message()).isEqualTo("hookgate started");
  }

  @Test
  void theConverterAloneWritesKeyEqualsQuotedValueSeparatedBySpaces() {
    LoggingEvent event = event("x", "m");
    event.addKeyValuePair(new KeyValuePair("a", "1"));
    event.addKeyValuePair(new KeyValuePair("b", "x\"y\\z\n"));
    assertThat(new EscapedKeyValuePairConverter().convert(event)).isEqualTo("a=\"1\" b=\"x\\\"y\\\\z\\n\"");
    assertThat(new EscapedKeyValuePairConverter().convert(event("x", "m"))).isEmpty();
  }

  private static LoggingEvent event(String logger, String message, Object... args) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    return new LoggingEvent(logger, context.getLogger(logger), Level.INFO, message, null, args);
  }
}
