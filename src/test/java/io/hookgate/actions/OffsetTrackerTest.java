package io.hookgate.actions;

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
    t.done(10);
    t.done(12);
    t.done(13);
    t.done(15);
    OffsetAndMetadata point = t.commitPoint();
    assertThat(point.offset()).isEqualTo(11);
    assertThat(point.metadata()).isEqualTo("done:1-2,4");
    assertThat(outstanding.get()).isEqualTo(2);

    t.done(11);
    t.done(14);
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
    next.done(11);
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
    t.done(1);
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
}
