package io.hookgate.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.cloudevents.CloudEvent;
import io.hookgate.config.GenericMapping;
import io.hookgate.ingress.source.AquariumSource;
import io.hookgate.ingress.source.GenericSource;
import io.hookgate.ingress.source.IsahitSource;
import io.hookgate.ingress.source.KiliSource;
import io.hookgate.ingress.source.V7Source;
import io.hookgate.ingress.source.WebhookSource;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The published schema and the code cannot drift: the data of every platform's event, as the gateway
 * serializes it, conforms; the schema names exactly the fields of the records; and it refuses what the
 * contract excludes. (The ingress tests also validate every event they read back from Kafka.)
 */
class LabelingEventSchemaTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final GenericMapping GENERIC = new GenericMapping("/type", "/data/projectId", null, "/data/id");

  static Stream<Arguments> fixtures() {
    return Stream.of(
        Arguments.of("kili-onsubmit-three-boxes.json", new KiliSource(MAPPER)),
        Arguments.of("kili-onsubmit-one-box.json", new KiliSource(MAPPER)),
        Arguments.of("kili-onreview.json", new KiliSource(MAPPER)),
        Arguments.of("kili-onsubmit-jsonresponse-string.json", new KiliSource(MAPPER)),
        Arguments.of("kili-onsubmit-classification.json", new KiliSource(MAPPER)),
        Arguments.of("v7-item-stage.json", new V7Source()),
        Arguments.of("v7-workflow-complete.json", new V7Source()),
        Arguments.of("v7-workflow-complete-invoice.json", new V7Source()),
        Arguments.of("aquarium-issue-exported.json", new AquariumSource()),
        Arguments.of("aquarium-dataset-complete.json", new AquariumSource()),
        Arguments.of("isahit-annotation.json", new IsahitSource()),
        Arguments.of("isahit-review.json", new IsahitSource()),
        Arguments.of("generic-standard-webhooks.json", new GenericSource(GENERIC)),
        Arguments.of("generic-with-delivery-id.json",
            new GenericSource(new GenericMapping("/event_type", "/project", "/delivery/id", "/job/id"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void dataOfEveryPlatformsEventConforms(String fixture, WebhookSource source) throws Exception {
    JsonNode data = dataOf(fixture, source);
    assertThat(LabelingEventSchema.errors(data)).isEmpty();
  }

  @Test
  void schemaIsTheOneTheEventsNameAsDataschema() {
    assertThat(LabelingEventSchema.schemaNode().path("$schema").asText())
        .isEqualTo("https://json-schema.org/draft/2020-12/schema");
    assertThat(LabelingEventSchema.schemaNode().path("$id").asText())
        .isEqualTo(CloudEventFactory.DATA_SCHEMA.toString());
  }

  @Test
  void schemaNamesExactlyTheFieldsOfTheRecordsAndRequiresThemAll() {
    JsonNode schema = LabelingEventSchema.schemaNode();
    JsonNode defs = schema.path("$defs");
    assertFieldsMatch(schema, LabelingEvent.class);
    assertFieldsMatch(defs.path("annotation"), Annotation.class);
    assertFieldsMatch(defs.path("author"), Author.class);
    assertFieldsMatch(defs.path("boundingBox"), BoundingBox.class);
    assertFieldsMatch(defs.path("issue"), ExportedIssue.class);
    assertFieldsMatch(defs.path("issueElement"), ExportedIssue.Element.class);
  }

  @Test
  void annotationKindsOfTheSchemaAreTheOnesTheSourcesUse() {
    List<String> kinds = new ArrayList<>();
    LabelingEventSchema.schemaNode().path("$defs").path("annotation").path("properties").path("kind").path("enum")
        .forEach(k -> kinds.add(k.asText()));
    assertThat(kinds).containsExactlyInAnyOrder("bounding_box", "polygon", "segmentation", "point", "line", "tag",
        "classification", "transcription", "other");
  }

  @Test
  void refusesAnUnknownOrMissingField() throws Exception {
    ObjectNode data = (ObjectNode) dataOf("kili-onsubmit-three-boxes.json", new KiliSource(MAPPER));
    assertThat(LabelingEventSchema.errors(data.deepCopy().put("extra", 1))).isNotEmpty();
    ObjectNode missing = data.deepCopy();
    missing.remove("stage");
    assertThat(LabelingEventSchema.errors(missing)).isNotEmpty();
  }

  @Test
  void refusesAreasOutsideTheImageAndUnknownKinds() throws Exception {
    JsonNode data = dataOf("kili-onsubmit-three-boxes.json", new KiliSource(MAPPER));
    assertThat(LabelingEventSchema.errors(withFirstAnnotation(data, a -> a.set("areaRatio", DoubleNode.valueOf(1.2)))))
        .isNotEmpty();
    assertThat(LabelingEventSchema.errors(withFirstAnnotation(data, a -> a.set("kind", TextNode.valueOf("rectangle")))))
        .isNotEmpty();
    assertThat(
        LabelingEventSchema.errors(withFirstAnnotation(data, a -> ((ObjectNode) a.get("boundingBox")).put("x", -0.1))))
        .isNotEmpty();
    // areaRatio is null exactly when there is no box.
    assertThat(LabelingEventSchema.errors(withFirstAnnotation(data, a -> a.putNull("areaRatio")))).isNotEmpty();
    assertThat(LabelingEventSchema.errors(withFirstAnnotation(data, a -> a.putNull("boundingBox")))).isNotEmpty();
  }

  @Test
  void holdsEachPlatformToTheFieldsItAlwaysHas() throws Exception {
    ObjectNode isahit = (ObjectNode) dataOf("isahit-annotation.json", new IsahitSource());
    assertThat(LabelingEventSchema.errors(isahit.deepCopy().putNull("taskId"))).isNotEmpty();
    assertThat(LabelingEventSchema.errors(isahit.deepCopy().put("taskType", "validation"))).isNotEmpty();
    ObjectNode kili = (ObjectNode) dataOf("kili-onreview.json", new KiliSource(MAPPER));
    assertThat(LabelingEventSchema.errors(kili.deepCopy().putNull("projectId"))).isNotEmpty();
    ObjectNode aquarium = (ObjectNode) dataOf("aquarium-issue-exported.json", new AquariumSource());
    assertThat(LabelingEventSchema.errors(aquarium.deepCopy().putNull("issue"))).isNotEmpty();
    ObjectNode v7 = (ObjectNode) dataOf("v7-item-stage.json", new V7Source());
    assertThat(LabelingEventSchema.errors(v7.deepCopy().set("issue", aquarium.get("issue")))).isNotEmpty();
    assertThat(LabelingEventSchema.errors(v7.deepCopy().putNull("itemId"))).isNotEmpty();
    // V7's workflow_complete has no item id, but always its dataset and file name.
    ObjectNode complete = (ObjectNode) dataOf("v7-workflow-complete.json", new V7Source());
    assertThat(complete.path("itemId").isNull()).isTrue();
    assertThat(LabelingEventSchema.errors(complete)).isEmpty();
    assertThat(LabelingEventSchema.errors(complete.deepCopy().putNull("projectId"))).isNotEmpty();
    assertThat(LabelingEventSchema.errors(complete.deepCopy().putNull("itemName"))).isNotEmpty();
    assertThat(LabelingEventSchema.errors(v7.deepCopy().put("platformEventType", "webhook_stage").putNull("itemId")))
        .isNotEmpty();
  }

  /** The data exactly as the gateway writes it: normalized, made a CloudEvent, serialized. */
  private static JsonNode dataOf(String fixture, WebhookSource source) throws Exception {
    try (InputStream in = LabelingEventSchemaTest.class.getResourceAsStream("/fixtures/" + fixture)) {
      byte[] body = in.readAllBytes();
      NormalizedEvent normalized = source.normalize("src", MAPPER.readTree(body));
      CloudEvent event = new CloudEventFactory(MAPPER, Clock.systemUTC()).toCloudEvent("id-1", "src", normalized);
      return MAPPER.readTree(event.getData().toBytes());
    }
  }

  private static JsonNode withFirstAnnotation(JsonNode data, Consumer<ObjectNode> change) {
    JsonNode copy = data.deepCopy();
    change.accept((ObjectNode) copy.path("annotations").get(0));
    return copy;
  }

  private static void assertFieldsMatch(JsonNode schemaObject, Class<? extends Record> type) {
    List<String> components = Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).toList();
    List<String> properties = new ArrayList<>();
    schemaObject.path("properties").fieldNames().forEachRemaining(properties::add);
    List<String> required = new ArrayList<>();
    schemaObject.path("required").forEach(r -> required.add(r.asText()));
    assertThat(properties).as("properties of %s", type.getSimpleName()).containsExactlyInAnyOrderElementsOf(components);
    assertThat(required).as("required of %s", type.getSimpleName()).containsExactlyInAnyOrderElementsOf(components);
    assertThat(schemaObject.path("additionalProperties").asBoolean(true)).as("closed %s", type.getSimpleName())
        .isFalse();
  }
}
