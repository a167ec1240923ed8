package io.hookgate.ingress.source;

import static io.hookgate.ingress.source.SourceFixtures.MAPPER;
import static io.hookgate.ingress.source.SourceFixtures.assertRefused;
import static io.hookgate.ingress.source.SourceFixtures.fixture;
import static io.hookgate.ingress.source.SourceFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hookgate.event.Annotation;
import io.hookgate.event.Author;
import io.hookgate.event.BoundingBox;
import io.hookgate.event.NormalizedEvent;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KiliSourceTest {
  private final KiliSource kili = new KiliSource(MAPPER);

  @Test
  void missingEventTypeIsRefusedNamingIt() {
    ObjectNode body = fixture("kili-onsubmit-one-box.json");
    body.remove("eventType");
    assertRefused(kili, body, "eventType");
    assertRefused(kili, fixture("kili-onsubmit-one-box.json").putNull("eventType"), "eventType");
    assertRefused(kili, fixture("kili-onsubmit-one-box.json").put("eventType", ""), "eventType");
    ObjectNode objectType = fixture("kili-onsubmit-one-box.json");
    objectType.putObject("eventType");
    assertRefused(kili, objectType, "eventType");
  }

  @Test
  void missingProjectIdIsRefusedNamingIt() {
    ObjectNode noLogPayload = fixture("kili-onsubmit-one-box.json");
    noLogPayload.remove("logPayload");
    assertRefused(kili, noLogPayload, "logPayload.projectId");
    ObjectNode noProject = fixture("kili-onsubmit-one-box.json");
    ((ObjectNode) noProject.get("logPayload")).remove("projectId");
    assertRefused(kili, noProject, "logPayload.projectId");
  }

  @ParameterizedTest
  @ValueSource(strings = {"kili-onsubmit-one-box.json", "kili-onreview.json"})
  void labelEventsWithoutLabelOrAssetAreRefusedNamingTheField(String name) {
    ObjectNode noPayload = fixture(name);
    noPayload.remove("payload");
    assertRefused(kili, noPayload, "payload");
    ObjectNode noLabel = fixture(name);
    ((ObjectNode) noLabel.get("payload")).remove("label");
    assertRefused(kili, noLabel, "payload.label");
    ObjectNode labelNotObject = fixture(name);
    ((ObjectNode) labelNotObject.get("payload")).put("label", "clfcblncs0h550js5golxg96s");
    assertRefused(kili, labelNotObject, "payload.label");
    ObjectNode noAsset = fixture(name);
    ((ObjectNode) noAsset.get("payload")).remove("asset_id");
    assertRefused(kili, noAsset, "payload.asset_id");
  }

  @Test
  void aBodyThatIsNotAnObjectIsRefused() {
    assertRefused(kili, json("[1, 2]"), "");
  }

  @Test
  void aJsonResponseStringThatIsNotJsonIsRefusedNamingIt() {
    ObjectNode body = fixture("kili-onsubmit-jsonresponse-string.json");
    ((ObjectNode) body.at("/payload/label")).put("jsonResponse", "{\"JOB_0\": {");
    assertRefused(kili, body, "payload.label.jsonResponse");
  }

  @Test
  void aJsonResponseStringNestedTooDeeplyIsRefusedSayingSo() {
    ObjectNode body = fixture("kili-onsubmit-jsonresponse-string.json");
    ((ObjectNode) body.at("/payload/label")).put("jsonResponse", "[".repeat(1200) + "]".repeat(1200));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> kili.normalize("kili", body))
        .isInstanceOf(io.hookgate.ingress.InvalidPayloadException.class)
        .hasMessageContaining("payload.label.jsonResponse").hasMessageContaining("nested too deeply");
  }

  @Test
  void aJsonResponseStringGivesTheSameAnnotationsAsAnObject() throws Exception {
    ObjectNode asString = fixture("kili-onsubmit-jsonresponse-string.json");
    ObjectNode asObject = asString.deepCopy();
    ((ObjectNode) asObject.at("/payload/label"))
        .set("jsonResponse", MAPPER.readTree(asString.at("/payload/label/jsonResponse").asText()));
    NormalizedEvent fromString = kili.normalize("kili", asString);
    NormalizedEvent fromObject = kili.normalize("kili", asObject);
    assertThat(fromString.data().annotations()).hasSize(2).isEqualTo(fromObject.data().annotations());
    assertThat(fromString.data().annotations().get(1))
        .isEqualTo(new Annotation("20221124161459298-45160", "JOB_0", "OBJECT_B", "bounding_box",
            new BoundingBox(0.87, 0.27, 0.12, 0.09), 0.0108));
    // No search in the label: the counts are made from the annotations, in Kili's JOB.CATEGORY form.
    assertThat(fromString.data().annotationCounts()).containsExactly(Map.entry("JOB_0.OBJECT_A", 1),
        Map.entry("JOB_0.OBJECT_B", 1));
  }

  @Test
  void theSeedsThreeBoxesKeepTheirAreaRatios() throws Exception {
    NormalizedEvent event = kili.normalize("kili", fixture("kili-onsubmit-three-boxes.json"));
    assertThat(event.data().annotations()).extracting(Annotation::areaRatio).containsExactly(0.3551, 0.0084, 0.0108);
    assertThat(event.data().annotations().get(0).boundingBox()).isEqualTo(new BoundingBox(0.15, 0.31, 0.67, 0.53));
  }

  @Test
  void anUnknownEventIsKeptAsWebhookReceivedWithoutRequiringALabel() throws Exception {
    NormalizedEvent event = kili.normalize("kili", json("""
        {"eventType": "onProjectUpdated", "logPayload": {"projectId": "p1"}, "payload": {"asset_id": "a1"}}"""));
    assertThat(event.type()).isEqualTo("webhook.received");
    assertThat(event.partitionKey()).isEqualTo("p1");
    assertThat(event.subject()).isEqualTo("a1");
    assertThat(event.data().platformEventType()).isEqualTo("onProjectUpdated");
    assertThat(event.data().itemId()).isEqualTo("a1");
    assertThat(event.data().labelId()).isNull();
    NormalizedEvent bare = kili.normalize("kili", json("""
        {"eventType": "onProjectUpdated", "logPayload": {"projectId": "p1"}}"""));
    assertThat(bare.subject()).isNull();
    assertThat(bare.data().annotations()).isEmpty();
  }

  @Test
  void aLabelWithoutJsonResponseKeepsKilisCounts() throws Exception {
    ObjectNode body = fixture("kili-onsubmit-three-boxes.json");
    ((ObjectNode) body.at("/payload/label")).remove("jsonResponse");
    NormalizedEvent event = kili.normalize("kili", body);
    assertThat(event.data().annotations()).isEmpty();
    assertThat(event.data().annotationCounts()).containsExactly(Map.entry("JOB_0.OBJECT_A", 3));
  }

  @Test
  void countsThatAreNotCountsAreDropped() throws Exception {
    NormalizedEvent event = kili.normalize("kili", json(
        """
        {"eventType": "onSubmit", "logPayload": {"projectId": "p1"},
         "payload": {"asset_id": "a1", "label": {"id": "l1",
           "search": {"numberOfAnnotationsByObject": {"JOB_0.A": 2, "JOB_0.B": "many", "JOB_0.C": -1, "JOB_0.D": 1.5}}}}}"""));
    assertThat(event.data().annotationCounts()).containsExactly(Map.entry("JOB_0.A", 2));
  }

  @Test
  void classificationAndTranscriptionJobsBecomeAnnotationsWithoutGeometry() throws Exception {
    NormalizedEvent event = kili.normalize("kili", fixture("kili-onsubmit-classification.json"));
    assertThat(event.data().annotations()).containsExactly(
        new Annotation(null, "JOB_0", "OBJECT_A", "classification", null, null),
        new Annotation(null, "TRANSCRIPTION_JOB", null, "transcription", null, null));
    assertThat(event.data().annotationCounts()).containsExactly(Map.entry("JOB_0.OBJECT_A", 1));
    assertThat(event.data().author()).isEqualTo(new Author(null, "labeler@example.com", null));
  }

  @Test
  void toolsMapToNeutralKindsAndUnknownToolsToOther() throws Exception {
    NormalizedEvent event = kili.normalize("kili", json("""
        {"eventType": "onSubmit", "logPayload": {"projectId": "p1"},
         "payload": {"asset_id": "a1", "label": {"id": "l1", "jsonResponse": {"JOB_1": {"annotations": [
           {"mid": "m1", "type": "polygon", "categories": [{"name": "ROAD"}],
            "boundingPoly": [{"normalizedVertices": [{"x": 0.1, "y": 0.5}, {"x": 0.9, "y": 0.6}, {"x": 0.5, "y": 0.9}]}]},
           {"mid": "m2", "type": "marker", "categories": [{"name": "EYE"}]},
           {"mid": "m3", "type": "polyline", "categories": [{"name": "LANE"}]},
           {"mid": "m4", "type": "semantic", "categories": [{"name": "SKY"}]},
           {"mid": "m5", "type": "some-future-tool", "categories": [{"name": "X"}]},
           {"mid": "m6", "categories": [{"name": "PERSON"}], "beginOffset": 3, "content": "Ada"}
         ]}}}}}"""));
    assertThat(event.data().annotations()).extracting(Annotation::kind)
        .containsExactly("polygon", "point", "line", "segmentation", "other", "other");
    // A polygon's box is the one enclosing its vertices.
    assertThat(event.data().annotations().get(0).boundingBox()).isEqualTo(new BoundingBox(0.1, 0.5, 0.8, 0.4));
    assertThat(event.data().annotations().get(0).areaRatio()).isEqualTo(0.32);
  }

  /** Kili keys a video label's jsonResponse by frame; an object followed over frames is one annotation. */
  @Test
  void aVideoLabelGivesEachObjectOnceWithItsFirstFramesBox() throws Exception {
    com.fasterxml.jackson.databind.JsonNode body = json("""
        {"eventType": "onSubmit", "logPayload": {"projectId": "p1"},
         "payload": {"asset_id": "a1", "label": {"id": "l1", "jsonResponse": {
           "10": {"JOB_0": {"annotations": [
             {"mid": "car-1", "type": "rectangle", "categories": [{"name": "CAR"}], "isKeyFrame": false,
              "boundingPoly": [{"normalizedVertices": [{"x": 0.5, "y": 0.5}, {"x": 0.9, "y": 0.9}]}]}]},
                  "JOB_1": {"categories": [{"name": "NIGHT"}]}},
           "2": {"JOB_0": {"annotations": [
             {"mid": "car-1", "type": "rectangle", "categories": [{"name": "CAR"}], "isKeyFrame": true,
              "boundingPoly": [{"normalizedVertices": [{"x": 0.1, "y": 0.1}, {"x": 0.3, "y": 0.5}]}]},
             {"mid": "person-1", "type": "rectangle", "categories": [{"name": "PERSON"}],
              "boundingPoly": [{"normalizedVertices": [{"x": 0, "y": 0}, {"x": 0.1, "y": 0.1}]}]}]},
                 "JOB_1": {"categories": [{"name": "NIGHT"}]}},
           "3": {}
         }}}}""");
    NormalizedEvent event = kili.normalize("kili", body);
    assertThat(event.data().annotations()).containsExactly(
        new Annotation("car-1", "JOB_0", "CAR", "bounding_box", new BoundingBox(0.1, 0.1, 0.2, 0.4), 0.08),
        new Annotation("person-1", "JOB_0", "PERSON", "bounding_box", new BoundingBox(0, 0, 0.1, 0.1), 0.01),
        new Annotation(null, "JOB_1", "NIGHT", "classification", null, null));
    assertThat(event.data().annotationCounts())
        .containsExactlyInAnyOrderEntriesOf(Map.of("JOB_0.CAR", 1, "JOB_0.PERSON", 1, "JOB_1.NIGHT", 1));
    // The token reading leaves frames to the tree reading above.
    byte[] bytes = MAPPER.writeValueAsBytes(body);
    assertThat(kili.normalizeUsual("kili", bytes, io.hookgate.event.RawJson.node(bytes))).isNull();
  }

  @Test
  void entriesThatAreNotObjectsAreNoAnnotations() throws Exception {
    com.fasterxml.jackson.databind.JsonNode body = json("""
        {"eventType": "onSubmit", "logPayload": {"projectId": "p1"},
         "payload": {"asset_id": "a1", "label": {"id": "l1", "jsonResponse": {
           "JOB_0": {"annotations": [null, "x", 3, {"mid": "m1", "type": "rectangle", "categories": [{"name": "A"}]}]},
           "JOB_1": {"categories": [null, {"name": "B"}]},
           "JOB_2": {"annotations": {"mid": "m2", "type": "rectangle"}}
         }}}}""");
    NormalizedEvent event = kili.normalize("kili", body);
    assertThat(event.data().annotations()).extracting(Annotation::id, Annotation::category)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("m1", "A"),
            org.assertj.core.groups.Tuple.tuple(null, "B"));
    byte[] bytes = MAPPER.writeValueAsBytes(body);
    assertThat(kili.normalizeUsual("kili", bytes, io.hookgate.event.RawJson.node(bytes))).isNull();
  }

  @Test
  void verticesPastTheImageEdgeAreClippedSoTheRatioStaysAShare() throws Exception {
    NormalizedEvent event = kili.normalize("kili", json("""
        {"eventType": "onSubmit", "logPayload": {"projectId": "p1"},
         "payload": {"asset_id": "a1", "label": {"id": "l1", "jsonResponse": {"JOB_0": {"annotations": [
           {"mid": "m1", "type": "rectangle", "categories": [{"name": "A"}],
            "boundingPoly": [{"normalizedVertices": [{"x": -0.1, "y": 0.5}, {"x": 1.2, "y": 0.5}, {"x": 1.2, "y": 1.5}, {"x": -0.1, "y": 1.5}]}]},
           {"mid": "m2", "type": "rectangle", "categories": [{"name": "A"}],
            "boundingPoly": [{"normalizedVertices": [{"x": "0.1", "y": 0.5}]}]}
         ]}}}}}"""));
    assertThat(event.data().annotations().get(0).boundingBox()).isEqualTo(new BoundingBox(0, 0.5, 1, 0.5));
    assertThat(event.data().annotations().get(0).areaRatio()).isEqualTo(0.5);
    // Longitude and latitude (a geospatial label) are not fractions of an image: no box either.
    com.fasterxml.jackson.databind.JsonNode geo = json("""
        {"eventType": "onSubmit", "logPayload": {"projectId": "p1"},
         "payload": {"asset_id": "a1", "label": {"id": "l1", "jsonResponse": {"JOB_0": {"annotations": [
           {"mid": "g1", "type": "rectangle", "categories": [{"name": "FIELD"}],
            "boundingPoly": [{"normalizedVertices": [{"x": -79.1, "y": -3.2}, {"x": -79.0, "y": -3.1}]}]}
         ]}}}}}""");
    assertThat(kili.normalize("kili", geo).data().annotations().get(0).boundingBox()).isNull();
    byte[] geoBytes = MAPPER.writeValueAsBytes(geo);
    assertThat(kili.normalizeUsual("kili", geoBytes, io.hookgate.event.RawJson.node(geoBytes)).data().annotations()
        .get(0).boundingBox()).as("the token reading agrees").isNull();
    // Vertices that are not numbers give no box rather than a wrong one.
    assertThat(event.data().annotations().get(1).boundingBox()).isNull();
    assertThat(event.data().annotations().get(1).areaRatio()).isNull();
  }

  @Test
  void reviewsCarryTheReviewerAndAReviewedType() throws Exception {
    NormalizedEvent event = kili.normalize("kili", fixture("kili-onreview.json"));
    assertThat(event.type()).isEqualTo("labeling.label.reviewed");
    assertThat(event.data().labelType()).isEqualTo("REVIEW");
    assertThat(event.data().author()).isEqualTo(new Author("user-reviewer-7", "reviewer@example.com", "Rita Review"));
  }

  @Test
  void anAuthorIdAloneIsEnoughForAnAuthor() throws Exception {
    NormalizedEvent event = kili.normalize("kili", fixture("kili-onsubmit-one-box.json"));
    assertThat(event.data().author()).isEqualTo(new Author("user-1", null, null));
    ObjectNode anonymous = fixture("kili-onsubmit-one-box.json");
    ((ObjectNode) anonymous.at("/payload/label")).remove("authorId");
    assertThat(kili.normalize("kili", anonymous).data().author()).isNull();
  }
}
