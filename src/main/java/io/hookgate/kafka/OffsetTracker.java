package io.hookgate.kafka;

import java.util.Collections;
import java.util.HashSet;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which records of one assigned partition are finished, so that the committed offset never passes a record
 * whose outcome is not yet durable, although records may finish out of order (different targets, retries
 * waiting for different times).
 *
 * <p>The commit is the lowest unfinished offset. Records above it that are already finished are listed in the
 * commit's metadata ({@code done:1,3-5}, offsets relative to the commit), so that the next owner of the
 * partition, after a restart or a rebalance, skips them instead of doing them twice. The list is capped to
 * stay under the broker's {@code offset.metadata.max.bytes}; beyond it a record may be done twice, which the
 * ids carried by hookgate's records let a receiver drop.
 *
 * <p>A failed record can {@linkplain #rewind rewind} the partition: everything in flight is forgotten (its late
 * completions carry an older {@linkplain #generation() generation} and are ignored) and reading resumes at the
 * first unfinished offset, so nothing is skipped and what follows it is done again, in order.
 *
 * <p>Plain code without Kafka I/O, thread-safe: the consumer thread tracks, rewinds and commits; handlers
 * finish records from their own threads.
 */
public final class OffsetTracker {
  static final String METADATA_PREFIX = "done:";
  static final int MAX_METADATA_CHARS = 3000;

  private final TopicPartition partition;
  private final AtomicInteger outstanding;
  private final NavigableSet<Long> pending = new TreeSet<>();
  private final NavigableSet<Long> done = new TreeSet<>();
  private final Set<Long> skip;
  private final long committedOffset;
  private long next = -1;
  private int generation;
  private boolean failed;
  private boolean revoked;

  /**
   * @param committed the partition's committed offset and metadata, or null
   * @param outstanding counter of unfinished records shared by all partitions of a consumer (back-pressure)
   */
  public OffsetTracker(TopicPartition partition, OffsetAndMetadata committed, AtomicInteger outstanding) {
    this.partition = partition;
    this.outstanding = outstanding;
    this.skip = committed == null ? new HashSet<>() : decode(committed.offset(), committed.metadata());
    this.committedOffset = committed == null ? -1 : committed.offset();
  }

  /** The offset the partition was committed at when this consumer took it (where it starts); -1 for none. */
  public long committedOffset() {
    return committedOffset;
  }

  public TopicPartition partition() {
    return partition;
  }

  /**
   * Registers a fetched record. Returns false when it must not be handled: a previous owner finished it (it
   * is marked done at once), or the partition was revoked meanwhile.
   */
  public synchronized boolean track(long offset) {
    if (revoked) {
      return false;
    }
    next = Math.max(next, offset + 1);
    if (skip.remove(offset)) {
      done.add(offset);
      return false;
    }
    if (pending.add(offset)) {
      outstanding.incrementAndGet();
    }
    return true;
  }

  /** Changes at each {@link #rewind}: a record handed out before it belongs to an older generation. */
  public synchronized int generation() {
    return generation;
  }

  /** Whether records of this generation are still to be handled. */
  public synchronized boolean isCurrent(int generation) {
    return !revoked && this.generation == generation;
  }

  /** The record's outcome is durable; its offset may be committed. Ignored once revoked or rewound. */
  public synchronized void done(long offset, int generation) {
    if (revoked || generation != this.generation || !pending.remove(offset)) {
      return;
    }
    outstanding.decrementAndGet();
    done.add(offset);
    notifyAll();
  }

  /** A record of this generation failed and the partition is to be read again: wakes {@link #awaitIdle}. */
  public synchronized void failed(int generation) {
    if (!revoked && generation == this.generation) {
      failed = true;
      notifyAll();
    }
  }

  /**
   * Forgets what is in flight when {@code generation} is still the current one, and returns the offset to
   * read again from (the first unfinished one); -1 when there is nothing to read again. The commit point
   * does not pass that offset until it is read and finished again.
   */
  public synchronized long rewind(int generation) {
    if (revoked || generation != this.generation || pending.isEmpty()) {
      return -1;
    }
    long from = pending.first();
    outstanding.addAndGet(-pending.size());
    pending.clear();
    done.tailSet(from).clear();
    skip.removeIf(o -> o >= from);
    next = from;
    this.generation++;
    failed = false;
    notifyAll();
    return from;
  }

  public synchronized boolean isRevoked() {
    return revoked;
  }

  /** Stops tracking (the partition went to another consumer); unfinished records no longer count. */
  public synchronized void revoke() {
    if (!revoked) {
      revoked = true;
      outstanding.addAndGet(-pending.size());
      notifyAll();
    }
  }

  public synchronized int pendingCount() {
    return pending.size();
  }

  /**
   * Waits until nothing is in flight, a record failed, the tracker is revoked, or the deadline
   * ({@link System#nanoTime()}) passes; returns whether nothing is in flight.
   */
  public synchronized boolean awaitIdle(long deadlineNanos) throws InterruptedException {
    while (!pending.isEmpty() && !failed && !revoked) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        break;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return pending.isEmpty();
  }

  /** What to commit now, or null when nothing was fetched yet. */
  public synchronized OffsetAndMetadata commitPoint() {
    if (next < 0) {
      return null;
    }
    long commit = pending.isEmpty() ? next : pending.first();
    done.headSet(commit).clear();
    return new OffsetAndMetadata(commit, encode(commit, done));
  }

  static String encode(long base, NavigableSet<Long> doneAbove) {
    if (doneAbove.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder(METADATA_PREFIX);
    Long start = null;
    Long prev = null;
    for (long o : doneAbove) {
      if (o < base) {
        continue;
      }
      if (start != null && o == prev + 1) {
        prev = o;
        continue;
      }
      if (start != null && !appendRange(sb, start - base, prev - base)) {
        return sb.toString();
      }
      start = o;
      prev = o;
    }
    if (start != null) {
      appendRange(sb, start - base, prev - base);
    }
    return sb.length() == METADATA_PREFIX.length() ? "" : sb.toString();
  }

  private static boolean appendRange(StringBuilder sb, long from, long to) {
    String range = from == to ? Long.toString(from) : from + "-" + to;
    if (sb.length() + range.length() + 1 > MAX_METADATA_CHARS) {
      return false;
    }
    if (sb.length() > METADATA_PREFIX.length()) {
      sb.append(',');
    }
    sb.append(range);
    return true;
  }

  static Set<Long> decode(long base, String metadata) {
    if (metadata == null || !metadata.startsWith(METADATA_PREFIX)) {
      return new HashSet<>();
    }
    Set<Long> out = new HashSet<>();
    try {
      for (String part : metadata.substring(METADATA_PREFIX.length()).split(",")) {
        if (part.isEmpty()) {
          continue;
        }
        int dash = part.indexOf('-');
        long from = Long.parseLong(dash < 0 ? part : part.substring(0, dash));
        long to = dash < 0 ? from : Long.parseLong(part.substring(dash + 1));
        for (long d = from; d <= to; d++) {
          out.add(base + d);
        }
      }
    } catch (NumberFormatException e) {
      // Metadata written by something else: ignore it, at worst records are done again.
      return new HashSet<>();
    }
    return out;
  }

  /** For tests. */
  synchronized Set<Long> skipped() {
    return Collections.unmodifiableSet(new HashSet<>(skip));
  }
}
