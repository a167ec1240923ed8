package io.hookgate.logging;

/**
 * Escaping for the text log format. Values written into a log line (request ids, event ids, paths) can come
 * from a webhook's sender; written raw, a {@code "} or a line break lets the sender forge fields or whole
 * lines ("log forging").
 */
final class LogText {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private LogText() {
  }

  /**
   * Appends {@code value} as the inside of a double-quoted value, with the escapes of a JSON string, which
   * is what logfmt readers (Loki's {@code | logfmt}, go-logfmt) undo: {@code \"}, {@code \\}, {@code \n},
   * {@code \r}, {@code \t}, and {@code \}{@code uXXXX} for the other control characters, so that a
   * key=value parser reads the value back exactly.
   */
  static void appendQuoted(StringBuilder out, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> appendChar(out, value, i, c);
      }
    }
  }

  /**
   * Appends free text (a log message) with its control characters escaped but quotes and backslashes as
   * they are: the message is not a quoted value, it only has to stay on its line.
   */
  static void appendOneLine(StringBuilder out, String text) {
    for (int i = 0; i < text.length(); i++) {
      appendChar(out, text, i, text.charAt(i));
    }
  }

  private static void appendChar(StringBuilder out, String s, int i, char c) {
    switch (c) {
      case '\n' -> out.append("\\n");
      case '\r' -> out.append("\\r");
      case '\t' -> out.append("\\t");
      default -> {
        if (mustEscape(s, i, c)) {
          out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xF]).append(HEX[(c >> 4) & 0xF])
              .append(HEX[c & 0xF]);
        } else {
          out.append(c);
        }
      }
    }
  }

  /**
   * C0 and C1 controls and DEL (a terminal acts on them; NEL U+0085 is a line break to some readers), the
   * Unicode line and paragraph separators (line breaks to editors and some log viewers), and unpaired
   * surrogates, which the UTF-8 encoder would turn into {@code ?} so the value would not read back.
   */
  private static boolean mustEscape(String s, int i, char c) {
    if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\u2028' || c == '\u2029') {
      return true;
    }
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
    }
    return false;
  }
}
