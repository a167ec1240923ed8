package io.hookgate.event;

/**
 * Checks that bytes are exactly one JSON value (RFC 8259, UTF-8), whitespace around it allowed, in one pass
 * that decodes nothing. Forwarding an event writes its data into the structured CloudEvent as it is, so the
 * data must be checked first; Jackson's tokenizer did it in ~7 us for a 3.5 KB event (interning every key
 * into its symbol table), a third of the rules consumer's time per forwarded event. It accepts what
 * Jackson's default parser accepts (JsonCheckTest compares the two on mutated documents: no comments, no
 * leading zeros, no NaN, no trailing commas, no unescaped control characters, nesting up to 1,000), except
 * that text must be well-formed UTF-8 everywhere, as RFC 8259 says: Jackson lets malformed UTF-8 through in
 * member names, which a stricter receiver of the forwarded event would refuse.
 */
public final class JsonCheck {
  static final int MAX_DEPTH = 1000;

  private final byte[] in;
  private int i;

  private JsonCheck(byte[] in) {
    this.in = in;
  }

  public static boolean isSingleValue(byte[] json) {
    JsonCheck c = new JsonCheck(json);
    try {
      c.whitespace();
      if (!c.value()) {
        return false;
      }
      c.whitespace();
      return c.i == json.length;
    } catch (ArrayIndexOutOfBoundsException e) {
      // Ran off the end inside a value: truncated.
      return false;
    }
  }

  /** One value, containers iteratively (an explicit stack of what each open container is). */
  private boolean value() {
    byte[] stack = new byte[32];
    int depth = 0;
    while (true) {
      // At the start of a value.
      byte c = peek();
      if (c == '{' || c == '[') {
        if (depth == MAX_DEPTH) {
          return false;
        }
        if (depth == stack.length) {
          stack = java.util.Arrays.copyOf(stack, depth * 2);
        }
        stack[depth++] = c;
        i++;
        whitespace();
        if (peek() == (c == '{' ? '}' : ']')) {
          i++;
          depth--;
        } else if (c == '{' && !key()) {
          return false;
        } else {
          continue;
        }
      } else if (!scalar()) {
        return false;
      }
      // After a value: close containers or go on to the next member or element.
      while (true) {
        if (depth == 0) {
          return true;
        }
        whitespace();
        byte open = stack[depth - 1];
        byte next = peek();
        if (next == ',') {
          i++;
          whitespace();
          if (open == '{' && !key()) {
            return false;
          }
          break;
        }
        if (next != (open == '{' ? '}' : ']')) {
          return false;
        }
        i++;
        depth--;
      }
    }
  }

  /** A member name and its colon, leaving the position at the value. */
  private boolean key() {
    if (peek() != '"' || !string()) {
      return false;
    }
    whitespace();
    if (peek() != ':') {
      return false;
    }
    i++;
    whitespace();
    return true;
  }

  private boolean scalar() {
    byte c = peek();
    return switch (c) {
      case '"' -> string();
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> number();
    };
  }

  private boolean literal(String word) {
    for (int k = 0; k < word.length(); k++) {
      if (in[i + k] != word.charAt(k)) {
        return false;
      }
    }
    i += word.length();
    return endOfToken();
  }

  /** What may follow a number or literal: the end, whitespace or punctuation (Jackson: "Unrecognized token"). */
  private boolean endOfToken() {
    if (i >= in.length) {
      return true;
    }
    byte c = in[i];
    return c == ',' || c == ']' || c == '}' || c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == ':'
        || c == '"' || c == '[' || c == '{';
  }

  private boolean number() {
    if (in[i] == '-') {
      i++;
    }
    if (in[i] == '0') {
      i++;
    } else if (digit(in[i])) {
      while (i < in.length && digit(in[i])) {
        i++;
      }
    } else {
      return false;
    }
    if (i < in.length && in[i] == '.') {
      i++;
      if (!digit(in[i])) {
        return false;
      }
      while (i < in.length && digit(in[i])) {
        i++;
      }
    }
    if (i < in.length && (in[i] == 'e' || in[i] == 'E')) {
      i++;
      if (in[i] == '+' || in[i] == '-') {
        i++;
      }
      if (!digit(in[i])) {
        return false;
      }
      while (i < in.length && digit(in[i])) {
        i++;
      }
    }
    return i >= in.length || !digit(in[i]) && endOfToken() && in[i] != '.';
  }

  private static boolean digit(byte c) {
    return c >= '0' && c <= '9';
  }

  /** A string from its opening quote: escapes, no raw control characters, well-formed UTF-8. */
  private boolean string() {
    i++;
    while (true) {
      int c = in[i] & 0xff;
      if (c == '"') {
        i++;
        return true;
      }
      if (c == '\\') {
        byte e = in[i + 1];
        if (e == 'u') {
          for (int k = 2; k < 6; k++) {
            if (Character.digit(in[i + k], 16) < 0) {
              return false;
            }
          }
          i += 6;
        } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
          i += 2;
        } else {
          return false;
        }
      } else if (c < 0x20) {
        return false;
      } else if (c < 0x80) {
        i++;
      } else {
        // Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
        int second = in[i + 1] & 0xff;
        int length;
        if (c >= 0xC2 && c <= 0xDF) {
          length = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
          length = 3;
          if (c == 0xE0 && second < 0xA0 || c == 0xED && second > 0x9F) {
            return false;
          }
        } else if (c >= 0xF0 && c <= 0xF4) {
          length = 4;
          if (c == 0xF0 && second < 0x90 || c == 0xF4 && second > 0x8F) {
            return false;
          }
        } else {
          return false;
        }
        for (int k = 1; k < length; k++) {
          if ((in[i + k] & 0xC0) != 0x80) {
            return false;
          }
        }
        i += length;
      }
    }
  }

  private byte peek() {
    return in[i];
  }

  private void whitespace() {
    while (i < in.length) {
      byte c = in[i];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return;
      }
      i++;
    }
  }
}
