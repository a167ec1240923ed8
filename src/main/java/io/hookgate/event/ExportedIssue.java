package io.hookgate.event;

import java.util.List;

/** An issue exported from a data-curation tool (Aquarium's {@code issue-exported}). */
public record ExportedIssue(String id, String name, String dataset, List<Element> elements) {

  /**
   * One element of the issue.
   *
   * @param elementType frame or crop
   * @param labelIds the labels to re-do: a crop's uuid, or a frame's label uuids
   * @param imageUrl the frame's image, for re-submitting it to labeling
   */
  public record Element(
      String elementId,
      String elementType,
      String frameId,
      String dataset,
      String inferenceSet,
      List<String> labelIds,
      String imageUrl) {
  }
}
