package io.hookgate.ingress.source;

import static io.hookgate.ingress.source.SourceFixtures.assertRefused;
import static io.hookgate.ingress.source.SourceFixtures.fixture;
import static io.hookgate.ingress.source.SourceFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hookgate.event.Annotation;
import io.hookgate.event.BoundingBox;
import io.hookgate.event.NormalizedEvent;
import java.util.Map;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

class V7SourceTest {
  private final V7Source v7 = new V7Source();

  @Test
  void missingItemIsRefusedNamingIt() {
    ObjectNode body = fixture("v7-item-stage.json");
    body.remove("item");
    assertRefused(v7, body, "item");
    assertRefused(v7, fixture("v7-item-stage.json").put("item", "street_0042.jpg"), "item");
  }

  @Test
  void missingItemIdIsRefusedNamingIt() {
    ObjectNode body = fixture("v7-item-stage.json");
    ((ObjectNode) body.at("/item/source_info")).remove("item_id");
    assertRefused(v7, body, "item.source_info.item_id");
    ObjectNode noSourceInfo = fixture("v7-item-stage.json");
    ((ObjectNode) noSourceInfo.get("item")).remove("source_info");
    assertRefused(v7, noSourceInfo, "item.source_info.item_id");
    ObjectNode empty = fixture("v7-item-stage.json");
    ((ObjectNode) empty.at("/item/source_info")).put("item_id", "");
    assertThat(assertRefused(v7, empty, "item.source_info.item_id"))
        .hasMessage("required field 'item.source_info.item_id' (or 'item.id') is missing or empty");
  }

  @Test
  void annotationsThatAreNotAListAreRefused() {
    ObjectNode body = fixture("v7-item-stage.json");
    body.putObject("annotations");
    assertRefused(v7, body, "annotations");
  }

  @Test
  void aBodyThatIsNotAnObjectIsRefused() {
    assertRefused(v7, json("\"item\""), "");
  }

  @Test
  void anItemIdAtItemIdIsAccepted() throws Exception {
    NormalizedEvent event = v7.normalize("v7", json("""
        {"item": {"id": "0192-item", "name": "a.jpg", "source_info": {"dataset": {"slug": "street-scenes"}}}}"""));
    assertThat(event.subject()).isEqualTo("0192-item");
    assertThat(event.data().itemId()).isEqualTo("0192-item");
    // No dataset id anywhere: the slug is the project, and the key.
    assertThat(event.data().projectId()).isEqualTo("street-scenes");
    assertThat(event.partitionKey()).isEqualTo("street-scenes");
  }

  @Test
  void metadataOnlyPayloadsHaveNoAnnotations() throws Exception {
    ObjectNode body = fixture("v7-item-stage.json");
    body.remove("annotations");
    NormalizedEvent event = v7.normalize("v7", body);
    assertThat(event.type()).isEqualTo("labeling.item.stage_reached");
    assertThat(event.data().annotations()).isEmpty();
    assertThat(event.data().tags()).isEmpty();
    assertThat(event.data().annotationCounts()).isEmpty();
    assertThat(event.data().author()).isNull();
    assertThat(event.partitionKey()).isEqualTo("722931");
  }

  @Test
  void anExplicitDatasetIdWinsOverTheUrl() throws Exception {
    ObjectNode body = fixture("v7-item-stage.json");
    ((ObjectNode) body.at("/item/source_info/dataset")).put("id", 5);
    assertThat(v7.normalize("v7", body).partitionKey()).isEqualTo("5");
  }

  @Test
  void aPolygonWithoutItsBoundingBoxGetsTheBoxEnclosingItsPaths() throws Exception {
    NormalizedEvent event = v7.normalize("v7", json("""
        {"item": {"source_info": {"item_id": "i1"}, "slots": [{"slot_name": "0", "width": 200, "height": 100}]},
         "annotations": [
           {"id": "p1", "name": "lake", "slot_names": ["0"],
            "polygon": {"paths": [[{"x": 20, "y": 10}, {"x": 120, "y": 10}, {"x": 120, "y": 60}], [{"x": 40, "y": 20}, {"x": 60, "y": 30}]]}},
           {"id": "p2", "name": "lake", "slot_names": ["0"], "polygon": {"path": [{"x": 0, "y": 0}, {"x": 100, "y": 100}]}}
         ]}"""));
    assertThat(event.data().annotations()).containsExactly(
        new Annotation("p1", null, "lake", "polygon", new BoundingBox(0.1, 0.1, 0.5, 0.5), 0.25),
        new Annotation("p2", null, "lake", "polygon", new BoundingBox(0, 0, 0.5, 1), 0.5));
    assertThat(event.data().annotationCounts()).containsExactly(Map.entry("lake", 2));
  }

