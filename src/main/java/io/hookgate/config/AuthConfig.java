package io.hookgate.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.time.Duration;
import java.util.List;

/**
 * How a source proves who it is.
 *
 * @param type {@code header} (static token), {@code hmac} (signature of the body), {@code standard-webhooks},
 *     {@code timestamped-hmac} ({@code t=...,v1=...}: Stripe, V7), {@code any} (one of several
 *     {@code alternatives}), or {@code none}
 * @param header the header holding the token or signature
 * @param prefix for hmac: text before the signature in the header, e.g. {@code sha256=}
 * @param encoding for hmac: {@code hex} or {@code base64}
 * @param secrets one or more secrets; any of them is accepted, so a secret can be rotated without downtime
 * @param tolerance for standard-webhooks and timestamped-hmac: how far the signed timestamp may be from now
 * @param preset for timestamped-hmac: {@code v7} or {@code stripe}, naming the header and keys
 * @param timestampKey for timestamped-hmac: the key of the timestamp in the header ({@code t})
 * @param signatureKey for timestamped-hmac: the key of each signature in the header ({@code v1})
 * @param signedContent for timestamped-hmac: what is signed ({@code {t}.{body}})
 * @param alternatives for any: the schemes of which one must pass, e.g. a static header and a signature
 *     while a sender moves from one to the other
 */
public record AuthConfig(
    String type,
    String header,
    String prefix,
    String encoding,
    List<SecretRef> secrets,
    @JsonDeserialize(using = ConfigDeserializers.Dur.class) Duration tolerance,
    String preset,
    String timestampKey,
    String signatureKey,
    SignedContent signedContent,
    List<AuthConfig> alternatives) {

  public AuthConfig {
    secrets = secrets == null ? List.of() : List.copyOf(secrets);
    alternatives = alternatives == null ? List.of() : List.copyOf(alternatives);
  }

  /** A scheme without the timestamped-hmac keys and alternatives. */
  public AuthConfig(String type, String header, String prefix, String encoding, List<SecretRef> secrets,
      Duration tolerance) {
    this(type, header, prefix, encoding, secrets, tolerance, null, null, null, null, null);
  }
}
