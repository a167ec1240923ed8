package io.hookgate.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %oneLineMsg} in the text log pattern: the formatted message with its line breaks and other control
 * characters escaped (see {@link LogText#appendOneLine}). Messages carry ids taken from webhook bodies
 * (a generic source's {@code mapping.deliveryId}, "Rule r failed on event {id}"); written raw, an id
 * holding a line break would start a forged log line. A stack trace ({@code %ex}) stays multi-line.
 */
public final class OneLineMessageConverter extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    String message = event.getFormattedMessage();
    if (message == null) {
      return "null";
    }
    for (int i = 0; i < message.length(); i++) {
      char c = message.charAt(i);
      if (c < 0x20 || c >= 0x7F) {
        // Something may need escaping: the slow path. Most messages are plain ASCII and skip it.
        StringBuilder out = new StringBuilder(message.length() + 16).append(message, 0, i);
        LogText.appendOneLine(out, message.substring(i));
        return out.toString();
      }
    }
    return message;
  }
}
