package io.hookgate.ingress.source;

import static io.hookgate.ingress.source.SourceFixtures.assertRefused;
import static io.hookgate.ingress.source.SourceFixtures.fixture;
import static io.hookgate.ingress.source.SourceFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hookgate.event.NormalizedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IsahitSourceTest {
  private final IsahitSource isahit = new IsahitSource();

  @ParameterizedTest
  @ValueSource(strings = {"workflowId", "type", "taskId", "batchId", "projectId"})
  void eachMissingFieldIsRefusedNamingIt(String field) {
    ObjectNode missing = fixture("isahit-annotation.json");
    missing.remove(field);
    assertRefused(isahit, missing, field);
    assertRefused(isahit, fixture("isahit-annotation.json").putNull(field), field);
    assertRefused(isahit, fixture("isahit-annotation.json").put(field, ""), field);
    ObjectNode notText = fixture("isahit-annotation.json");
    notText.putArray(field);
    assertRefused(isahit, notText, field);
  }

  @ParameterizedTest
  @ValueSource(strings = {"validation", "Annotation", "REVIEW"})
  void aTypeOtherThanAnnotationOrReviewIsRefused(String type) {
    var e = assertRefused(isahit, fixture("isahit-annotation.json").put("type", type), "type");
    assertThat(e.getMessage()).contains("'annotation' or 'review'").contains(type);
  }

  @Test
  void aBodyThatIsNotAnObjectIsRefused() {
    assertRefused(isahit, json("[]"), "");
  }

  @Test
  void reviewsAndAnnotationsAreBothCompletedTasks() throws Exception {
    NormalizedEvent annotation = isahit.normalize("isahit", fixture("isahit-annotation.json"));
    NormalizedEvent review = isahit.normalize("isahit", fixture("isahit-review.json"));
    assertThat(annotation.type()).isEqualTo("labeling.task.completed");
    assertThat(review.type()).isEqualTo("labeling.task.completed");
    assertThat(annotation.data().taskType()).isEqualTo("annotation");
    assertThat(review.data().taskType()).isEqualTo("review");
    assertThat(review.data().platformEventType()).isEqualTo("review");
    assertThat(review.subject()).isEqualTo("task_6761a3f0e4b0f3a1d2c3b4c7");
    assertThat(review.partitionKey()).isEqualTo("proj_6761a2a0e4b0f3a1d2c3b499");
  }

  @Test
  void numericIdsAreKeptAsText() throws Exception {
    NormalizedEvent event = isahit.normalize("isahit", json("""
        {"workflowId": 7, "type": "annotation", "taskId": 1234, "batchId": 56, "projectId": 89}"""));
    assertThat(event.data().taskId()).isEqualTo("1234");
    assertThat(event.partitionKey()).isEqualTo("89");
  }
}
