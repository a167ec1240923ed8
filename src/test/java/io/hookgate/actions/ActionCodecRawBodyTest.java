package io.hookgate.actions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.hookgate.event.RawJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A forward action's body (the whole CloudEvent) travels through the action topics as raw bytes: read
 * without building a tree, written back in place, byte for byte; other kinds' bodies stay trees.
 */
class ActionCodecRawBodyTest {
  private final ActionCodec codec = new ActionCodec();

  /** Spacing, key order and number spelling a tree would not keep as they are; non-ASCII text too. */
  private static final String EVENT = "{\"specversion\":\"1.0\",\"id\":\"evt-1\",  \"source\":\"/sources/kili\","
      + "\"type\":\"labeling.label.submitted\",\"data\":{\"ratio\":0.35510000,\"z\":1,\"a\":[1.0e2,-0.0],"
      + "\"label\":\"caf\u00e9 \ud83d\udce6 \\\"quoted\\\"\"}}";

  private static ActionRecord action(String id, String kind, JsonNode body, List<ActionRecord> then) {
    return new ActionRecord(id, "evt-1", "labeling.label.submitted", "kili", "p1", "r", "sink", kind, "POST", "",
        Map.of(), body, then, 1, Instant.parse("2025-01-31T10:00:00Z"), null, null);
  }

  @Test
  void aForwardBodyIsReadAsTheBytesItWasWrittenWith() {
    byte[] event = EVENT.getBytes(StandardCharsets.UTF_8);
    byte[] record = codec.write(action("evt-1:r:0", "forward", RawJson.node(event), List.of()));
    assertThat(new String(record, StandardCharsets.UTF_8)).contains("\"body\":" + EVENT);

    ActionRecord read = codec.read(record);
    assertThat(RawJson.bytes(read.body())).hasValueSatisfying(b -> assertThat(b).isEqualTo(event));
    assertThat(codec.write(read)).as("written back unchanged").isEqualTo(record);
    assertThat(RawJson.tree(read.body(), codec.mapper()).path("data").path("label").asText())
        .isEqualTo("caf\u00e9 \ud83d\udce6 \"quoted\"");
  }

  @Test
  void aForwardBodyWrittenAsATreeIsReadRawToo() throws Exception {
    JsonNode tree = codec.mapper().readTree(EVENT);
    ActionRecord read = codec.read(codec.write(action("evt-1:r:0", "forward", tree, List.of())));
    assertThat(RawJson.bytes(read.body())).isPresent();
    assertThat(RawJson.tree(read.body(), codec.mapper())).isEqualTo(tree);
    assertThat(RawJson.isObject(read.body())).isTrue();
  }

  @Test
  void otherKindsBodiesAreTreesAndThenChainsKeepEachKindsForm() throws Exception {
    JsonNode query = codec.mapper().readTree("{\"query\":\"mutation { x }\",\"variables\":{\"id\":\"a1\"}}");
    ActionRecord chain = action("evt-1:r:0", "graphql", query,
        List.of(action("evt-1:r:1", "forward", RawJson.node(EVENT.getBytes(StandardCharsets.UTF_8)),
            List.of(action("evt-1:r:2", "slack", codec.mapper().readTree("{\"text\":\"hi\"}"), List.of())))));
    ActionRecord read = codec.read(codec.write(chain));

    assertThat(RawJson.bytes(read.body())).isEmpty();
    assertThat(read.body().path("query").asText()).isEqualTo("mutation { x }");
    ActionRecord forward = read.then().get(0);
    assertThat(RawJson.bytes(forward.body()))
        .hasValueSatisfying(b -> assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo(EVENT));
    ActionRecord slack = forward.then().get(0);
    assertThat(RawJson.bytes(slack.body())).isEmpty();
    assertThat(slack.body().path("text").asText()).isEqualTo("hi");
  }

  @Test
  void noBodyAndANullBodyReadAsBefore() {
    String absent = "{\"id\":\"a\",\"target\":\"sink\",\"kind\":\"http\"}";
    String nulled = "{\"id\":\"a\",\"target\":\"sink\",\"kind\":\"http\",\"body\":null}";
    String text = "{\"id\":\"a\",\"target\":\"sink\",\"kind\":\"http\",\"body\":\"plain\"}";
    assertThat(codec.read(absent.getBytes(StandardCharsets.UTF_8)).body()).isNull();
    assertThat(codec.read(nulled.getBytes(StandardCharsets.UTF_8)).body()).isEqualTo(NullNode.getInstance());
    assertThat(codec.read(text.getBytes(StandardCharsets.UTF_8)).body().textValue()).isEqualTo("plain");
  }

  @Test
  void aMalformedBodyIsNotAnAction() {
    String broken = "{\"id\":\"a\",\"target\":\"sink\",\"kind\":\"forward\",\"body\":{\"data\":[1,2}}";
    assertThatThrownBy(() -> codec.read(broken.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not an action record");
  }

  @Test
  void theBodyIsFoundByStructureWhateverItsStringsHold() {
    String tricky = "{\"s\":\"a\\\"}b{[\",\"body\":\"nested key, not the member\"}";
    String record = "{ \"id\" : \"a\", \"headers\":{\"body\":\"x\"}, \"then\":[], \"body\" :\n " + tricky
        + " , \"target\":\"sink\",\"kind\":\"forward\",\"attempt\":2}";
    ActionRecord read = codec.read(record.getBytes(StandardCharsets.UTF_8));
    assertThat(read.body().toString()).isEqualTo(tricky);
    assertThat(read.headers()).containsEntry("body", "x");
    assertThat(read.attempt()).isEqualTo(2);
    assertThat(read.target()).isEqualTo("sink");
  }

  @Test
  void aBodyWithBalancedBracketsButBadJsonIsNotAnActionWhateverItsKind() {
    String forward = "{\"id\":\"a\",\"target\":\"sink\",\"kind\":\"forward\",\"body\":{\"a\":1,,}}";
    assertThatThrownBy(() -> codec.read(forward.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not an action record");
    String http = "{\"id\":\"a\",\"target\":\"sink\",\"kind\":\"http\",\"body\":{\"a\":1,,}}";
    assertThatThrownBy(() -> codec.read(http.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not an action record");
  }

  @Test
  void topLevelScan() {
    String name = "body";
    String[][] cases = {
        {"{\"body\":{\"a\":[1,{}]}}", "{\"a\":[1,{}]}"},
        {"{\"x\":1,\"body\":[1,\"]\"]}", "[1,\"]\"]"},
        {"{\"x\":{\"body\":{}},\"y\":true}", null},
        {"{\"body\":\"text\"}", null},
        {"{\"body\":null}", null},
        {"{\"body\":{\"a\":1]}", null},
        {"{\"body\":{\"a\":\"1}", null},
        {"[{\"body\":{}}]", null},
        {"{\"b\\u006fdy\":{}}", "{}"},
        {"", null},
    };
    for (String[] c : cases) {
      byte[] json = c[0].getBytes(StandardCharsets.UTF_8);
      long range = TopLevelScan.objectMember(json, name);
      String found = range < 0 ? null : new String(json, (int) (range >>> 32), (int) range - (int) (range >>> 32),
          StandardCharsets.UTF_8);
      assertThat(found).as(c[0]).isEqualTo(c[1]);
    }
  }
}
