package io.hookgate.event;

import java.util.Locale;

/**
 * The CloudEvents 1.0 String type: any Unicode text but the control characters U+0000-U+001F and
 * U+007F-U+009F, the noncharacters, and surrogates not used in pairs. Attributes the ingress takes from a
 * webhook (its id, subject, partition key) must be such strings: they become Kafka headers and the key, and a
 * consumer that sends the event on in HTTP binary mode puts them in HTTP headers, where a line break is a header
 * injection. The CloudEvents SDK does not check them.
 */
public final class CloudEventStrings {
  private CloudEventStrings() {
  }

  /** What makes {@code value} not a CloudEvents String, e.g. "U+000A at index 5"; null when it is one. */
  public static String invalid(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c >= 0x20 && c < 0x7F) {
        continue; // printable ASCII, nearly every character of an id
      }
      int codePoint = c;
      if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
        codePoint = Character.toCodePoint(c, value.charAt(i + 1));
      } else if (Character.isSurrogate(c)) {
        return describe("an unpaired surrogate", c, i);
      }
      if (codePoint < 0x20 || (codePoint >= 0x7F && codePoint <= 0x9F)) {
        return describe("a control character", codePoint, i);
      }
      if ((codePoint >= 0xFDD0 && codePoint <= 0xFDEF) || (codePoint & 0xFFFE) == 0xFFFE) {
        return describe("a noncharacter", codePoint, i);
      }
      if (codePoint > 0xFFFF) {
        i++;
      }
    }
    return null;
  }

  private static String describe(String what, int codePoint, int index) {
    return String.format(Locale.ROOT, "%s (U+%04X) at index %d", what, codePoint, index);
  }
}
