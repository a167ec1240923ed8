package io.hookgate.subscriptions;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a subscription's receiver gets in the body. */
public enum DeliveryFormat {
  /** The canonical event as a CloudEvent in structured mode ({@code application/cloudevents+json}). */
  CLOUDEVENTS,
  /**
   * The platform's payload as hookgate received it ({@code data.original}), as JSON, so that an existing
   * Flask or FastAPI handler written for the platform can sit behind hookgate unchanged.
   */
  ORIGINAL;

  @JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static DeliveryFormat of(String text) {
    return valueOf(text.toUpperCase(Locale.ROOT));
  }
}