  @Test
  void boxesAreNormalizedByTheirOwnSlotAndNeverGuessed() throws Exception {
    NormalizedEvent event = v7.normalize("v7", json("""
        {"item": {"source_info": {"item_id": "i1"},
                  "slots": [{"slot_name": "0", "width": 100, "height": 100}, {"slot_name": "1", "width": 400, "height": 200}, {"slot_name": "2"}]},
         "annotations": [
           {"id": "a", "name": "car", "slot_names": ["1"], "bounding_box": {"x": 100, "y": 50, "w": 200, "h": 100}},
           {"id": "b", "name": "car", "slot_names": ["9"], "bounding_box": {"x": 10, "y": 10, "w": 20, "h": 20}},
           {"id": "c", "name": "car", "slot_names": ["2"], "bounding_box": {"x": 10, "y": 10, "w": 20, "h": 20}},
           {"id": "d", "name": "car", "slot_names": ["0"], "bounding_box": {"x": 10, "y": 10, "w": 20}},
           {"id": "e", "name": "car", "slot_names": ["0"], "bounding_box": {"x": 80, "y": -10, "w": 40, "h": 30}}
         ]}"""));
    assertThat(event.data().annotations()).extracting(Annotation::boundingBox).containsExactly(
        new BoundingBox(0.25, 0.25, 0.5, 0.5),
        null, // no slot 9
        null, // slot 2 has no size
        null, // no height
        new BoundingBox(0.8, 0, 0.2, 0.2)); // clipped to the image
    assertThat(event.data().annotations()).extracting(Annotation::areaRatio).containsExactly(0.25, null, null, null,
        0.04);
  }

  @Test
  void kindsFollowTheGeometryKeyAndVideoAnnotationsTheirFirstFrame() throws Exception {
    NormalizedEvent event = v7.normalize("v7", json("""
        {"item": {"source_info": {"item_id": "i1"}, "slots": [{"slot_name": "0", "width": 100, "height": 100}]},
         "annotations": [
           {"id": "1", "name": "k", "keypoint": {"x": 1, "y": 2}},
           {"id": "2", "name": "l", "line": {"path": []}},
           {"id": "3", "name": "m", "mask": {}},
           {"id": "4", "name": "t", "text": {"text": "STOP"}},
           {"id": "5", "name": "s", "ellipse": {}},
           {"id": "6", "name": "car", "slot_names": ["0"],
            "frames": {"3": {"bounding_box": {"x": 0, "y": 0, "w": 50, "h": 50}, "keyframe": true}}},
           {"id": "7", "name": "q", "some_new_type": {}}
         ]}"""));
    assertThat(event.data().annotations()).extracting(Annotation::kind)
        .containsExactly("point", "line", "segmentation", "transcription", "other", "bounding_box", "other");
    assertThat(event.data().annotations().get(5).areaRatio()).isEqualTo(0.25);
  }

