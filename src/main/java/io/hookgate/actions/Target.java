package io.hookgate.actions;

import io.hookgate.config.ConfigException;
import io.hookgate.config.Secret;
import io.hookgate.config.SecretRef;
import io.hookgate.config.TargetConfig;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A configured target with its secrets resolved. Secrets stay in {@link Secret} objects and are only
 * revealed when a request is built; {@link #redact(String)} scrubs them from anything hookgate stores or
 * shows (a response body that echoes the credential, an error message with a secret URL).
 *
 * @param name the name actions use
 * @param config as configured
 * @param baseUri the base URL (from {@code baseUrl} or the resolved {@code baseUrlSecret})
 * @param authValue the full credential header value ({@code prefix + secret}), if the target has auth
 * @param signingKeys the HMAC keys of the Standard Webhooks {@code whsec_} secrets that sign its forwards, the
 *     current one first (a subscription's rotated secret signs beside it until it expires); empty for none
 * @param allowance what the target may reach besides public addresses
 * @param secretTexts every secret of the target, to scrub from what is stored or shown
 * @param headers sent with every request, values secret (a subscription's headers)
 * @param payload what a forward sends: the CloudEvent, or the platform's payload as received
 */
public record Target(
    String name,
    TargetConfig config,
    URI baseUri,
    Optional<Secret> authValue,
    List<byte[]> signingKeys,
    SsrfGuard.Allowance allowance,
    List<String> secretTexts,
    Map<String, Secret> headers,
    Payload payload) {

  /** What a {@code forward} sends. */
  public enum Payload {
    /** The event as a CloudEvent in structured mode. */
    CLOUDEVENT,
    /** {@code data.original}: the platform's payload, byte for byte as hookgate received it. */
    ORIGINAL
  }

  public Target {
    signingKeys = List.copyOf(signingKeys);
    secretTexts = List.copyOf(secretTexts);
    headers = Map.copyOf(headers);
  }

  public static final String NAME_PATTERN = "[A-Za-z0-9][A-Za-z0-9_.-]{0,127}";

  /** Resolves every target; a missing or malformed secret stops start-up with a message naming the key. */
  /**
   * Every target, or one ConfigException that lists every target's problem, a line each (a missing secret
   * per run would take as many runs as secrets to find).
   */
  public static Map<String, Target> resolveAll(Map<String, TargetConfig> configs, Map<String, String> env) {
    Map<String, Target> out = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    new TreeMap<>(configs).forEach((name, config) -> {
      try {
        out.put(name, resolve(name, config, env));
      } catch (ConfigException e) {
        problems.add(e.getMessage());
      }
    });
    if (!problems.isEmpty()) {
      throw new ConfigException(String.join("\n", problems));
    }
    return out;
  }

  public static Target resolve(String name, TargetConfig config, Map<String, String> env) {
    String key = "targets." + name;
    if (!name.matches(NAME_PATTERN)) {
      throw new ConfigException("config key '" + key + "': target names are letters, digits, '.', '_' and '-'");
    }
    if (config == null) {
      throw new ConfigException("config key '" + key + "': is empty; a target needs at least baseUrl");
    }
    List<String> secrets = new ArrayList<>();
    URI base;
    if (config.baseUrlSecret() != null) {
      Secret url = secret(key + ".baseUrlSecret", config.baseUrlSecret(), env);
      secrets.add(url.reveal());
      try {
        base = TargetConfig.checkUrl(url.reveal());
      } catch (ConfigException e) {
        throw new ConfigException("config key '" + key + ".baseUrlSecret' (" + url.origin() + "): " + e.getMessage());
      }
    } else {
      base = TargetConfig.checkUrl(config.baseUrl());
    }
    Optional<Secret> auth = Optional.empty();
    if (config.auth() != null) {
      Secret s = secret(key + ".auth.secret", config.auth().secret(), env);
      secrets.add(s.reveal());
      String problem = HttpSyntax.valueProblem(config.auth().prefix() + s.reveal());
      if (problem != null) {
        // Found at start-up rather than on every action (e.g. a secret file or variable ending in a newline).
        // The message names where the secret comes from, never the secret.
        throw new ConfigException("config key '" + key + ".auth.secret' (" + s.origin() + "): the "
            + config.auth().header() + " header value it makes " + problem);
      }
      auth = Optional.of(new Secret(config.auth().prefix() + s.reveal(), s.origin()));
    }
    List<byte[]> signing = List.of();
    if (config.signingSecret() != null) {
      Secret s = secret(key + ".signingSecret", config.signingSecret(), env);
      secrets.add(s.reveal());
      try {
        signing = List.of(StandardWebhooksSigner.key(s));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("config key '" + key + ".signingSecret': " + e.getMessage());
      }
    }
    SsrfGuard.Allowance allowance;
    try {
      allowance = new SsrfGuard.Allowance(config.allowPrivateNetwork(), config.allowedHosts());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("config key '" + key + ".allowedHosts': " + e.getMessage());
    }
    return new Target(name, config, base, auth, signing, allowance, secrets, Map.of(), Payload.CLOUDEVENT);
  }

  private static Secret secret(String key, SecretRef ref, Map<String, String> env) {
    return ref.resolve(env).orElseThrow(() -> new ConfigException("config key '" + key + "': the secret "
        + ref + " is not set (or empty)"));
  }

  /**
   * Request headers as a delivery log keeps them: the values of this target's own headers (secret) masked, and
   * its secrets scrubbed from the others.
   */
  public Map<String, String> masked(Iterable<Map.Entry<String, String>> requestHeaders) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> h : requestHeaders) {
      out.put(h.getKey(), isOwnHeader(h.getKey()) ? "****" : redact(h.getValue()));
    }
    return out;
  }

  private boolean isOwnHeader(String name) {
    for (String own : headers.keySet()) {
      if (own.equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  /** Replaces every secret of this target found in {@code text} with {@code ****}. */
  public String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (String s : secretTexts) {
      if (s.length() >= 4) {
        out = out.replace(s, "****");
      }
    }
    return out;
  }

  /** The base URL as it may be shown: the origin only when the URL itself is a secret. */
  public String displayUrl() {
    if (config.baseUrlSecret() != null) {
      return baseUri.getScheme() + "://" + baseUri.getRawAuthority() + "/****";
    }
    return baseUri.toString();
  }

  @Override
  public String toString() {
    return "Target[" + name + " " + displayUrl() + "]";
  }
}
