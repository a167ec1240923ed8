package io.hookgate.actions;

/**
 * The HTTP syntax a request built from an action must respect (RFC 9110): header names and methods are
 * tokens, header values carry no control characters. {@link ActionCaller} checks what it sends itself
 * rather than leaving it to the HTTP client: the client's refusal comes as an exception whose message
 * echoes the value (the target's credential, for its auth header), and it can be switched off
 * ({@code -Dvertx.disableHttpHeadersValidation=true}), after which a line break in a value would split the
 * request on the wire.
 */
final class HttpSyntax {
  private static final int SHOWN_MAX = 64;

  private HttpSyntax() {
  }

  /** An RFC 9110 token: one or more of {@code ALPHA DIGIT ! # $ % & ' * + - . ^ _ ` | ~}. */
  static boolean isToken(String s) {
    if (s == null || s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean alnum = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
      if (!alnum && "!#$%&'*+-.^_`|~".indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * What makes {@code value} unfit for a header value, or null when it may be sent: a line break, or
   * another control character (U+0000 to U+001F but the tab, and U+007F). The answer never contains the
   * value, which may be a secret. Characters from U+0080 are left to the client, which sends them as it
   * always has.
   */
  static String valueProblem(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n') {
        return "contains a line break";
      }
      if (c < 0x20 && c != '\t' || c == 0x7f) {
        return String.format("contains a control character (U+%04X)", (int) c);
      }
    }
    return null;
  }

  /**
   * {@code text} on one line, for a message: control characters escaped ({@code \n}, {@code \r},
   * {@code \t}, {@code \}{@code uXXXX}), at most {@value #SHOWN_MAX} characters. For values that are not
   * secret (a header name, a method); they may come from an event, so they must not break a log line.
   */
  static String shown(String text) {
    return shown(text, SHOWN_MAX);
  }

  /** {@link #shown(String)} with at most {@code max} characters kept. */
  static String shown(String text, int max) {
    StringBuilder out = new StringBuilder();
    int end = Math.min(text.length(), max);
    for (int i = 0; i < end; i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c >= 0x7f && c <= 0x9f) {
            out.append(String.format("\\u%04X", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return end < text.length() ? out.append('…').toString() : out.toString();
  }

  /**
   * The action id as a header value (Idempotency-Key, a forward's webhook-id): unchanged when it is
   * printable ASCII without '%', as every id hookgate makes is; otherwise '%' and every character outside
   * printable ASCII are percent-encoded (UTF-8). An HTTP/1.1 client writes header values as Latin-1, so
   * "a\u2713" and "a\u2717" both went out as "a?", and a receiver deduplicating on the key would have dropped
   * the second. Encoding '%' too keeps distinct ids distinct.
   */
  static String headerId(String id) {
    int i = 0;
    while (i < id.length() && id.charAt(i) >= 0x20 && id.charAt(i) < 0x7F && id.charAt(i) != '%') {
      i++;
    }
    if (i == id.length()) {
      return id;
    }
    StringBuilder out = new StringBuilder(id.length() + 16).append(id, 0, i);
    byte[] rest = id.substring(i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    for (byte b : rest) {
      int c = b & 0xFF;
      if (c >= 0x20 && c < 0x7F && c != '%') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
      }
    }
    return out.toString();
  }
}
