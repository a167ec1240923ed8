package io.hookgate.testing;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text log format as shipped (the default), and a strict reader of its lines:
 * {@code HH:mm:ss.SSS LEVEL [thread] logger key="value" key="value" - message}.
 */
public final class TextLogs {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern HEAD = Pattern.compile("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (\\S+) +\\[[^\\]]*] (\\S+) ");
  /** One pair: a quoted value may hold anything but a raw {@code "} or {@code \}, which come escaped. */
  private static final Pattern PAIR = Pattern.compile("\\G(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private TextLogs() {
  }

  /** The encoder of the appender that the shipped logback.xml gives the root logger by default. */
  public static Encoder<ILoggingEvent> shippedTextEncoder() {
    return JsonLogs.shippedEncoder("text");
  }

  /** A line as the text format wrote it: its key-value pairs in order, and its message. */
  public record Line(String level, String logger, List<Map.Entry<String, String>> pairs, String message) {
  }

  /** One encoded event, checked to be exactly one line, read back. */
  public static Line encodeLine(Encoder<ILoggingEvent> encoder, ILoggingEvent event) {
    String text = new String(encoder.encode(event), StandardCharsets.UTF_8);
    assertThat(text).endsWith("\n");
    return parseLine(text.substring(0, text.length() - 1));
  }

  /**
   * Reads a line the way a logfmt reader does: pairs separated by one space, each value between double
   * quotes with JSON string escapes (decoded here by Jackson), then {@code " - "} and the message. Fails
   * on a line break or on anything between the pairs that is not a pair.
   */
  public static Line parseLine(String line) {
    assertThat(line).as("one log line").doesNotContain("\n", "\r");
    Matcher head = HEAD.matcher(line);
    assertThat(head.lookingAt()).as("the head of the line %s", line).isTrue();
    List<Map.Entry<String, String>> pairs = new ArrayList<>();
    int at = head.end();
    Matcher pair = PAIR.matcher(line);
    while (pair.find(at)) {
      pairs.add(Map.entry(pair.group(1), unquote(pair.group(2), line)));
      at = pair.end();
      if (!line.startsWith(" ", at) || line.startsWith(" - ", at)) {
        break;
      }
      at++;
    }
    assertThat(line.startsWith(" - ", at)).as("\" - \" after the pairs at %d of %s", at, line).isTrue();
    return new Line(head.group(1), head.group(2), pairs, line.substring(at + 3));
  }

  private static String unquote(String escaped, String line) {
    try {
      return JSON.readValue("\"" + escaped + "\"", String.class);
    } catch (Exception e) {
      throw new AssertionError("a value that is not a JSON string's content: " + escaped + " in " + line, e);
    }
  }
}
