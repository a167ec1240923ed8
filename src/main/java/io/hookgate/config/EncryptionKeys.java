package io.hookgate.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Resolves {@code encryption.keys} into a {@link SecretBox}, before anything starts. */
public final class EncryptionKeys {
  private static final Logger LOG = LoggerFactory.getLogger(EncryptionKeys.class);
  /** Where the embedded broker's dev mode keeps the key it generates, beside its data. */
  public static final String DEV_KEY_FILE = "encryption.key";

  private EncryptionKeys() {
  }

  /**
   * The configured keys that are set, in order. None set: with the embedded broker, a development key kept in
   * {@code devKeyDir} (generated the first time); otherwise empty, and whatever needs a secret at rest refuses
   * to work until one is set. A key that is set but is not base64 of 32 bytes stops start-up.
   */
  public static Optional<SecretBox> resolve(EncryptionConfig config, Map<String, String> env, Path devKeyDir) {
    List<byte[]> keys = new ArrayList<>();
    for (int i = 0; i < config.keys().size(); i++) {
      Optional<Secret> secret = config.keys().get(i).resolve(env);
      if (secret.isEmpty()) {
        continue;
      }
      try {
        byte[] key = Base64.getDecoder().decode(secret.get().reveal().strip());
        if (key.length != 32) {
          throw new IllegalArgumentException("is " + key.length + " bytes");
        }
        keys.add(key);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("config key 'encryption.keys[" + i + "]' (" + secret.get().origin() + "): not "
            + "base64 of 32 bytes; make one with: head -c 32 /dev/urandom | base64");
      }
    }
    if (!keys.isEmpty()) {
      return Optional.of(new SecretBox(keys));
    }
    if (devKeyDir == null) {
      LOG.warn("No encryption key is set (encryption.keys, HOOKGATE_ENCRYPTION_KEY): subscriptions cannot be "
          + "written until one is; make one with: head -c 32 /dev/urandom | base64");
      return Optional.empty();
    }
    return Optional.of(new SecretBox(List.of(devKey(devKeyDir.resolve(DEV_KEY_FILE)))));
  }

  private static byte[] devKey(Path file) {
    try {
      if (!Files.exists(file)) {
        Files.createDirectories(file.getParent());
        Files.writeString(file, SecretBox.newKey() + "\n");
        try {
          Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
          // Not a POSIX file system: the file keeps its default permissions.
        }
        LOG.warn("Generated a development encryption key in {} for the embedded broker's data; with a real "
            + "cluster set HOOKGATE_ENCRYPTION_KEY instead", file);
      }
      return Base64.getDecoder().decode(Files.readString(file).strip());
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException("the development encryption key " + file + " cannot be used: " + e.getMessage());
    }
  }
}
