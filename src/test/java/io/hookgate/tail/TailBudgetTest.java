package io.hookgate.tail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The live tail's CPU budget on a driven clock: its share, its burst, and what a busy tail gets on average. */
class TailBudgetTest {
  private static final long MS = 1_000_000L;
  private static final long SECOND = 1_000 * MS;

  @Test
  void aFullBucketLetsTheTailWorkAndAnEmptyOneSaysHowLongToWait() {
    // 10% of 2 processors: 0.2 s of CPU a second, and at most 0.2 s at once.
    TailBudget budget = new TailBudget(0.1, 2, 0);
    assertThat(budget.waitNanos(0)).isZero();
    budget.spend(300 * MS, 0);
    // 0.1 s of CPU owed, earned back at 0.2 s a second: half a second.
    assertThat(budget.waitNanos(0)).isEqualTo(500 * MS);
    assertThat(budget.waitNanos(400 * MS)).isEqualTo(100 * MS);
    assertThat(budget.waitNanos(500 * MS)).isZero();
  }

  @Test
  void aQuietTailSavesAtMostOneSecondsShare() {
    TailBudget budget = new TailBudget(0.05, 1, 0);
    // An hour idle earns no more than 50 ms of CPU: a burst after it is held back like any other.
    budget.spend(50 * MS, 3600 * SECOND);
    assertThat(budget.waitNanos(3600 * SECOND)).isZero();
    budget.spend(1 * MS, 3600 * SECOND);
    assertThat(budget.waitNanos(3600 * SECOND)).isEqualTo(20 * MS);
  }

  @Test
  void aTailThatAlwaysHasWorkGetsItsShareOfTheProcessorsOnAverage() {
    // 5% of 2 processors; the tail works in slices of 2 ms of CPU, each taking 2 ms of wall time.
    TailBudget budget = new TailBudget(0.05, 2, 0);
    long now = 0;
    long used = 0;
    while (now < 60 * SECOND) {
      long wait = budget.waitNanos(now);
      if (wait > 0) {
        now += wait;
      } else {
        now += 2 * MS;
        budget.spend(2 * MS, now);
        used += 2 * MS;
      }
    }
    double share = used / (double) (now * 2);
    // The share, plus the first second's bucket spread over the minute, plus one slice.
    assertThat(share).isBetween(0.049, 0.05 + 0.1 / 60 + 0.001);
  }

  @Test
  void aShareOutsideZeroToOneIsRefused() {
    assertThatThrownBy(() -> new TailBudget(0, 2, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TailBudget(1.5, 2, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TailBudget(0.5, 0, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
