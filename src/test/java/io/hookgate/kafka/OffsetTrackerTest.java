package io.hookgate.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
  private final TopicPartition tp = new TopicPartition("actions", 0);

  @Test
  void commitsTheLowestUnfinishedOffsetAndListsFinishedOnesAbove() {
    AtomicInteger outstanding = new AtomicInteger();
    OffsetTracker t = new OffsetTracker(tp, null, outstanding);
    assertThat(t.commitPoint()).isNull();
    for (long o = 10; o <= 15; o++) {
      assertThat(t.track(o)).isTrue();
    }
    assertThat(outstanding.get()).isEqualTo(6);
    t.done(10, t.generation());
    t.done(12, t.generation());
    t.done(13, t.generation());
    t.done(15, t.generation());
    OffsetAndMetadata point = t.commitPoint();
    assertThat(point.offset()).isEqualTo(11);
    assertThat(point.metadata()).isEqualTo("done:1-2,4");
    assertThat(outstanding.get()).isEqualTo(2);

    t.done(11, t.generation());
    t.done(14, t.generation());
    assertThat(t.commitPoint()).isEqualTo(new OffsetAndMetadata(16, ""));
    assertThat(outstanding.get()).isZero();
  }

  @Test
  void aNewOwnerSkipsWhatThePreviousOneFinished() {
    OffsetTracker next = new OffsetTracker(tp, new OffsetAndMetadata(11, "done:1-2,4"), new AtomicInteger());
    assertThat(next.skipped()).containsExactlyInAnyOrder(12L, 13L, 15L);
    assertThat(next.track(11)).isTrue();
    assertThat(next.track(12)).isFalse();
    assertThat(next.track(13)).isFalse();
    assertThat(next.track(14)).isTrue();
    assertThat(next.track(15)).isFalse();
    next.done(11, next.generation());
    assertThat(next.commitPoint()).isEqualTo(new OffsetAndMetadata(14, "done:1"));
  }

  @Test
  void revokedTrackerIgnoresLateCompletionsAndReleasesItsCount() {
    AtomicInteger outstanding = new AtomicInteger();
    OffsetTracker t = new OffsetTracker(tp, null, outstanding);
    t.track(1);
    t.track(2);
    t.revoke();
    assertThat(outstanding.get()).isZero();
    t.done(1, t.generation());
    assertThat(outstanding.get()).isZero();
    assertThat(t.track(3)).isFalse();
  }

  @Test
  void metadataStaysUnderTheBrokerLimitAndIgnoresForeignText() {
    TreeSet<Long> every = new TreeSet<>();
    for (long o = 1; o < 100_000; o += 2) {
      every.add(o);
    }
    String encoded = OffsetTracker.encode(0, every);
    assertThat(encoded.length()).isLessThanOrEqualTo(OffsetTracker.MAX_METADATA_CHARS);
    assertThat(OffsetTracker.decode(0, encoded)).contains(1L, 3L).doesNotContain(2L);
    assertThat(OffsetTracker.decode(5, "written by another tool")).isEmpty();
    assertThat(OffsetTracker.decode(5, "done:x")).isEmpty();
  }

  @Test
  void aRewindReadsAgainFromTheFirstUnfinishedOffsetAndIgnoresLateCompletions() {
    AtomicInteger outstanding = new AtomicInteger();
    OffsetTracker t = new OffsetTracker(tp, null, outstanding);
    for (long o = 5; o <= 8; o++) {
      t.track(o);
    }
    int before = t.generation();
    t.done(5, before);
    t.done(7, before);
    t.failed(before);
    assertThat(t.rewind(before)).as("6 failed or is unfinished: read again from it").isEqualTo(6);
    assertThat(outstanding.get()).isZero();
    assertThat(t.isCurrent(before)).isFalse();
    assertThat(t.rewind(before)).as("a second failure of the same generation rewinds nothing more").isEqualTo(-1);
    // A completion of the old generation arrives late: ignored, the commit does not pass 6.
    t.done(8, before);
    assertThat(t.commitPoint()).isEqualTo(new OffsetAndMetadata(6, ""));
    // Read again: 6, 7, 8 are tracked anew, in the new generation.
    for (long o = 6; o <= 8; o++) {
      assertThat(t.track(o)).isTrue();
    }
    int after = t.generation();
    t.done(6, after);
    t.done(7, after);
    t.done(8, after);
    assertThat(t.commitPoint()).isEqualTo(new OffsetAndMetadata(9, ""));
  }

  @Test
  void awaitIdleReturnsWhenTheLastRecordFinishesOrOneFails() throws Exception {
    OffsetTracker t = new OffsetTracker(tp, null, new AtomicInteger());
    t.track(1);
    assertThat(t.awaitIdle(System.nanoTime() + 20_000_000L)).as("times out while 1 is in flight").isFalse();
    Thread finisher = new Thread(() -> t.done(1, t.generation()));
    finisher.start();
    assertThat(t.awaitIdle(System.nanoTime() + 10_000_000_000L)).isTrue();
    finisher.join();
    t.track(2);
    Thread failer = new Thread(() -> t.failed(t.generation()));
    failer.start();
    long started = System.nanoTime();
    assertThat(t.awaitIdle(started + 10_000_000_000L)).as("2 is still pending, but it failed").isFalse();
    assertThat(System.nanoTime() - started).as("woken by the failure, not the deadline").isLessThan(5_000_000_000L);
    failer.join();
  }
}
