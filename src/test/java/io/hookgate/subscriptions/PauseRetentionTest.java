package io.hookgate.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PauseRetentionTest {
  private final Instant since = Instant.parse("2026-12-01T00:00:00Z");
  private final PauseRetention retention = new PauseRetention("hookgate.actions", Duration.ofHours(100));

  private Subscription paused(boolean resuming) {
    return new Subscription("s", "https://x.example", null, null, null, Map.of(), true, null, null,
        new PauseState(since, "deploy", resuming, 42L), since, since, 3);
  }

  @Test
  void warnsFromFourFifthsOfTheRetentionAndSaysWhenItIsTooLate() {
    assertThat(retention.warning(paused(false), since.plus(Duration.ofHours(79)))).isEmpty();
    assertThat(retention.warning(paused(false), since.plus(Duration.ofHours(81)))).get().asString()
        .contains("resume it before 2026-12-05T04:00:00Z");
    assertThat(retention.warning(paused(false), since.plus(Duration.ofHours(120)))).get().asString()
        .contains("have been deleted by Kafka");
    assertThat(retention.warning(paused(true), since.plus(Duration.ofHours(120)))).as("resuming").isEmpty();
  }
}
