package io.hookgate.admin;

import io.hookgate.config.ApiConfig;
import io.hookgate.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bearer tokens of {@code api.tokens}, resolved once at start. A presented token is compared with every
 * configured one in constant time (over SHA-256 digests, so that lengths do not show either); tokens never leave
 * this class, and a reference that is not set is skipped (with none set at all, the API fails closed).
 */
final class ApiTokens {
  private static final Logger LOG = LoggerFactory.getLogger(ApiTokens.class);

  /** What a token may do: a viewer reads, an admin does everything. */
  enum Role {
    viewer, admin;

    boolean allows(Role needed) {
      return this == admin || needed == viewer;
    }

    static Role of(String text) {
      return valueOf(text.toLowerCase(Locale.ROOT));
    }
  }

  private record Token(Role role, byte[] digest) {
  }

  private final List<Token> tokens;

  private ApiTokens(List<Token> tokens) {
    this.tokens = List.copyOf(tokens);
  }

  static ApiTokens resolve(ApiConfig config, Map<String, String> env) {
    List<Token> out = new ArrayList<>();
    for (ApiConfig.Token t : config.tokens()) {
      Optional<Secret> secret = t.secret().resolve(env);
      if (secret.isEmpty()) {
        LOG.info("API token {} (role {}) is not set; skipped", t.secret(), t.role());
        continue;
      }
      out.add(new Token(Role.of(t.role()), digest(secret.get().bytes())));
    }
    if (out.isEmpty()) {
      LOG.warn("No API token is set (api.tokens; HOOKGATE_ADMIN_TOKEN, HOOKGATE_VIEWER_TOKEN): the management API "
          + "under /api/v1 answers 503 until one is");
    }
    return new ApiTokens(out);
  }

  /** Whether any token is set; none: the API refuses everything but its document. */
  boolean configured() {
    return !tokens.isEmpty();
  }

  /** The role of a presented token; the highest when it is configured for both. */
  Optional<Role> roleOf(String presented) {
    byte[] d = digest(presented.getBytes(StandardCharsets.UTF_8));
    Role found = null;
    // Every token is compared, whatever matched before, so that timing says nothing about which one matched.
    for (Token t : tokens) {
      if (MessageDigest.isEqual(d, t.digest()) && (found == null || t.role() == Role.admin)) {
        found = t.role();
      }
    }
    return Optional.ofNullable(found);
  }

  private static byte[] digest(byte[] value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
