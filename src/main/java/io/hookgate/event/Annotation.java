package io.hookgate.event;

/**
 * One annotation, whatever the platform.
 *
 * @param id the platform's id for it (Kili's {@code mid}, V7's annotation id, Aquarium's label uuid)
 * @param job the job or task it belongs to (Kili's {@code JOB_0}); null where the platform has none
 * @param category the class name ({@code OBJECT_A}, {@code car})
 * @param kind bounding_box, polygon, segmentation, point, line, tag, classification, transcription or other:
 *     a closed list (the schema's enum), so a platform's new tool maps to other rather than to a new word
 * @param boundingBox normalized box where the geometry and the image size allow one (for a polygon, the box
 *     enclosing it), else null
 * @param areaRatio share of the image covered by the box (0..1, rounded to 9 decimals); null exactly when
 *     there is no box
 */
public record Annotation(
    String id,
    String job,
    String category,
    String kind,
    BoundingBox boundingBox,
    Double areaRatio) {

  public static Annotation of(String id, String job, String category, String kind, BoundingBox box) {
    return new Annotation(id, job, category, kind, box, box == null ? null : BoundingBox.round(box.area()));
  }
}
