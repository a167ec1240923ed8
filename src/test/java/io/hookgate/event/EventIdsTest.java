package io.hookgate.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EventIdsTest {
  private static final byte[] BODY = "{\"type\":\"annotation\",\"taskId\":\"t1\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void theSameBodyFromTheSameSourceHasTheSameId() {
    assertThat(EventIds.fromBody("isahit", BODY)).isEqualTo(EventIds.fromBody("isahit", BODY.clone()));
  }

  @Test
  void theIdIs128BitsOfSha256InHex() {
    assertThat(EventIds.fromBody("isahit", BODY)).matches("[0-9a-f]{32}");
  }

  @Test
  void anyByteOfTheBodyOrTheSourceChangesIt() {
    byte[] other = BODY.clone();
    other[other.length - 2] = 'X';
    assertThat(EventIds.fromBody("isahit", other)).isNotEqualTo(EventIds.fromBody("isahit", BODY));
    assertThat(EventIds.fromBody("isahit-eu", BODY)).isNotEqualTo(EventIds.fromBody("isahit", BODY));
    // The separator keeps "ab" + "c..." apart from "a" + "bc...".
    assertThat(EventIds.fromBody("ab", "c".getBytes(StandardCharsets.UTF_8)))
        .isNotEqualTo(EventIds.fromBody("a", "bc".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aKnownBodyHasAKnownId() {
    // sha256("isahit" 0x00 BODY) computed independently (python hashlib), first 16 bytes.
    assertThat(EventIds.fromBody("isahit", BODY)).isEqualTo("729df4262bfa9d52be4654a4afbe011e");
  }
}
