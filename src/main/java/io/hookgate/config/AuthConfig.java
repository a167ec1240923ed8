package io.hookgate.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.time.Duration;
import java.util.List;

/**
 * How a source proves who it is.
 *
 * @param type {@code header} (static token), {@code hmac} (signature of the body),
 *     {@code standard-webhooks}, or {@code none}
 * @param header the header holding the token or signature
 * @param prefix for hmac: text before the signature in the header, e.g. {@code sha256=}
 * @param encoding for hmac: {@code hex} or {@code base64}
 * @param secrets one or more secrets; any of them is accepted, so a secret can be rotated without downtime
 * @param tolerance for standard-webhooks: how far the signed timestamp may be from now
 */
public record AuthConfig(
    String type,
    String header,
    String prefix,
    String encoding,
    List<SecretRef> secrets,
    @JsonDeserialize(using = ConfigDeserializers.Dur.class) Duration tolerance) {

  public AuthConfig {
    secrets = secrets == null ? List.of() : List.copyOf(secrets);
  }
}