  /** Darwin adds a bounding_box to other shapes: the shape gives the kind, the bounding_box the box. */
  @Test
  void theShapeNotItsBoundingBoxGivesTheKindAndAnEllipseHasTheBoxEnclosingIt() throws Exception {
    NormalizedEvent event = v7.normalize("v7", json("""
        {"item": {"source_info": {"item_id": "i1"}, "slots": [{"slot_name": "0", "width": 200, "height": 100}]},
         "annotations": [
           {"id": "l", "name": "lane", "slot_names": ["0"], "line": {"path": [{"x": 0, "y": 0}, {"x": 100, "y": 50}]},
            "bounding_box": {"x": 0, "y": 0, "w": 100, "h": 50}},
           {"id": "e", "name": "ball", "slot_names": ["0"], "ellipse": {"center": {"x": 100, "y": 50},
            "radius": {"x": 40, "y": 20}, "angle": 0}, "bounding_box": {"x": 60, "y": 30, "w": 80, "h": 40}},
           {"id": "f", "name": "ball", "slot_names": ["0"], "ellipse": {"center": {"x": 100, "y": 50},
            "radius": {"x": 40, "y": 20}, "angle": 1.5707963267948966}},
           {"id": "b", "name": "car", "slot_names": ["0"], "bounding_box": {"x": 0, "y": 0, "w": 20, "h": 10},
            "text": {"text": "AB-123"}}
         ]}"""));
    assertThat(event.data().annotations()).extracting(Annotation::kind)
        .containsExactly("line", "other", "other", "bounding_box");
    assertThat(event.data().annotations()).extracting(Annotation::boundingBox).containsExactly(
        new BoundingBox(0, 0, 0.5, 0.5),
        new BoundingBox(0.3, 0.3, 0.4, 0.4),
        // Turned a quarter: 80 wide and 40 high becomes 40 wide and 80 high.
        new BoundingBox(0.4, 0.1, 0.2, 0.8),
        new BoundingBox(0, 0, 0.1, 0.1));
  }

  @Test
  void entriesThatAreNotAnnotationsAndBlankTagsAreLeftOut() throws Exception {
    NormalizedEvent event = v7.normalize("v7", json(
        """
        {"item": {"source_info": {"item_id": "i1"}, "tags": ["", "ok", null]},
         "annotations": [null, "str", 4, {"id": "t1", "name": "", "tag": {}}, {"id": "t2", "name": "urgent", "tag": {}}]}"""));
    assertThat(event.data().annotations()).extracting(Annotation::id).containsExactly("t1", "t2");
    assertThat(event.data().tags()).containsExactly("ok", "urgent");
  }

  @Test
  void tagsComeFromTagAnnotationsAndItemTagsWithoutDuplicates() throws Exception {
    NormalizedEvent event = v7.normalize("v7", json("""
        {"item": {"source_info": {"item_id": "i1"}, "tags": ["difficult", 3]},
         "annotations": [{"id": "1", "name": "urgent", "tag": {}}, {"id": "2", "name": "difficult", "tag": {}}]}"""));
    assertThat(event.data().tags()).containsExactly("difficult", "urgent");
    // Tags are not objects: they are not counted.
    assertThat(event.data().annotationCounts()).isEmpty();
  }

  @Test
  void stageAndWorkflowAreReadWhenTheStageSendsThem() throws Exception {
    ObjectNode body = fixture("v7-item-stage.json");
    body.putObject("stage").put("id", "st-1").put("name", "Webhook QA");
    body.putObject("workflow").put("id", "wf-9");
    NormalizedEvent event = v7.normalize("v7", body);
    assertThat(event.data().stage()).isEqualTo("Webhook QA");
    assertThat(event.data().workflowId()).isEqualTo("wf-9");
  }

  @Test
  void withoutDatasetTheTeamAndThenTheSourceAreTheKey() throws Exception {
    assertThat(v7.normalize("v7", json("""
        {"item": {"source_info": {"item_id": "i1", "team": {"slug": "acme"}}}}""")).partitionKey()).isEqualTo("acme");
    NormalizedEvent bare = v7.normalize("v7-prod", json("""
        {"item": {"source_info": {"item_id": "i1"}}}"""));
    assertThat(bare.partitionKey()).isEqualTo("v7-prod");
    assertThat(bare.data().projectId()).isNull();
  }

  // --- workflow_complete -----------------------------------------------------------------------

