package io.hookgate.event;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CloudEventStringsTest {
  @Test
  void printableUnicodeIsACloudEventsString() {
    for (String ok : new String[] {"", "abc-123_:/.~", "caf\u00e9", "\u4e2d\u6587", "\ud83d\ude00", "\u00a0\u00ff",
        "a b\u2028"}) {
      assertThat(CloudEventStrings.invalid(ok)).as(ok).isNull();
    }
  }

  @Test
  void controlCharactersNoncharactersAndUnpairedSurrogatesAreNot() {
    assertThat(CloudEventStrings.invalid("ab\ncd")).isEqualTo("a control character (U+000A) at index 2");
    assertThat(CloudEventStrings.invalid("\u0000")).contains("U+0000");
    assertThat(CloudEventStrings.invalid("\t")).contains("U+0009");
    assertThat(CloudEventStrings.invalid("x\u007f")).contains("U+007F");
    assertThat(CloudEventStrings.invalid("\u0085")).contains("U+0085");
    assertThat(CloudEventStrings.invalid("\u009f")).contains("U+009F");
    assertThat(CloudEventStrings.invalid("a\ud800")).isEqualTo("an unpaired surrogate (U+D800) at index 1");
    assertThat(CloudEventStrings.invalid("\udc00a")).contains("unpaired surrogate");
    assertThat(CloudEventStrings.invalid("\ufdd0")).contains("noncharacter");
    assertThat(CloudEventStrings.invalid("\uffff")).contains("noncharacter (U+FFFF)");
    assertThat(CloudEventStrings.invalid("\ud83f\udffe")).contains("noncharacter (U+1FFFE)"); // a supplementary one
  }
}
