package io.hookgate.pull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * How far a pull has read one Kili project: the newest {@code createdAt} among the labels whose events are
 * stored, and the ids of the labels stored with exactly that time (the backfill asks for labels created at or
 * after it, and must not send those again). Kept in the compacted topic {@code kafka.topics.pullPositions}, key
 * {@code <source>/<project>}.
 *
 * @param lastCreatedAt Kili's {@code createdAt} of the newest label, as Kili wrote it (ISO 8601)
 * @param idsAtLast the ids of the labels stored with that {@code createdAt}
 * @param savedAt when this position was written (ISO 8601)
 */
public record PullPosition(String source, String projectId, String lastCreatedAt, List<String> idsAtLast,
    String savedAt) {
  /** Labels sharing one {@code createdAt} are few; a bound keeps a pathological project from growing the record. */
  private static final int MAX_IDS = 1000;

  public PullPosition {
    idsAtLast = idsAtLast == null ? List.of() : List.copyOf(idsAtLast);
  }

  static String key(String source, String projectId) {
    return source + "/" + projectId;
  }

  /** Whether a label the backfill found is already stored: older than the position, or one of its ids. */
  boolean covers(String labelId, Instant createdAt) {
    int c = createdAt.compareTo(LabelTimes.parse(lastCreatedAt));
    return c < 0 || c == 0 && idsAtLast.contains(labelId);
  }

  /** The position once the label's event is stored: moved forward when the label is newer, else the same. */
  PullPosition after(String labelId, String createdAtText, Instant now) {
    Instant created = LabelTimes.parse(createdAtText);
    int c = created.compareTo(LabelTimes.parse(lastCreatedAt));
    if (c > 0) {
      return new PullPosition(source, projectId, createdAtText, List.of(labelId), now.toString());
    }
    if (c == 0 && !idsAtLast.contains(labelId) && idsAtLast.size() < MAX_IDS) {
      List<String> ids = new ArrayList<>(idsAtLast);
      ids.add(labelId);
      return new PullPosition(source, projectId, lastCreatedAt, ids, now.toString());
    }
    return this;
  }
}
