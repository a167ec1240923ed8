package io.hookgate.config;

import java.util.List;
import java.util.Locale;

/**
 * The management API under {@code /api/v1}: bearer tokens and their roles. No token set: the API answers 503
 * with how to set one (fail closed, like sources without secrets).
 *
 * @param tokens each a role and a secret reference; any number per role, for rotation
 */
public record ApiConfig(List<Token> tokens) {

  /** A bearer token. */
  public record Token(String role, SecretRef secret) {
    public static final List<String> ROLES = List.of("admin", "viewer");

    public Token {
      role = role == null ? null : role.toLowerCase(Locale.ROOT);
      if (role == null || !ROLES.contains(role)) {
        throw new ConfigException("role must be admin or viewer (got '" + role + "')");
      }
      if (secret == null) {
        throw new ConfigException("secret is required (env:NAME or file:/path)");
      }
    }
  }

  public ApiConfig {
    tokens = tokens == null ? List.of() : List.copyOf(tokens);
  }

  public static ApiConfig defaults() {
    return new ApiConfig(null);
  }
}