  @Test
  void workflowCompleteFromV7sReferenceBecomesAnItemCompletedEvent() throws Exception {
    NormalizedEvent event = v7.normalize("v7", fixture("v7-workflow-complete.json"));
    assertThat(event.type()).isEqualTo("labeling.item.completed");
    // No item id in this payload: the file name is what the event is about.
    assertThat(event.subject()).isEqualTo("letter.png");
    assertThat(event.partitionKey()).isEqualTo("1");
    assertThat(event.deliveryId()).isNull();
    assertThat(event.data().platformEventType()).isEqualTo("workflow_complete");
    assertThat(event.data().projectId()).isEqualTo("1");
    assertThat(event.data().itemId()).isNull();
    assertThat(event.data().itemName()).isEqualTo("letter.png");
    // A box with text is a box; its pixels cannot be normalized without the image's size.
    assertThat(event.data().annotations())
        .containsExactly(new Annotation(null, null, "FROM", "bounding_box", null, null));
    assertThat(event.data().annotationCounts()).isEqualTo(Map.of("FROM", 1));
    assertThat(event.data().tags()).isEmpty();
  }

  @Test
  void workflowCompleteAnnotationsGetTheirClassAndKindButNoBox() throws Exception {
    NormalizedEvent event = v7.normalize("v7", fixture("v7-workflow-complete-invoice.json"));
    assertThat(event.partitionKey()).isEqualTo("722931");
    assertThat(event.data().annotations()).extracting(Annotation::category, Annotation::kind).containsExactly(
        Tuple.tuple("FROM", "bounding_box"),
        Tuple.tuple("TO", "bounding_box"),
        Tuple.tuple("stamp", "polygon"),
        Tuple.tuple("signature", "point"),
        Tuple.tuple("total", "transcription"),
        Tuple.tuple("underline", "line"),
        Tuple.tuple("paid", "tag"),
        Tuple.tuple("FROM", "bounding_box"));
    assertThat(event.data().annotations()).allSatisfy(a -> {
      assertThat(a.boundingBox()).isNull();
      assertThat(a.areaRatio()).isNull();
    });
    assertThat(event.data().tags()).containsExactly("paid");
    assertThat(event.data().annotationCounts())
        .isEqualTo(Map.of("FROM", 2, "TO", 1, "stamp", 1, "signature", 1, "total", 1, "underline", 1));
  }

  @Test
  void workflowCompleteWithoutItsFieldsIsRefusedNamingThem() {
    ObjectNode noPayload = fixture("v7-workflow-complete.json");
    noPayload.remove("payload");
    assertRefused(v7, noPayload, "payload");
    assertRefused(v7, fixture("v7-workflow-complete.json").put("payload", "letter.png"), "payload");
    ObjectNode noDataset = fixture("v7-workflow-complete.json");
    ((ObjectNode) noDataset.get("payload")).remove("dataset_id");
    assertRefused(v7, noDataset, "payload.dataset_id");
    ObjectNode noFile = fixture("v7-workflow-complete.json");
    ((ObjectNode) noFile.get("payload")).put("filename", "");
    assertRefused(v7, noFile, "payload.filename");
    ObjectNode annotationsObject = fixture("v7-workflow-complete.json");
    ((ObjectNode) annotationsObject.get("payload")).putObject("annotations");
    assertRefused(v7, annotationsObject, "payload.annotations");
  }

  @Test
  void workflowCompleteWithoutAnnotationsHasNone() throws Exception {
    NormalizedEvent event = v7.normalize("v7", json("""
        {"event_type": "workflow_complete", "payload": {"dataset_id": "7", "filename": "a.png"}}"""));
    assertThat(event.data().annotations()).isEmpty();
    assertThat(event.data().annotationCounts()).isEmpty();
  }

  @Test
  void anotherEventTypeWithoutAnItemIsStillRefusedForItsItem() {
    assertRefused(v7, json("""
        {"event_type": "workflow_started", "payload": {"dataset_id": 1, "filename": "a.png"}}"""), "item");
  }

  @Test
  void aStagePayloadStaysOneWhateverEventTypeItCarries() throws Exception {
    NormalizedEvent event = v7.normalize("v7", fixture("v7-item-stage.json").put("event_type", "workflow_complete"));
    assertThat(event.type()).isEqualTo("labeling.item.stage_reached");
    assertThat(event.data().itemId()).isEqualTo("0192a6d1-3c5e-7b1a-9f40-1e2d3c4b5a69");
  }
}
