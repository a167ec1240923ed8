package io.hookgate.pull;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PullPositionTest {
  private static final Instant NOW = Instant.parse("2026-12-07T08:00:00Z");
  private static final PullPosition AT = new PullPosition("kili-live", "p", "2026-12-07T07:00:00.500Z",
      List.of("a"), NOW.toString());

  @Test
  void aBackfillSkipsWhatIsOlderThanThePositionAndTheIdsStoredAtItsTime() {
    assertThat(AT.covers("x", Instant.parse("2026-12-07T07:00:00.499Z"))).isTrue();
    assertThat(AT.covers("a", Instant.parse("2026-12-07T07:00:00.500Z"))).isTrue();
    assertThat(AT.covers("b", Instant.parse("2026-12-07T07:00:00.500Z"))).isFalse();
    assertThat(AT.covers("a", Instant.parse("2026-12-07T07:00:00.501Z"))).isFalse();
    // Kili's times with an offset compare as instants.
    assertThat(AT.covers("a", LabelTimes.parse("2026-12-07T08:00:00.500+01:00"))).isTrue();
  }

  @Test
  void thePositionMovesForwardOnlyAndCollectsTheIdsOfOneTime() {
    PullPosition same = AT.after("b", "2026-12-07T07:00:00.500Z", NOW);
    assertThat(same.idsAtLast()).containsExactly("a", "b");
    assertThat(same.after("b", "2026-12-07T07:00:00.500Z", NOW)).isSameAs(same);
    assertThat(AT.after("old", "2026-12-07T06:00:00Z", NOW)).isSameAs(AT);
    PullPosition later = AT.after("c", "2026-12-07T07:00:01Z", NOW);
    assertThat(later.lastCreatedAt()).isEqualTo("2026-12-07T07:00:01Z");
    assertThat(later.idsAtLast()).containsExactly("c");
  }

  @Test
  void theBackoffDoublesUpToItsMaximumWithUpToHalfTakenOff() {
    Backoff lowest = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), () -> 0.0);
    Backoff highest = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), () -> 0.999999);
    assertThat(lowest.delay(0)).isEqualTo(Duration.ofMillis(500));
    assertThat(highest.delay(0)).isEqualTo(Duration.ofMillis(999));
    assertThat(lowest.delay(3)).isEqualTo(Duration.ofSeconds(4));
    assertThat(highest.delay(3)).isEqualTo(Duration.ofMillis(7999));
    assertThat(lowest.delay(20)).isEqualTo(Duration.ofSeconds(150));
    assertThat(highest.delay(200)).isLessThan(Duration.ofMinutes(5));
  }
}
