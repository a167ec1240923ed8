package io.hookgate.actions;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Finds one top-level member of a JSON object with Jackson's streaming parser and its token locations: used to
 * lift a large nested value out of a record before the record is read into objects. (A hand-written byte scan
 * stood here; side by side in the acting benchmark it bought nothing measurable, so the library does it:
 * bench/README.md, "Acting side (issue 13)".)
 */
final class TopLevelScan {
  private static final JsonFactory FACTORY = new JsonFactory();

  private TopLevelScan() {
  }

  /**
   * The byte range of the value of the top-level member {@code name} of the object in {@code json}, when
   * that value is an object or an array, packed as {@code start << 32 | end} (end exclusive); -1 otherwise,
   * or when the input is not JSON up to that value.
   */
  static long objectMember(byte[] json, String name) {
    try (JsonParser p = FACTORY.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return -1;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        boolean match = name.equals(p.currentName());
        JsonToken value = p.nextToken();
        if (match) {
          if (value != JsonToken.START_OBJECT && value != JsonToken.START_ARRAY) {
            return -1;
          }
          long start = p.currentTokenLocation().getByteOffset();
          p.skipChildren();
          long end = p.currentLocation().getByteOffset();
          return start < 0 || end <= start ? -1 : start << 32 | end;
        }
        p.skipChildren();
      }
      return -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
