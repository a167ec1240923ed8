package io.hookgate.ingress.source;

import static io.hookgate.ingress.source.SourceFixtures.MAPPER;
import static io.hookgate.ingress.source.SourceFixtures.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.hookgate.event.LabelingEvent;
import io.hookgate.event.NormalizedEvent;
import io.hookgate.event.RawJson;
import io.hookgate.ingress.InvalidPayloadException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The token reading of Kili webhooks answers exactly as the tree reading wherever it answers, and leaves every
 * other body (refusals, odd shapes, malformed JSON) to the tree reading. Checked on the fixtures and on
 * thousands of variants of them: every field removed, set to every JSON type, or given twice.
 */
class KiliTokenReaderTest {
  private static final List<String> FIXTURES = List.of("kili-onsubmit-one-box.json", "kili-onsubmit-three-boxes.json",
      "kili-onsubmit-classification.json", "kili-onreview.json", "kili-onsubmit-jsonresponse-string.json");
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  /** Values every field is set to in turn. */
  private static final List<JsonNode> VALUES = List.of(NODES.nullNode(), NODES.booleanNode(true), NODES.textNode(""),
      NODES.textNode("s"), NODES.numberNode(5), NODES.numberNode(-1), NODES.numberNode(1.5),
      NODES.numberNode(new java.math.BigInteger("12345678901234567890")), NODES.numberNode(2147483648L),
      NODES.objectNode(), NODES.arrayNode(), NODES.arrayNode().add(NODES.objectNode()), NODES.arrayNode().add(7),
      NODES.objectNode().put("x", 1).put("y", 2.5).put("name", "n"),
      // Numbers whose text the tree writes otherwise (100.0, 1.5, 0): as sent, through a raw value.
      NODES.rawValueNode(new RawValue("1E2")), NODES.rawValueNode(new RawValue("1.50")),
      NODES.rawValueNode(new RawValue("-0")));

  private final KiliSource kili = new KiliSource(MAPPER);

  @ParameterizedTest
  @ValueSource(strings = {"kili-onsubmit-one-box.json", "kili-onsubmit-three-boxes.json",
      "kili-onsubmit-classification.json", "kili-onreview.json"})
  void kilisWebhooksAreReadFromTheTokensAsFromTheTree(String name) throws Exception {
    byte[] body = MAPPER.writeValueAsBytes(fixture(name));
    NormalizedEvent fromTokens = kili.normalizeUsual("kili", body, RawJson.node(body));
    assertThat(fromTokens).as("read from the tokens").isNotNull();
    assertSame(fromTokens, kili.normalize("kili", MAPPER.readTree(body)));
  }

  @Test
  void aJsonResponseInAStringIsLeftToTheTree() throws Exception {
    byte[] body = MAPPER.writeValueAsBytes(fixture("kili-onsubmit-jsonresponse-string.json"));
    assertThat(kili.normalizeUsual("kili", body, RawJson.node(body))).isNull();
  }

