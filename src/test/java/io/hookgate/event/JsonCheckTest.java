package io.hookgate.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * JsonCheck accepts what Jackson's default parser accepts as one JSON document when it reads it whole, with
 * text that is well-formed UTF-8 throughout (Jackson lets malformed UTF-8 through in member names), although
 * it only skips through the tokens.
 */
class JsonCheckTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** The expected verdict: Jackson's, and the JDK's strict UTF-8 decoder's. */
  private static boolean valid(byte[] json) {
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(json));
    } catch (java.nio.charset.CharacterCodingException e) {
      return false;
    }
    return jackson(json);
  }

  /** Jackson's verdict: the whole document parsed into a tree, nothing but whitespace after it. */
  private static boolean jackson(byte[] json) {
    try (JsonParser p = MAPPER.createParser(json)) {
      if (p.nextToken() == null) {
        return false;
      }
      MAPPER.readTree(p);
      return p.nextToken() == null;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void handPickedCases() {
    List<String> valid = List.of("{}", "[]", " {\"a\" : [1, -0, 0.5, 1e3, -2.5E-3, true, false, null]} ", "\"text\"",
        "0", "-12", "1.0e+10", "\"\\u00e9\\n\\\"\\\\\\/\"", "[[[]],{}]", "{\"\":\"\"}", "\"caf\u00e9 \ud83d\udce6\"",
        "\t\r\n[1]\n");
    List<String> invalid = List.of("", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\"}", "{a:1}", "01", "-", "1.", ".5",
        "+1", "1e", "1e+", "NaN", "tru", "truex", "nul", "[1 2]", "{\"a\":1} {}", "\"abc", "\"a\\x\"", "\"\\u12g4\"",
        "\"tab\there\"", "/* c */ 1", "[1]]", "{\"a\":1]", "'a'", "1 2", "[-]", "[01]", "{\"a\" 1}");
    for (String s : valid) {
      assertThat(jackson(utf8(s))).as("Jackson on " + s).isTrue();
      assertThat(JsonCheck.isSingleValue(utf8(s))).as(s).isTrue();
    }
    for (String s : invalid) {
      assertThat(jackson(utf8(s))).as("Jackson on " + s).isFalse();
      assertThat(JsonCheck.isSingleValue(utf8(s))).as(s).isFalse();
    }
    assertThat(JsonCheck.isSingleValue(new byte[] {'"', (byte) 0xff, '"'})).isFalse();
    assertThat(JsonCheck.isSingleValue(new byte[] {'"', (byte) 0xc3, '"'})).isFalse();
    // Overlong '/', a UTF-16 surrogate, above U+10FFFF; and malformed UTF-8 in a member name.
    for (byte[] bad : List.of(new byte[] {'"', (byte) 0xc0, (byte) 0xaf, '"'},
        new byte[] {'"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"'},
        new byte[] {'"', (byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '"'},
        new byte[] {'{', '"', 'a', (byte) 0xff, '"', ':', '1', '}'})) {
      assertThat(valid(bad)).isFalse();
      assertThat(JsonCheck.isSingleValue(bad)).as(java.util.Arrays.toString(bad)).isFalse();
    }
    assertThat(JsonCheck.isSingleValue(utf8("\"\u0800\uffff\ud7ff \ud83d\udce6\""))).isTrue();
  }

  @Test
  void nestingUpToJacksonsLimit() {
    int limit = JsonCheck.MAX_DEPTH;
    byte[] deepest = utf8("[".repeat(limit) + "]".repeat(limit));
    byte[] tooDeep = utf8("[".repeat(limit + 1) + "]".repeat(limit + 1));
    assertThat(JsonCheck.isSingleValue(deepest)).isEqualTo(jackson(deepest)).isTrue();
    assertThat(JsonCheck.isSingleValue(tooDeep)).isEqualTo(jackson(tooDeep)).isFalse();
  }

  /**
   * Real documents (the seeds' webhooks) mutated at random — bytes deleted, duplicated, replaced by JSON's
   * punctuation, digits, letters of its literals or UTF-8 pieces — and the two verdicts compared.
   */
  @Test
  void agreesWithJacksonOnMutatedDocuments() throws IOException {
    List<byte[]> documents = new ArrayList<>();
    for (String fixture : List.of("kili-onsubmit-three-boxes.json", "isahit-annotation.json",
        "aquarium-issue-exported.json", "v7-item-stage.json")) {
      try (InputStream in = getClass().getResourceAsStream("/fixtures/" + fixture)) {
        assertThat(in).as(fixture).isNotNull();
        documents.add(in.readAllBytes());
      }
    }
    documents.add(
        utf8("{\"s\":\"caf\u00e9 \ud83d\udce6 \\u00e9\",\"n\":[-0.5e-3,0,1E+2],\"t\":true,\"f\":false,\"z\":null}"));
    byte[] pieces = utf8("{}[]\",:\\0123456789-+.eEtrufalsn \t\n/u");
    byte[][] multibyte = {{(byte) 0xc3, (byte) 0xa9}, {(byte) 0xc3}, {(byte) 0xa9}, {(byte) 0xff}, {0x01}};
    SplittableRandom random = new SplittableRandom(20261123);
    int disagreements = 0;
    StringBuilder examples = new StringBuilder();
    int validSeen = 0;
    for (int n = 0; n < 30_000; n++) {
      byte[] doc = documents.get(random.nextInt(documents.size()));
      byte[] mutated = doc;
      int edits = 1 + random.nextInt(3);
      for (int e = 0; e < edits; e++) {
        mutated = mutate(mutated, random, pieces, multibyte);
      }
      boolean expected = valid(mutated);
      validSeen += expected ? 1 : 0;
      if (JsonCheck.isSingleValue(mutated) != expected) {
        disagreements++;
        if (examples.length() < 2000) {
          examples.append(expected ? "Jackson accepts: " : "Jackson refuses: ")
              .append(new String(mutated, StandardCharsets.UTF_8)).append('\n');
        }
      }
    }
    assertThat(disagreements).as(examples.toString()).isZero();
    assertThat(validSeen).as("some mutations keep the document valid").isGreaterThan(100);
  }

  private static byte[] mutate(byte[] doc, SplittableRandom random, byte[] pieces, byte[][] multibyte) {
    if (doc.length == 0) {
      return new byte[] {pieces[random.nextInt(pieces.length)]};
    }
    int at = random.nextInt(doc.length);
    byte[] insert = random.nextInt(10) == 0 ? multibyte[random.nextInt(multibyte.length)]
        : new byte[] {pieces[random.nextInt(pieces.length)]};
    return switch (random.nextInt(4)) {
      case 0 -> concat(slice(doc, 0, at), slice(doc, at + 1, doc.length));
      case 1 -> concat(slice(doc, 0, at), insert, slice(doc, at, doc.length));
      case 2 -> concat(slice(doc, 0, at), insert, slice(doc, at + 1, doc.length));
      default -> slice(doc, 0, at);
    };
  }

  private static byte[] slice(byte[] b, int from, int to) {
    return java.util.Arrays.copyOfRange(b, from, to);
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
