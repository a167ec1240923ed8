package io.hookgate.actions;

/**
 * Finds one member of a JSON object by looking only at its structure (strings, escapes, brackets), without
 * decoding anything: used to lift a large nested value out of a record before the record is parsed.
 */
final class TopLevelScan {
  private TopLevelScan() {
  }

  /**
   * The byte range of the value of the top-level member {@code name} of the object in {@code json}, when
   * that value is an object or an array, packed as {@code start << 32 | end} (end exclusive); -1 when there
   * is no such member, its value is something else, or the input is not a well-formed object at this level.
   * {@code name} must be plain ASCII without escapes; a key written with escapes is not recognized (-1).
   */
  static long objectMember(byte[] json, byte[] name) {
    int n = json.length;
    int i = skipWhitespace(json, 0);
    if (i >= n || json[i] != '{') {
      return -1;
    }
    i++;
    while (true) {
      i = skipWhitespace(json, i);
      if (i >= n || json[i] != '"') {
        return -1;
      }
      int keyStart = i + 1;
      int keyEnd = endOfString(json, i);
      if (keyEnd < 0) {
        return -1;
      }
      boolean wanted = keyEnd - 1 - keyStart == name.length
          && java.util.Arrays.equals(json, keyStart, keyEnd - 1, name, 0, name.length);
      i = skipWhitespace(json, keyEnd);
      if (i >= n || json[i] != ':') {
        return -1;
      }
      i = skipWhitespace(json, i + 1);
      if (i >= n) {
        return -1;
      }
      int valueStart = i;
      byte first = json[i];
      if (first == '{' || first == '[') {
        i = endOfContainer(json, i);
      } else if (first == '"') {
        i = endOfString(json, i);
      } else {
        while (i < n && json[i] != ',' && json[i] != '}' && !isWhitespace(json[i])) {
          i++;
        }
      }
      if (i < 0) {
        return -1;
      }
      if (wanted) {
        return first == '{' || first == '[' ? ((long) valueStart << 32) | i : -1;
      }
      i = skipWhitespace(json, i);
      if (i >= n) {
        return -1;
      }
      if (json[i] == '}') {
        return -1;
      }
      if (json[i] != ',') {
        return -1;
      }
      i++;
    }
  }

  /** Index just after the string starting at {@code i} (a quote), or -1 when it does not end. */
  private static int endOfString(byte[] json, int i) {
    int n = json.length;
    for (i++; i < n; i++) {
      byte c = json[i];
      if (c == '\\') {
        i++;
      } else if (c == '"') {
        return i + 1;
      }
    }
    return -1;
  }

  /** Index just after the object or array starting at {@code i}, or -1 when it does not close properly. */
  private static int endOfContainer(byte[] json, int i) {
    int n = json.length;
    byte[] stack = new byte[16];
    int depth = 0;
    for (; i < n; i++) {
      byte c = json[i];
      if (c == '"') {
        i = endOfString(json, i);
        if (i < 0) {
          return -1;
        }
        i--;
      } else if (c == '{' || c == '[') {
        if (depth == stack.length) {
          stack = java.util.Arrays.copyOf(stack, depth * 2);
        }
        stack[depth++] = c == '{' ? (byte) '}' : (byte) ']';
      } else if (c == '}' || c == ']') {
        if (depth == 0 || stack[--depth] != c) {
          return -1;
        }
        if (depth == 0) {
          return i + 1;
        }
      }
    }
    return -1;
  }

  private static int skipWhitespace(byte[] json, int i) {
    while (i < json.length && isWhitespace(json[i])) {
      i++;
    }
    return i;
  }

  private static boolean isWhitespace(byte c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
  }
}