  @Test
  void everyRefusalIsLeftToTheTree() {
    for (String body : List.of("", "[1]", "\"x\"", "{}", "{\"eventType\":\"onSubmit\"}",
        "{\"eventType\":\"onSubmit\",\"logPayload\":{\"projectId\":\"p\"}}",
        "{\"eventType\":\"onSubmit\",\"logPayload\":{\"projectId\":\"p\"},\"payload\":{\"asset_id\":\"a\"}}",
        "{\"eventType\":\"onSubmit\",\"logPayload\":{\"projectId\":\"p\"},\"payload\":{\"label\":{}}}",
        "{\"eventType\":\"onSubmit\",\"logPayload\":{\"projectId\":\"\"},\"payload\":{\"asset_id\":\"a\",\"label\":{}}}")) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      assertThat(kili.normalizeUsual("kili", bytes, RawJson.node(bytes))).as(body).isNull();
    }
  }

  @Test
  void variantsOfEveryFieldAreReadAsTheTreeReadsThem() throws Exception {
    int answered = 0;
    int variants = 0;
    for (String name : FIXTURES) {
      ObjectNode root = fixture(name);
      for (Variant v : variants(root)) {
        variants++;
        if (check(v)) {
          answered++;
        }
      }
    }
    // Not vacuous: most variants are still the usual shape (a changed field the reading does not use, an
    // optional field absent or null...), and the others are left to the tree.
    assertThat(variants).isGreaterThan(3000);
    assertThat(answered).isGreaterThan(variants / 3).isLessThan(variants);
  }

  /**
   * Names are first matched against the order Kili writes them in; fields in any other order, and names
   * written with escapes, which never match byte for byte, must be read the same.
   */
  @ParameterizedTest
  @ValueSource(strings = {"kili-onsubmit-one-box.json", "kili-onsubmit-three-boxes.json",
      "kili-onsubmit-classification.json", "kili-onreview.json"})
  void fieldsInAnotherOrderOrWithEscapedNamesAreReadAlike(String name) throws Exception {
    ObjectNode root = fixture(name);
    String reversed = reversed(root);
    String escaped = MAPPER.writeValueAsString(root).replace("\"x\":", "\"\\u0078\":")
        .replace("\"mid\":", "\"m\\u0069d\":")
        .replace("\"normalizedVertices\":", "\"normalized\\u0056ertices\":")
        .replace("\"eventType\":", "\"\\u0065ventType\":");
    assertThat(escaped).contains("\\u0065ventType");
    for (String json : List.of(reversed, escaped)) {
      byte[] body = json.getBytes(StandardCharsets.UTF_8);
      NormalizedEvent fromTokens = kili.normalizeUsual("kili", body, RawJson.node(body));
      assertThat(fromTokens).as("read from the tokens: %s", json).isNotNull();
      assertSame(fromTokens, kili.normalize("kili", MAPPER.readTree(body)));
    }
    // Not vacuous: the reversed fixture puts some field of an object Kili writes in order out of it.
    assertThat(reversed).isNotEqualTo(MAPPER.writeValueAsString(root));
  }

  /** The tree as JSON text with every object's fields in reverse order. */
  private static String reversed(JsonNode node) throws IOException {
    if (node instanceof ObjectNode object) {
      List<String> names = fieldNames(object);
      java.util.Collections.reverse(names);
      StringBuilder sb = new StringBuilder("{");
      for (String n : names) {
        sb.append(sb.length() > 1 ? "," : "").append(MAPPER.writeValueAsString(n)).append(':')
            .append(reversed(object.get(n)));
      }
      return sb.append('}').toString();
    }
    if (node instanceof ArrayNode array) {
      StringBuilder sb = new StringBuilder("[");
      for (JsonNode element : array) {
        sb.append(sb.length() > 1 ? "," : "").append(reversed(element));
      }
      return sb.append(']').toString();
    }
    return MAPPER.writeValueAsString(node);
  }

  @Test
  void malformedBodiesAreLeftToTheTree() throws Exception {
    byte[] body = MAPPER.writeValueAsBytes(fixture("kili-onsubmit-three-boxes.json"));
    // Every truncation, and the body followed by more content.
    for (int i = 0; i < body.length; i++) {
      byte[] cut = java.util.Arrays.copyOf(body, i);
      assertThat(kili.normalizeUsual("kili", cut, RawJson.node(cut))).as("cut at %d", i).isNull();
    }
    for (String tail : List.of(" {}", " 1", "]", "}", " x", ",")) {
      byte[] more = (new String(body, StandardCharsets.UTF_8) + tail).getBytes(StandardCharsets.UTF_8);
      assertThat(kili.normalizeUsual("kili", more, RawJson.node(more))).as("followed by %s", tail).isNull();
    }
  }

  @Test
  void invalidUtf8OrControlCharactersInAStringNotReadAreLeftToTheTree() throws Exception {
    ObjectNode root = fixture("kili-onsubmit-three-boxes.json");
    ((ObjectNode) root.at("/payload/label")).put("createdAt", "@@@@");
    String text = MAPPER.writeValueAsString(root);
    int at = text.indexOf("@@@@");
    byte[][] insides = {{(byte) 0xC0, (byte) 0x80}, {(byte) 0x80}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xFF},
        {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xC3, (byte) 0x28}, {0x01}, {'\\', 'q'},
        {'\\', 'u', '1', 'Z'}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}};
    for (byte[] inside : insides) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(text.substring(0, at).getBytes(StandardCharsets.UTF_8));
      out.write(inside);
      out.write(text.substring(at + 4).getBytes(StandardCharsets.UTF_8));
      byte[] body = out.toByteArray();
      boolean treeReads = treeParses(body);
      NormalizedEvent fromTokens = kili.normalizeUsual("kili", body, RawJson.node(body));
      assertThat(fromTokens != null).as("token reading of %s", java.util.Arrays.toString(inside)).isEqualTo(treeReads);
    }
  }

  @Test
  void coordinatesAreTheDoublesTheTreeHolds() throws Exception {
    java.util.Random random = new java.util.Random(42);
    List<String> numbers = new ArrayList<>(List.of("0", "-0", "0.0", "-0.0", "1", "-1", "0.15", "0.84", "1.0", "0.1",
        "0.30000000000000004", "123456789012345", "1234567890123456", "12345678901234567890",
        "0.000000000000000000000001",
        "1e-7", "2.5E3", "-1.5e+2", "9007199254740993", "0.9999999999999999", "4.35", "0.000123456789012345",
        "1234.5678e-2", "100000000000000000000000", "0.1000000000000000055511151231257827"));
    for (int i = 0; i < 20000; i++) {
      numbers.add(
          java.math.BigDecimal.valueOf(random.nextLong() % 1_000_000_000_000_000L, random.nextInt(25)).toPlainString());
      numbers.add(Double.toString(random.nextDouble()));
      numbers.add(Integer.toString(random.nextInt(2000) - 1000));
    }
    for (String number : numbers) {
      try (com.fasterxml.jackson.core.JsonParser p = MAPPER.getFactory().createParser(number)) {
        p.nextToken();
        double expected = MAPPER.readTree(number).asDouble();
        assertThat(Double.doubleToRawLongBits(KiliTokenReader.doubleValue(p))).as(number)
            .isEqualTo(Double.doubleToRawLongBits(expected));
      }
    }
  }

  private static boolean treeParses(byte[] body) {
    try {
      MAPPER.readTree(body);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** True when the token reading answered (and then agreed with the tree reading). */
  private boolean check(Variant v) throws Exception {
    byte[] body = v.json.getBytes(StandardCharsets.UTF_8);
    NormalizedEvent fromTokens = kili.normalizeUsual("kili", body, RawJson.node(body));
    if (fromTokens == null) {
      return false;
    }
    NormalizedEvent fromTree;
    try {
      fromTree = kili.normalize("kili", MAPPER.readTree(body));
    } catch (InvalidPayloadException e) {
      throw new AssertionError(
          "the tree refuses (" + e.getMessage() + ") what the tokens accept: " + v.what + "\n" + v.json);
    }
    try {
      assertSame(fromTokens, fromTree);
    } catch (AssertionError e) {
      throw new AssertionError(v.what + "\n" + v.json, e);
    }
    return true;
  }

  private static void assertSame(NormalizedEvent fromTokens, NormalizedEvent fromTree) {
    assertThat(withoutOriginal(fromTokens)).isEqualTo(withoutOriginal(fromTree));
    // Map order is part of the JSON written.
    assertThat(List.copyOf(fromTokens.data().annotationCounts().entrySet()))
        .isEqualTo(List.copyOf(fromTree.data().annotationCounts().entrySet()));
  }

  private static NormalizedEvent withoutOriginal(NormalizedEvent e) {
    LabelingEvent d = e.data();
    return new NormalizedEvent(e.type(), e.subject(), e.partitionKey(), e.deliveryId(), new LabelingEvent(d.platform(),
        d.source(), d.platformEventType(), d.projectId(), d.workspace(), d.batchId(), d.workflowId(), d.itemId(),
        d.itemName(), d.taskId(), d.taskType(), d.labelId(), d.labelType(), d.stage(), d.author(), d.tags(),
        d.annotations(), d.annotationCounts(), d.issue(), null));
  }

  private record Variant(String what, String json) {
  }

  /** For every field and array element of the tree: removed, replaced by each of VALUES, and given twice. */
  private static List<Variant> variants(ObjectNode root) {
    List<Variant> out = new ArrayList<>();
    List<JsonNode> containers = new ArrayList<>();
    collect(root, containers);
    for (JsonNode container : containers) {
      if (container instanceof ObjectNode object) {
        for (String field : fieldNames(object)) {
          JsonNode old = object.get(field);
          out.add(mutated(root, "remove " + field, () -> object.remove(field), () -> object.set(field, old)));
          for (JsonNode value : VALUES) {
            out.add(mutated(root, field + " = " + value, () -> object.set(field, value), () -> object.set(field, old)));
            // Twice: the other value first, then the original, and the other way round.
            out.add(new Variant(field + " twice, first " + value, write(root, object, field, value, true)));
            out.add(new Variant(field + " twice, then " + value, write(root, object, field, value, false)));
          }
        }
      } else if (container instanceof ArrayNode array) {
        for (int i = 0; i < array.size(); i++) {
          int index = i;
          JsonNode old = array.get(i);
          out.add(mutated(root, "remove element " + i, () -> array.remove(index), () -> array.insert(index, old)));
          for (JsonNode value : VALUES) {
            out.add(mutated(root, "element " + i + " = " + value, () -> array.set(index, value),
                () -> array.set(index, old)));
          }
        }
      }
    }
    return out;
  }

  private static void collect(JsonNode node, List<JsonNode> containers) {
    if (node.isContainerNode()) {
      containers.add(node);
      node.forEach(child -> collect(child, containers));
    }
  }

  private static List<String> fieldNames(ObjectNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static Variant mutated(ObjectNode root, String what, Runnable change, Runnable undo) {
    // A removed field comes back last: the variants that follow have their fields in another order.
    change.run();
    try {
      return new Variant(what, MAPPER.writeValueAsString(root));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      undo.run();
    }
  }

  /** The tree as JSON text, with {@code field} of {@code target} written twice. */
  private static String write(JsonNode root, ObjectNode target, String field, JsonNode other, boolean otherFirst) {
    try {
      java.io.StringWriter text = new java.io.StringWriter();
      try (JsonGenerator g = MAPPER.createGenerator(text)) {
        writeNode(g, root, target, field, other, otherFirst);
      }
      return text.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeNode(JsonGenerator g, JsonNode node, ObjectNode target, String field,
      JsonNode other, boolean otherFirst) throws IOException {
    if (node instanceof ObjectNode object) {
      g.writeStartObject();
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext();) {
        Map.Entry<String, JsonNode> e = it.next();
        if (object == target && e.getKey().equals(field)) {
          g.writeFieldName(field);
          writeNode(g, otherFirst ? other : e.getValue(), target, field, other, otherFirst);
          g.writeFieldName(field);
          writeNode(g, otherFirst ? e.getValue() : other, target, field, other, otherFirst);
        } else {
          g.writeFieldName(e.getKey());
          writeNode(g, e.getValue(), target, field, other, otherFirst);
        }
      }
      g.writeEndObject();
    } else if (node instanceof ArrayNode array) {
      g.writeStartArray();
      for (JsonNode element : array) {
        writeNode(g, element, target, field, other, otherFirst);
      }
      g.writeEndArray();
    } else {
      MAPPER.writeTree(g, node);
    }
  }
}
