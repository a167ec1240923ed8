package io.hookgate.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Validates a source's {@code auth}, with errors naming the key as {@code config key '...': ...}. Apart from
 * {@link ConfigLoader} so that the rules of the auth types stay in one place as types are added.
 */
final class AuthConfigChecks {
  static final Set<String> TYPES = Set.of("header", "hmac", "standard-webhooks", "timestamped-hmac", "any", "none");
  private static final String KEY_CHARS = "[A-Za-z0-9_.-]+";

  private AuthConfigChecks() {
  }

  /** @param key the path of the auth block, e.g. {@code sources.kili.auth} */
  static void validate(String key, AuthConfig auth) {
    require(auth != null && auth.type() != null, key + ".type", "is required: one of " + types()
        + " (use 'none' to accept unauthenticated requests)");
    require(TYPES.contains(auth.type()), key + ".type", "must be one of " + types() + " (got '" + auth.type() + "')");
    switch (auth.type()) {
      case "none" -> {
        // Nothing is checked, by explicit choice; ConfigLoader's callers log it.
      }
      case "any" -> any(key, auth);
      default -> scheme(key, auth);
    }
  }

  private static void any(String key, AuthConfig auth) {
    require(auth.alternatives().size() >= 2, key + ".alternatives",
        "lists two or more schemes for auth type any (with one, write it as the auth itself)");
    List<String> beside = setKeys(auth);
    if (!beside.isEmpty()) {
      require(false, key + "." + beside.get(0),
          "belongs in each of the alternatives of auth type any, not beside them");
    }
    for (int i = 0; i < auth.alternatives().size(); i++) {
      String alternative = key + ".alternatives[" + i + "]";
      AuthConfig a = auth.alternatives().get(i);
      require(a != null && a.type() != null, alternative + ".type", "is required");
      require(!a.type().equals("none") && !a.type().equals("any"), alternative + ".type",
          "cannot be " + a.type() + " in the alternatives of auth type any");
      validate(alternative, a);
    }
  }

  private static void scheme(String key, AuthConfig auth) {
    require(auth.alternatives().isEmpty(), key + ".alternatives", "only applies to auth type any");
    require(!auth.secrets().isEmpty(), key + ".secrets",
        "needs at least one secret reference for auth type " + auth.type());
    if (auth.encoding() != null) {
      require(Set.of("hex", "base64").contains(auth.encoding()), key + ".encoding", "must be hex or base64");
    }
    if (auth.tolerance() != null) {
      require(auth.tolerance().toSeconds() >= 1, key + ".tolerance", "must be at least 1s");
    }
    boolean timestamped = auth.type().equals("timestamped-hmac");
    if (!timestamped) {
      for (String own : List.of("preset", "timestampKey", "signatureKey", "signedContent")) {
        require(!setKeys(auth).contains(own), key + "." + own, "only applies to auth type timestamped-hmac");
      }
      return;
    }
    require(auth.prefix() == null, key + ".prefix", "only applies to auth type hmac");
    require(auth.encoding() == null, key + ".encoding",
        "only applies to auth type hmac (timestamped-hmac signatures are hex)");
    if (auth.preset() != null) {
      require(SignaturePreset.named(auth.preset()).isPresent(), key + ".preset",
          "must be one of " + String.join(", ", SignaturePreset.names()) + " (got '" + auth.preset() + "')");
    } else {
      require(auth.header() != null && !auth.header().isBlank(), key + ".header",
          "is required for auth type timestamped-hmac unless a preset (" + String.join(", ", SignaturePreset.names())
              + ") names it");
    }
    headerKey(key + ".timestampKey", auth.timestampKey());
    headerKey(key + ".signatureKey", auth.signatureKey());
    if (auth.timestampKey() != null && auth.signatureKey() != null) {
      require(!auth.timestampKey().equals(auth.signatureKey()), key + ".signatureKey", "must differ from timestampKey");
    }
  }

  private static void headerKey(String key, String value) {
    if (value != null) {
      require(value.matches(KEY_CHARS), key, "must be letters, digits, '_', '.' or '-' (got '" + value + "')");
    }
  }

  /** The keys of an auth block that are set, but for type (secrets and alternatives when not empty). */
  private static List<String> setKeys(AuthConfig a) {
    List<String> set = new ArrayList<>();
    if (a.header() != null) {
      set.add("header");
    }
    if (a.prefix() != null) {
      set.add("prefix");
    }
    if (a.encoding() != null) {
      set.add("encoding");
    }
    if (!a.secrets().isEmpty()) {
      set.add("secrets");
    }
    if (a.tolerance() != null) {
      set.add("tolerance");
    }
    if (a.preset() != null) {
      set.add("preset");
    }
    if (a.timestampKey() != null) {
      set.add("timestampKey");
    }
    if (a.signatureKey() != null) {
      set.add("signatureKey");
    }
    if (a.signedContent() != null) {
      set.add("signedContent");
    }
    return set;
  }

  private static String types() {
    return String.join(", ", TYPES.stream().sorted().toList());
  }

  private static void require(boolean ok, String key, String message) {
    if (!ok) {
      throw new ConfigException("config key '" + key + "': " + message);
    }
  }
}
