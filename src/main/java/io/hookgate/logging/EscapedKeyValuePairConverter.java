package io.hookgate.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.List;
import org.slf4j.event.KeyValuePair;

/**
 * {@code %escapedKvp} in the text log pattern: the event's key-value pairs as {@code key="value"}, separated
 * by spaces, like logback's {@code %kvp}, but with each value escaped (see {@link LogText#appendQuoted}).
 * Logback's {@code %kvp} writes values raw, so an {@code X-Request-Id} of {@code a" status="200} added a
 * {@code status} field to the access log line.
 *
 * <p>Keys are not escaped: they are names chosen in hookgate's code, never by a client.
 */
public final class EscapedKeyValuePairConverter extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    if (pairs == null || pairs.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder(64 * pairs.size());
    for (KeyValuePair kv : pairs) {
      if (kv == null) {
        continue;
      }
      if (!out.isEmpty()) {
        out.append(' ');
      }
      out.append(kv.key).append("=\"");
      LogText.appendQuoted(out, String.valueOf(kv.value));
      out.append('"');
    }
    return out.toString();
  }
}
