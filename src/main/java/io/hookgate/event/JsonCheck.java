package io.hookgate.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Checks that bytes are exactly one JSON value (RFC 8259, UTF-8), whitespace around it allowed. Forwarding an
 * event writes its data into the structured CloudEvent as it is, so the data must be checked first.
 *
 * <p>Two libraries, each for what it does well: the JDK's UTF-8 decoder, strict, because RFC 8259 asks for
 * well-formed UTF-8 and Jackson lets malformed sequences through in what it skips (an overlong {@code 0xC0 0xAF},
 * a member name), which a stricter receiver of the forwarded event would refuse; then Jackson's tokenizer, which
 * refuses what its parser refuses (comments, leading zeros, NaN, trailing commas, unescaped control characters,
 * nesting beyond {@value #MAX_DEPTH}). A hand-written one-pass checker stood here before; side by side in the
 * acting benchmark it bought less than the 10% the house asks of a hand-written replacement (bench/README.md).
 */
public final class JsonCheck {
  static final int MAX_DEPTH = 1000;

  /** Names are not interned: each event's keys are seen once, and the symbol table would only grow. */
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
      .build();

  private static final ThreadLocal<CharsetDecoder> UTF8 = ThreadLocal.withInitial(() -> StandardCharsets.UTF_8
      .newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));

  private JsonCheck() {
  }

  public static boolean isSingleValue(byte[] json) {
    return isUtf8(json) && isOneValue(json);
  }

  private static boolean isUtf8(byte[] bytes) {
    try {
      UTF8.get().reset().decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static boolean isOneValue(byte[] json) {
    try (JsonParser p = FACTORY.createParser(json)) {
      if (p.nextToken() == null) {
        return false;
      }
      p.skipChildren();
      return p.nextToken() == null;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
