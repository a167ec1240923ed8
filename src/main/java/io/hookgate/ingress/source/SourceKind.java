package io.hookgate.ingress.source;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.config.ConfigException;
import io.hookgate.config.SourceConfig;
import java.util.function.BiFunction;

/**
 * A platform hookgate takes webhooks from, as {@code sources.<name>.kind} names it: what its config must hold,
 * and how its bodies are read. Every kind is listed once, in {@link SourceKinds}; the configuration is checked
 * against that list, and the ingress builds its sources from it.
 */
public interface SourceKind {

  /** The value of {@code sources.<name>.kind}. */
  String name();

  /**
   * Checks what this kind needs from its source's config beyond what every source has (auth, limits).
   *
   * @param key the source's config key, {@code sources.<name>}
   * @throws ConfigException naming the offending key
   */
  void validate(String key, SourceConfig config);

  /**
   * The reader of this kind's bodies, for a source whose config {@link #validate} accepted.
   *
   * @param bodies the mapper webhook bodies are read with (its nesting limit applies to JSON inside them too)
   */
  WebhookSource create(SourceConfig config, ObjectMapper bodies);

  /** A kind that needs nothing in its config beyond what every source has. */
  static SourceKind of(String name, BiFunction<SourceConfig, ObjectMapper, WebhookSource> factory) {
    return new SourceKind() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void validate(String key, SourceConfig config) {
      }

      @Override
      public WebhookSource create(SourceConfig config, ObjectMapper bodies) {
        return factory.apply(config, bodies);
      }
    };
  }
}
