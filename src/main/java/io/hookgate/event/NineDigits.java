package io.hookgate.event;

/** Writes a fraction of nine decimal digits (billionths, nanoseconds) as text, the way the JDK's formatters do. */
final class NineDigits {
  private NineDigits() {
  }

  /**
   * Writes {@code value} (1 to 999,999,999) as nine digits, zero-padded, from {@code out[start]}, and returns
   * the end of the text without its trailing zeros: 150,000,000 gives "15". In int arithmetic, one division a
   * digit.
   */
  static int fraction(int value, char[] out, int start) {
    int v = value;
    for (int i = start + 8; i >= start; i--) {
      int q = v / 10;
      out[i] = (char) ('0' + (v - q * 10));
      v = q;
    }
    int end = start + 9;
    while (out[end - 1] == '0') {
      end--;
    }
    return end;
  }
}
