package io.hookgate.ingress;

/** The body is JSON but not what the platform sends: a required field is missing or of the wrong type. */
public final class InvalidPayloadException extends Exception {
  private final String field;

  public InvalidPayloadException(String field, String message) {
    super(message, null, false, false);
    this.field = field;
  }

  /** The offending field as a dotted path, e.g. {@code logPayload.projectId}. */
  public String field() {
    return field;
  }
}
