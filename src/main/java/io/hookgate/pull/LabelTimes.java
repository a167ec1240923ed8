package io.hookgate.pull;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Kili's label times ({@code createdAt}): ISO 8601, in UTC with a {@code Z} or with an offset. */
final class LabelTimes {
  private LabelTimes() {
  }

  /** @throws DateTimeParseException when the text is no such time */
  static Instant parse(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return OffsetDateTime.parse(text).toInstant();
    }
  }

  /** Whether {@code text} is such a time. */
  static boolean valid(String text) {
    if (text == null) {
      return false;
    }
    try {
      parse(text);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }
}
