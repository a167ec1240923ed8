package io.hookgate.rules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PartitionProgressTest {

  @Test
  void commitsOnlyUpToTheFirstEventNotDone() {
    PartitionProgress p = new PartitionProgress();
    p.started(10);
    p.started(11);
    p.started(12);
    p.finished(11);
    p.finished(12);
    assertThat(p.toCommit()).as("10 is still in flight").isEqualTo(-1);
    assertThat(p.inFlight()).isEqualTo(3);
    p.finished(10);
    assertThat(p.toCommit()).isEqualTo(13);
    assertThat(p.inFlight()).isZero();
    p.committed(13);
    assertThat(p.toCommit()).isEqualTo(-1);
  }

  @Test
  void aResetForgetsWhatIsInFlightAndSaysWhereToReadAgain() {
    PartitionProgress p = new PartitionProgress();
    p.started(5);
    p.finished(5);
    p.started(6);
    p.started(7);
    p.finished(7);
    assertThat(p.firstPending()).isEqualTo(6);
    int before = p.generation();
    p.reset();
    assertThat(p.generation()).isNotEqualTo(before);
    assertThat(p.inFlight()).isZero();
    assertThat(p.toCommit()).as("5 stays committable").isEqualTo(6);
    p.started(6);
    p.finished(6);
    assertThat(p.toCommit()).isEqualTo(7);
  }
}
