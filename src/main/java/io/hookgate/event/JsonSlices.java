package io.hookgate.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Byte ranges of values inside a JSON document, found with Jackson's streaming parser: the bytes of a member
 * exactly as they were written, such as {@code data.original} in a structured CloudEvent, which holds the
 * platform's payload as hookgate received it.
 */
public final class JsonSlices {
  private final JsonFactory factory;

  public JsonSlices(JsonFactory factory) {
    this.factory = factory;
  }

  /**
   * The bytes of the value at {@code path} (member names from the top-level object), as they are in
   * {@code json}; empty when the path is not there or the document is not JSON.
   */
  public Optional<byte[]> member(byte[] json, String... path) {
    try (JsonParser p = factory.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return Optional.empty();
      }
      for (int depth = 0; depth < path.length; depth++) {
        if (!find(p, path[depth])) {
          return Optional.empty();
        }
        JsonToken value = p.nextToken();
        if (depth < path.length - 1) {
          if (value != JsonToken.START_OBJECT) {
            return Optional.empty();
          }
          continue;
        }
        int start = (int) p.currentTokenLocation().getByteOffset();
        p.skipChildren();
        int end = (int) p.currentLocation().getByteOffset();
        return Optional.of(Arrays.copyOfRange(json, start, end));
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Moves to the member {@code name} of the object the parser is in; false at the end of the object. */
  private static boolean find(JsonParser p, String name) throws IOException {
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      if (name.equals(p.currentName())) {
        return true;
      }
      p.nextToken();
      p.skipChildren();
    }
    return false;
  }
}
