package io.hookgate.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where a secret lives: an environment variable, a file (a mounted Kubernetes Secret), or, for tests and
 * local trials only, an inline value. Exactly one of the three is set.
 */
public record SecretRef(String env, String file, String value) {

  @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
  public SecretRef(@JsonProperty("env") String env, @JsonProperty("file") String file,
      @JsonProperty("value") String value) {
    this.env = env;
    this.file = file;
    this.value = value;
    int set = (env != null ? 1 : 0) + (file != null ? 1 : 0) + (value != null ? 1 : 0);
    if (set != 1) {
      throw new IllegalArgumentException("a secret reference needs exactly one of env, file or value");
    }
  }

  /** The short form {@code env:NAME} or {@code file:/path}; a bare string is refused so that secrets stay out of config files. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static SecretRef parse(String text) {
    if (text.startsWith("env:")) {
      return new SecretRef(text.substring(4), null, null);
    }
    if (text.startsWith("file:")) {
      return new SecretRef(null, text.substring(5), null);
    }
    throw new IllegalArgumentException(
        "a secret is written as env:NAME, file:/path or {value: ...}, not as a bare string");
  }

  public static SecretRef ofEnv(String name) {
    return new SecretRef(name, null, null);
  }

  public static SecretRef ofValue(String value) {
    return new SecretRef(null, null, value);
  }

  /** Resolves the reference; empty when the variable is unset or empty, so the caller can fail closed. */
  public Optional<Secret> resolve(Map<String, String> environment) {
    if (env != null) {
      String v = environment.get(env);
      return v == null || v.isEmpty() ? Optional.empty() : Optional.of(new Secret(v, "env:" + env));
    }
    if (file != null) {
      try {
        String v = Files.readString(Path.of(file)).strip();
        return v.isEmpty() ? Optional.empty() : Optional.of(new Secret(v, "file:" + file));
      } catch (IOException e) {
        return Optional.empty();
      }
    }
    return value.isEmpty() ? Optional.empty() : Optional.of(new Secret(value, "inline value"));
  }

  /** Describes the reference without its value; also its JSON form, so a serialized config stays masked. */
  @JsonValue
  @Override
  public String toString() {
    return env != null ? "env:" + env : file != null ? "file:" + file : "value:****";
  }
}
