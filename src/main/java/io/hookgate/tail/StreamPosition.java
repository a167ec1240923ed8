package io.hookgate.tail;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A stream's SSE {@code id}: where it is in the events topic, the next offset of every partition, written
 * {@code 0:1043,1:977,2:1210}. A client that reconnects with it as {@code Last-Event-ID} continues from exactly
 * there, on whichever replica it reaches, since offsets are the topic's. Plain text rather than an opaque token
 * so that an operator can read it, and resume from a position of their own.
 */
final class StreamPosition {
  /** More partitions than any events topic has: a longer id is not one this stream gave. */
  private static final int MAX_PARTITIONS = 10_000;

  private StreamPosition() {
  }

  static String format(long[] next) {
    StringBuilder out = new StringBuilder(next.length * 10);
    for (int p = 0; p < next.length; p++) {
      if (p > 0) {
        out.append(',');
      }
      out.append(p).append(':').append(next[p]);
    }
    return out.toString();
  }

  /**
   * The next offset by partition number.
   *
   * @throws IllegalArgumentException when the text is not an id of this form
   */
  static Map<Integer, Long> parse(String id) {
    Map<Integer, Long> out = new LinkedHashMap<>();
    String text = id.strip();
    if (text.isEmpty()) {
      throw new IllegalArgumentException("empty");
    }
    for (String part : text.split(",", -1)) {
      int colon = part.indexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("'" + cut(part) + "' is not partition:offset");
      }
      int partition;
      long offset;
      try {
        partition = Integer.parseInt(part.substring(0, colon).strip());
        offset = Long.parseLong(part.substring(colon + 1).strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + cut(part) + "' is not partition:offset");
      }
      if (partition < 0 || partition >= MAX_PARTITIONS || offset < 0) {
        throw new IllegalArgumentException("'" + cut(part) + "' is out of range");
      }
      if (out.put(partition, offset) != null) {
        throw new IllegalArgumentException("partition " + partition + " is given twice");
      }
    }
    return out;
  }

  private static String cut(String text) {
    return text.length() > 40 ? text.substring(0, 40) + "…" : text;
  }
}
