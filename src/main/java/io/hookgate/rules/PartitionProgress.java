package io.hookgate.rules;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * Which events of one partition are in flight, and up to where the partition can be committed: an offset
 * is committable only once it and every offset before it are done, so a crash never skips an event whose
 * actions were not yet acknowledged. Used by one consumer thread only.
 */
final class PartitionProgress {
  private final ArrayDeque<Long> pending = new ArrayDeque<>();
  private final Set<Long> done = new HashSet<>();
  private long next = -1;
  private long committed = -1;
  private int generation;

  /** An event of this partition was read; offsets arrive in increasing order. */
  void started(long offset) {
    pending.addLast(offset);
  }

  /** Its actions are acknowledged (or it had none). */
  void finished(long offset) {
    done.add(offset);
    while (!pending.isEmpty() && done.remove(pending.peekFirst())) {
      next = pending.removeFirst() + 1;
    }
  }

  int inFlight() {
    return pending.size();
  }

  /** The first offset not yet done, where reading must resume to lose nothing; -1 when none is pending. */
  long firstPending() {
    return pending.isEmpty() ? -1 : pending.peekFirst();
  }

  /** Forgets everything in flight (after a failed write, before reading again from {@link #firstPending()}). */
  void reset() {
    pending.clear();
    done.clear();
    generation++;
  }

  /** Completions from before the last {@link #reset()} carry an older generation and are ignored. */
  int generation() {
    return generation;
  }

  /** The offset to commit (the next one to read), or -1 when nothing new is committable. */
  long toCommit() {
    return next > committed ? next : -1;
  }

  void committed(long offset) {
    committed = Math.max(committed, offset);
  }
}
