package io.hookgate.tail;

import io.hookgate.rules.EventFilter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * One stream: its filter, where it is in the topic, and its output; and the rules by which records of the shared
 * reader and of its own catch-up reader move its position (see {@link TailHub} for why they lose and repeat
 * nothing).
 *
 * <p>A stream that starts at the shared reader's position (the <em>head</em>) is <em>following</em>: its position
 * is the head's, and it gets what the shared reader reads. One that starts behind reads with a
 * {@link CatchUpReader} of its own until it reaches the head, partition by partition: a partition <em>joins</em>
 * the shared reader once the stream's position there is at or past the head's.
 *
 * <p>Touched only on the hub's context.
 */
final class TailClient {
  final long number;
  final EventFilter filter;
  final SseOutput out;
  /** The next offset of each partition, while not following (the head's when following). */
  private final long[] position;
  /** Partitions whose records come from the shared reader rather than the catch-up reader. */
  private final boolean[] joined;
  private boolean following;
  /** Its own reader while behind; null before it starts and once every partition has joined. */
  CatchUpReader catchUp;
  boolean waitingForCatchUp;
  /** The id of the last message it was sent (an event's or an id-only heartbeat's). */
  String lastId;
  boolean gone;

  /**
   * @param filter null for every event
   * @param start where it starts: the next offset of each partition
   * @param head the shared reader's position now
   */
  TailClient(long number, EventFilter filter, SseOutput out, long[] start, long[] head) {
    this.number = number;
    this.filter = filter;
    this.out = out;
    this.position = start.clone();
    this.joined = new boolean[start.length];
    for (int p = 0; p < start.length; p++) {
      joined[p] = position[p] >= head[p];
    }
    checkFollowing(head);
  }

  boolean following() {
    return following;
  }

  /** Whether a partition still needs the catch-up reader. */
  boolean behind() {
    for (boolean j : joined) {
      if (!j) {
        return true;
      }
    }
    return false;
  }

  /** The next offset of each partition that has not joined: where its catch-up reader starts. */
  Map<Integer, Long> behindFrom() {
    Map<Integer, Long> from = new HashMap<>();
    for (int p = 0; p < joined.length; p++) {
      if (!joined[p]) {
        from.put(p, position[p]);
      }
    }
    return from;
  }

  /**
   * A record of the shared reader (the head is already past it), for a stream that is not following: whether it
   * is new to the stream. Those of a partition that has not joined are the catch-up reader's to bring.
   */
  boolean fromShared(int p, long offset, long[] head) {
    boolean taken = false;
    if (joined[p]) {
      if (offset >= position[p]) {
        position[p] = offset + 1;
        taken = true;
      }
    } else if (position[p] >= head[p]) {
      joined[p] = true;
    }
    checkFollowing(head);
    return taken;
  }

  /** A record of its catch-up reader: whether it is new to the stream; its partition joins once at the head. */
  boolean fromCatchUp(int p, long offset, long[] head) {
    if (p >= joined.length || joined[p] || offset < position[p]) {
      return false;
    }
    position[p] = offset + 1;
    if (position[p] >= head[p]) {
      joined[p] = true;
      checkFollowing(head);
    }
    return true;
  }

  /**
   * Following once every partition has joined the shared reader and the position is the head's: from then on
   * the head is its position, and it shares the head's messages.
   */
  private void checkFollowing(long[] head) {
    if (!following && !behind() && Arrays.equals(position, head)) {
      following = true;
    }
  }

  /** The position written as an id: the head's when following. */
  String id(long[] head) {
    return StreamPosition.format(following ? head : position);
  }
}
