package io.hookgate.ingress.auth;

import io.hookgate.config.AuthConfig;
import io.hookgate.config.ConfigException;
import io.hookgate.config.Secret;
import io.hookgate.config.SecretRef;
import java.time.Duration;
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
    if (auth.type().equals("none")) {
      LOG.warn("Source '{}' accepts unauthenticated requests (auth: none)", sourceName);
      return new NoAuthenticator();
    }
    List<Secret> secrets = auth.secrets().stream()
        .map(ref -> ref.resolve(env))
        .flatMap(Optional::stream)
        .toList();
    if (secrets.isEmpty()) {
      LOG.warn("Source '{}' has no secret set ({}): it refuses every request with 401 until one is set",
          sourceName, auth.secrets().stream().map(SecretRef::toString).toList());
      return new RefuseAllAuthenticator();
    }
    String key = "sources." + sourceName + ".auth";
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
          yield new StandardWebhooksAuthenticator(secrets,
              auth.tolerance() == null ? DEFAULT_TOLERANCE : auth.tolerance());
        } catch (IllegalArgumentException e) {
          throw new ConfigException("config key '" + key + ".secrets': " + e.getMessage());
        }
      }
      default -> throw new ConfigException("config key '" + key + ".type': unknown type " + auth.type());
    };
  }

  private static String orDefault(String v, String d) {
    return v == null || v.isBlank() ? d : v;
  }
}
