package io.hookgate.config;

import java.util.List;

/**
 * The keys that encrypt the secrets hookgate keeps in Kafka (AES-256, base64 of 32 random bytes each): the first
 * encrypts, all decrypt. Unset, the embedded broker's dev mode generates one next to its data; with a real
 * cluster, nothing that needs a secret at rest can be written until one is set.
 *
 * @param keys secret references, the current key first
 */
public record EncryptionConfig(List<SecretRef> keys) {

  public EncryptionConfig {
    keys = keys == null ? List.of() : List.copyOf(keys);
  }

  public static EncryptionConfig defaults() {
    return new EncryptionConfig(null);
  }
}
