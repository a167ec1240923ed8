package io.hookgate.tail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where a stream starts, the next offset of every partition, and what it is told first (the events it asked for
 * that retention deleted).
 */
public record StreamStart(long[] from, List<String> notes) {

  /**
   * At the topic's end without {@code asked}; else at the asked positions, moved to the oldest record kept where
   * retention deleted them (said in a note), and to the end where they are past it. A partition {@code asked}
   * does not name was added since: it starts at its beginning.
   */
  static StreamStart of(Map<Integer, Long> asked, TopicOffsets.Bounds bounds) {
    long[] from = new long[bounds.partitions()];
    List<String> notes = new ArrayList<>();
    for (int p = 0; p < from.length; p++) {
      long first = bounds.earliest()[p];
      long end = bounds.latest()[p];
      Long wanted = asked == null ? Long.valueOf(end) : asked.get(p);
      if (wanted == null) {
        from[p] = first;
      } else if (wanted < first) {
        from[p] = first;
        notes.add("partition " + p + ": events " + wanted + " to " + (first - 1) + " were deleted by retention; "
            + "starting at " + first + ", the oldest kept");
      } else if (wanted > end) {
        from[p] = end;
        notes.add("partition " + p + ": offset " + wanted + " is past the end (" + end + "); starting there");
      } else {
        from[p] = wanted;
      }
    }
    return new StreamStart(from, List.copyOf(notes));
  }
}
