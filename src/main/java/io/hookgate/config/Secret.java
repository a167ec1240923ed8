package io.hookgate.config;

import com.fasterxml.jackson.annotation.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A resolved secret value. It never prints itself: {@link #toString()} is redacted so that a secret
 * cannot reach a log line, an error message or an API response by accident.
 */
public final class Secret {
  private final byte[] value;
  private final String origin;

  public Secret(String value, String origin) {
    this.value = value.getBytes(StandardCharsets.UTF_8);
    this.origin = origin;
  }

  /** Where the value came from, e.g. {@code env:KILI_WEBHOOK_SECRET}; safe to log. */
  public String origin() {
    return origin;
  }

  public byte[] bytes() {
    return value.clone();
  }

  public String reveal() {
    return new String(value, StandardCharsets.UTF_8);
  }

  /** A masked rendering such as {@code ****(env:KILI_WEBHOOK_SECRET)}; also its JSON form. */
  @JsonValue
  @Override
  public String toString() {
    return "****(" + origin + ")";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && Arrays.equals(value, s.value);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(value);
  }
}
