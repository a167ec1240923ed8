package io.hookgate.event;

/** The CloudEvents {@code type} values hookgate emits: neutral across platforms, part of the public contract. */
public final class EventTypes {
  public static final String LABEL_SUBMITTED = "labeling.label.submitted";
  public static final String LABEL_REVIEWED = "labeling.label.reviewed";
  /**
   * A label was created or updated, as Kili's subscription {@code labelCreatedOrUpdated} tells (a
   * {@code kili-subscription} source): any label type, {@code data.labelType} says which.
   */
  public static final String LABEL_CREATED_OR_UPDATED = "labeling.label.created_or_updated";
  public static final String ITEM_STAGE_REACHED = "labeling.item.stage_reached";
  /** An item reached its workflow's complete status (V7's {@code workflow_complete}). */
  public static final String ITEM_COMPLETED = "labeling.item.completed";
  public static final String ISSUE_EXPORTED = "labeling.issue.exported";
  public static final String TASK_COMPLETED = "labeling.task.completed";
  /** Anything else: a generic source's events, or a platform event with no neutral meaning yet. */
  public static final String WEBHOOK_RECEIVED = "webhook.received";

  private EventTypes() {
  }
}
