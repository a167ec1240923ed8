package io.hookgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class SecretBoxTest {
  private static byte[] key() {
    return Base64.getDecoder().decode(SecretBox.newKey());
  }

  @Test
  void encryptsWithTheFirstKeyAndDecryptsWithAnyKeyOfTheRing() {
    byte[] old = key();
    byte[] current = key();
    SecretBox before = new SecretBox(List.of(old));
    String sealedBefore = before.encrypt("Bearer s3cret", "subscription/a/headers/Authorization");
    assertThat(sealedBefore).startsWith("hg1." + before.currentKeyId() + ".").doesNotContain("s3cret");

    SecretBox rotated = new SecretBox(List.of(current, old));
    assertThat(rotated.decrypt(sealedBefore, "subscription/a/headers/Authorization")).isEqualTo("Bearer s3cret");
    String sealedAfter = rotated.encrypt("Bearer s3cret", "subscription/a/headers/Authorization");
    assertThat(sealedAfter).as("a fresh IV each time").isNotEqualTo(rotated.encrypt("Bearer s3cret",
        "subscription/a/headers/Authorization"));
    assertThat(sealedAfter).startsWith("hg1." + rotated.currentKeyId() + ".");
    assertThatThrownBy(() -> before.decrypt(sealedAfter, "subscription/a/headers/Authorization"))
        .hasMessageContaining("not among the configured encryption keys").hasMessageNotContaining("s3cret");
  }

  @Test
  void aCiphertextMovedToAnotherPlaceOrAlteredIsRefused() {
    SecretBox box = new SecretBox(List.of(key()));
    String sealed = box.encrypt("whsec_abc", "subscription/a/secrets/0");
    assertThatThrownBy(() -> box.decrypt(sealed, "subscription/b/secrets/0"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("whsec_abc");
    char[] chars = sealed.toCharArray();
    chars[chars.length - 3] = chars[chars.length - 3] == 'A' ? 'B' : 'A';
    assertThatThrownBy(() -> box.decrypt(new String(chars), "subscription/a/secrets/0"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> box.decrypt("plain text", "subscription/a/secrets/0"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void keysMustBe32Bytes() {
    assertThatThrownBy(() -> new SecretBox(List.of(new byte[16]))).hasMessageContaining("32 bytes");
    assertThatThrownBy(() -> new SecretBox(List.of())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aRefusedCiphertextLeavesTheThreadsCipherFitForTheNext() throws Exception {
    SecretBox box = new SecretBox(List.of(key()));
    String a = box.encrypt("first", "here");
    String b = box.encrypt("second", "here");
    assertThat(a).isNotEqualTo(box.encrypt("first", "here"));
    assertThatThrownBy(() -> box.decrypt(a, "elsewhere")).isInstanceOf(IllegalArgumentException.class);
    assertThat(box.decrypt(b, "here")).isEqualTo("second");
    assertThat(box.decrypt(a, "here")).isEqualTo("first");
    // Another thread has its own cipher.
    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      assertThat(other.submit(() -> box.decrypt(box.encrypt("third", "there"), "there")).get()).isEqualTo("third");
    } finally {
      other.shutdown();
    }
  }
}
