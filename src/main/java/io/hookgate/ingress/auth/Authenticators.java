package io.hookgate.ingress.auth;

import io.hookgate.config.AuthConfig;
import io.hookgate.config.ConfigException;
import io.hookgate.config.Secret;
import io.hookgate.config.SecretRef;
import io.hookgate.config.SignaturePreset;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds a source's {@link Authenticator} from its config, resolving secrets and failing closed. */
public final class Authenticators {
  private static final Logger LOG = LoggerFactory.getLogger(Authenticators.class);
  private static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);
  private static final String GITHUB_HEADER = "X-Hub-Signature-256";

  private Authenticators() {
  }

  public static Authenticator create(String sourceName, AuthConfig auth, Map<String, String> env) {
    return create(sourceName, "sources." + sourceName + ".auth", auth, env);
  }

  /** @param key the auth block's config key, to name it in warnings and errors */
  private static Authenticator create(String sourceName, String key, AuthConfig auth, Map<String, String> env) {
    if (auth.type().equals("none")) {
      LOG.warn("Source '{}' accepts unauthenticated requests (auth: none)", sourceName);
      return new NoAuthenticator();
    }
    if (auth.type().equals("any")) {
      List<Authenticator> alternatives = new ArrayList<>();
      for (int i = 0; i < auth.alternatives().size(); i++) {
        alternatives.add(create(sourceName, key + ".alternatives[" + i + "]", auth.alternatives().get(i), env));
      }
      return new AnyOfAuthenticator(alternatives);
    }
    List<Secret> secrets = auth.secrets().stream()
        .map(ref -> ref.resolve(env))
        .flatMap(Optional::stream)
        .toList();
    if (secrets.isEmpty()) {
      List<String> refs = auth.secrets().stream().map(SecretRef::toString).toList();
      if (key.endsWith(".auth")) {
        LOG.warn("Source '{}' has no secret set ({}): it refuses every request with 401 until one is set",
            sourceName, refs);
      } else {
        LOG.warn("Source '{}' has no secret set for {} ({}): that alternative refuses every request until one is set",
            sourceName, key, refs);
      }
      return new RefuseAllAuthenticator();
    }
    Duration tolerance = auth.tolerance() == null ? DEFAULT_TOLERANCE : auth.tolerance();
    return switch (auth.type()) {
      case "header" -> new HeaderTokenAuthenticator(orDefault(auth.header(), "Authorization"), secrets);
      case "hmac" -> {
        String header = orDefault(auth.header(), GITHUB_HEADER);
        // GitHub's header always carries "sha256=": naming the header without a prefix must not break it.
        String prefix = auth.prefix() != null ? auth.prefix() : header.equalsIgnoreCase(GITHUB_HEADER) ? "sha256=" : "";
        yield new HmacSignatureAuthenticator(header, prefix, orDefault(auth.encoding(), "hex"), secrets);
      }
      case "standard-webhooks" -> {
        try {
          yield new StandardWebhooksAuthenticator(secrets, tolerance);
        } catch (IllegalArgumentException e) {
          throw new ConfigException("config key '" + key + ".secrets': " + e.getMessage());
        }
      }
      case "timestamped-hmac" -> {
        SignaturePreset preset = auth.preset() == null ? SignaturePreset.NONE
            : SignaturePreset.named(auth.preset()).orElseThrow(() -> new ConfigException(
                "config key '" + key + ".preset': unknown preset " + auth.preset()));
        String header = orDefault(auth.header(), preset.header());
        if (header == null) {
          throw new ConfigException("config key '" + key + ".header': is required without a preset");
        }
        yield new TimestampedHmacAuthenticator(
            header,
            orDefault(auth.timestampKey(), preset.timestampKey()),
            orDefault(auth.signatureKey(), preset.signatureKey()),
            auth.signedContent() != null ? auth.signedContent() : preset.signedContent(),
            secrets, tolerance);
      }
      default -> throw new ConfigException("config key '" + key + ".type': unknown type " + auth.type());
    };
  }

  private static String orDefault(String v, String d) {
    return v == null || v.isBlank() ? d : v;
  }
}
