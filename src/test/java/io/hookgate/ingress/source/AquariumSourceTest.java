package io.hookgate.ingress.source;

import static io.hookgate.ingress.source.SourceFixtures.assertRefused;
import static io.hookgate.ingress.source.SourceFixtures.fixture;
import static io.hookgate.ingress.source.SourceFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hookgate.event.Annotation;
import io.hookgate.event.ExportedIssue;
import io.hookgate.event.NormalizedEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class AquariumSourceTest {
  private final AquariumSource aquarium = new AquariumSource();

  /** Aquarium's own label types (its client's LabelType); LINE_SEGMENT_2D is a line, not a segmentation. */
  @Test
  void aquariumLabelTypesMapToTheirKinds() throws Exception {
    ObjectNode body = fixture("aquarium-issue-exported.json");
    ArrayNode labels = (ArrayNode) body.at("/issue/elements/0/frame_data/label_data");
    labels.removeAll();
    String[][] types = {{"BBOX_2D", "bounding_box"}, {"LINE_SEGMENT_2D", "line"}, {"KEYPOINTS_2D", "point"},
        {"POLYGON_LIST_2D", "polygon"}, {"SEMANTIC_LABEL_URL_2D", "segmentation"},
        {"SEMANTIC_LABEL_ASSET_2D", "segmentation"}, {"INSTANCE_LABEL_URL_2D", "segmentation"},
        {"INSTANCE_LABEL_2D", "segmentation"}, {"CLASSIFICATION_2D", "classification"}, {"CUBOID_3D", "other"},
        {"TEXT_TOKEN", "other"}};
    for (String[] t : types) {
      labels.addObject().put("uuid", "u-" + t[0]).put("label", "c-" + t[0]).put("label_type", t[0]);
    }
    List<Annotation> annotations = aquarium.normalize("aquarium", body).data().annotations();
    for (String[] t : types) {
      assertThat(annotations).filteredOn(a -> a.id().equals("u-" + t[0])).extracting(Annotation::kind)
          .as(t[0]).containsExactly(t[1]);
    }
  }

  @Test
  void aSemanticMaskIsNotCountedAsACategoryNamedMask() throws Exception {
    ObjectNode body = fixture("aquarium-issue-exported.json");
    ArrayNode labels = (ArrayNode) body.at("/issue/elements/0/frame_data/label_data");
    labels.addObject().put("uuid", "mask-1").put("label", "__mask").put("label_type", "SEMANTIC_LABEL_URL_2D");
    NormalizedEvent event = aquarium.normalize("aquarium", body);
    assertThat(event.data().annotations()).filteredOn(a -> a.id().equals("mask-1"))
        .extracting(Annotation::category).containsExactly((String) null);
    assertThat(event.data().annotationCounts()).doesNotContainKey("__mask");
  }

  /** A frame and a crop of the same label, or a label listed twice, are one annotation and count once. */
  @Test
  void aLabelInSeveralElementsOfAnIssueIsOneAnnotation() throws Exception {
    ObjectNode body = fixture("aquarium-issue-exported.json");
    ArrayNode elements = (ArrayNode) body.at("/issue/elements");
    ObjectNode frameOfTheCrop = elements.get(1).deepCopy();
    frameOfTheCrop.put("element_type", "frame").put("element_id", "frame_000517").remove("crop_data");
    elements.add(frameOfTheCrop);
    ArrayNode firstFrame = (ArrayNode) body.at("/issue/elements/0/frame_data/label_data");
    firstFrame.add(firstFrame.get(0).deepCopy());
    NormalizedEvent event = aquarium.normalize("aquarium", body);
    List<String> ids = event.data().annotations().stream().map(Annotation::id).toList();
    assertThat(ids).doesNotHaveDuplicates().contains("lbl_9a1b2c3d", "lbl_c8d9e0f1", "lbl_0a1b2c3d");
    // Two pedestrians (9a1b..., c8d9...), each listed twice.
    assertThat(event.data().annotationCounts()).isEqualTo(java.util.Map.of("pedestrian", 2, "car", 1, "cyclist", 1));
  }

  @Test
  void missingEventIsRefusedNamingIt() {
    ObjectNode body = fixture("aquarium-issue-exported.json");
    body.remove("event");
    assertRefused(aquarium, body, "event");
    assertRefused(aquarium, fixture("aquarium-issue-exported.json").put("event", ""), "event");
  }

  @Test
  void missingProjectIsRefusedNamingIt() {
    ObjectNode body = fixture("aquarium-issue-exported.json");
    body.remove("project");
    assertRefused(aquarium, body, "project");
    ObjectNode other = fixture("aquarium-dataset-complete.json");
    other.remove("project");
    assertRefused(aquarium, other, "project");
    // An empty project is no project either, and the message says that, and where else it may come from.
    assertThat(assertRefused(aquarium, fixture("aquarium-issue-exported.json").put("project", ""), "project"))
        .hasMessage("required field 'project' (or 'project_name') is missing or empty");
  }

  @Test
  void projectNameIsAcceptedWhereProjectIsMissing() throws Exception {
    ObjectNode body = fixture("aquarium-issue-exported.json");
    body.remove("project");
    body.put("project_name", "legacy-project");
    assertThat(aquarium.normalize("aquarium", body).partitionKey()).isEqualTo("legacy-project");
  }

  @Test
  void anExportWithoutIssueOrElementsIsRefusedNamingTheField() {
    ObjectNode noIssue = fixture("aquarium-issue-exported.json");
    noIssue.remove("issue");
    assertRefused(aquarium, noIssue, "issue");
    assertRefused(aquarium, fixture("aquarium-issue-exported.json").put("issue", "issue_7c1f2a"), "issue");
    ObjectNode noElements = fixture("aquarium-issue-exported.json");
    ((ObjectNode) noElements.get("issue")).remove("elements");
    assertRefused(aquarium, noElements, "issue.elements");
    ObjectNode elementsNotList = fixture("aquarium-issue-exported.json");
    ((ObjectNode) elementsNotList.get("issue")).putObject("elements");
    assertRefused(aquarium, elementsNotList, "issue.elements");
    ObjectNode elementNotObject = fixture("aquarium-issue-exported.json");
    ((ArrayNode) elementNotObject.at("/issue/elements")).insert(0, "frame_000481");
    assertRefused(aquarium, elementNotObject, "issue.elements.0");
  }

  @Test
  void aCropWithoutUuidIsRefusedNamingIt() {
    ObjectNode body = fixture("aquarium-issue-exported.json");
    ((ObjectNode) body.at("/issue/elements/1/crop_data")).remove("uuid");
    assertRefused(aquarium, body, "issue.elements.1.crop_data.uuid");
    ObjectNode noCropData = fixture("aquarium-issue-exported.json");
    ((ObjectNode) noCropData.at("/issue/elements/1")).remove("crop_data");
    assertRefused(aquarium, noCropData, "issue.elements.1.crop_data.uuid");
  }

  @Test
  void framesGiveAllTheirLabelsAndCropsOnlyTheirOwn() throws Exception {
    NormalizedEvent event = aquarium.normalize("aquarium", fixture("aquarium-issue-exported.json"));
    ExportedIssue issue = event.data().issue();
    assertThat(issue.elements()).extracting(ExportedIssue.Element::labelIds)
        .containsExactly(List.of("lbl_9a1b2c3d", "lbl_4e5f6a7b"), List.of("lbl_c8d9e0f1"));
    assertThat(event.data().annotations()).extracting(Annotation::id)
        .containsExactly("lbl_9a1b2c3d", "lbl_4e5f6a7b", "lbl_c8d9e0f1");
  }

  @Test
  void aCropTakesItsClassFromItsFrameWhenCropDataDoesNotSay() throws Exception {
    ObjectNode body = fixture("aquarium-issue-exported.json");
    ((ObjectNode) body.at("/issue/elements/1/crop_data")).remove(List.of("label", "label_type"));
    Annotation crop = aquarium.normalize("aquarium", body).data().annotations().get(2);
    assertThat(crop).isEqualTo(new Annotation("lbl_c8d9e0f1", null, "pedestrian", "bounding_box", null, null));
  }

  @Test
  void aSingleSensorObjectAsInAquariumsRestSampleGivesTheImageUrl() throws Exception {
    ObjectNode body = fixture("aquarium-issue-exported.json");
    ObjectNode frameData = (ObjectNode) body.at("/issue/elements/0/frame_data");
    frameData.set("sensor_data", frameData.at("/sensor_data/0"));
    assertThat(aquarium.normalize("aquarium", body).data().issue().elements().get(0).imageUrl())
        .isEqualTo("https://storage.example.com/street_2024_05/frame_000481.jpg");
  }

  @Test
  void issueLevelNameAndDatasetWinOverTheElements() throws Exception {
    ObjectNode body = fixture("aquarium-issue-exported.json");
    ((ObjectNode) body.get("issue")).put("issue_name", "renamed").put("dataset", "street_all");
    ExportedIssue issue = aquarium.normalize("aquarium", body).data().issue();
    assertThat(issue.name()).isEqualTo("renamed");
    assertThat(issue.dataset()).isEqualTo("street_all");
  }

  @Test
  void anEmptyExportIsAnIssueWithNoElements() throws Exception {
    NormalizedEvent event = aquarium.normalize("aquarium", json("""
        {"event": "issue-exported", "project": "p", "issue": {"id": "i1", "elements": []}}"""));
    assertThat(event.type()).isEqualTo("labeling.issue.exported");
    assertThat(event.data().issue()).isEqualTo(new ExportedIssue("i1", null, null, List.of()));
    assertThat(event.data().annotations()).isEmpty();
  }

  @Test
  void labelTypesMapToNeutralKinds() throws Exception {
    NormalizedEvent event = aquarium.normalize("aquarium", json("""
        {"event": "issue-exported", "project": "p", "issue": {"id": "i1", "elements": [{"element_type": "frame",
          "frame_data": {"label_data": [
            {"uuid": "1", "label": "a", "label_type": "BBOX_2D"},
            {"uuid": "2", "label": "b", "label_type": "POLYGON_LIST_2D"},
            {"uuid": "3", "label": "c", "label_type": "SEMSEG_2D"},
            {"uuid": "4", "label": "d", "label_type": "CLASSIFICATION_2D"},
            {"uuid": "5", "label": "e", "label_type": "KEYPOINTS_2D"},
            {"uuid": "6", "label": "f", "label_type": "POLYLINE_LIST_2D"},
            {"uuid": "7", "label": "g", "label_type": "CUBOID_3D"},
            {"uuid": "8", "label": "h"}
          ]}}]}}"""));
    assertThat(event.data().annotations()).extracting(Annotation::kind).containsExactly(
        "bounding_box", "polygon", "segmentation", "classification", "point", "line", "other", "other");
  }

  @Test
  void otherEventsPassAsWebhookReceivedWithTheirDataset() throws Exception {
    NormalizedEvent event = aquarium.normalize("aquarium", fixture("aquarium-dataset-complete.json"));
    assertThat(event.type()).isEqualTo("webhook.received");
    assertThat(event.subject()).isEqualTo("street_2024_06");
    assertThat(event.partitionKey()).isEqualTo("street-scenes");
    assertThat(event.data().batchId()).isEqualTo("street_2024_06");
    assertThat(event.data().issue()).isNull();
    NormalizedEvent update = aquarium.normalize("aquarium", json("""
        {"event": "issue-update", "project": "p", "issue": {"id": "i9"}}"""));
    assertThat(update.type()).isEqualTo("webhook.received");
    assertThat(update.subject()).isEqualTo("i9");
    assertThat(update.data().issue()).isNull();
  }
}
