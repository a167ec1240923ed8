package io.hookgate.actions;

import java.time.Duration;

/**
 * What one call to a target came to.
 *
 * @param verdict how to go on
 * @param statusCode the HTTP status of the final answer, or null when there was none (network error,
 *     timeout, refused by SSRF protection)
 * @param message the reason phrase ({@code OK}, {@code Bad Request}) or what went wrong without an answer
 * @param body the start of the response body (bounded), or null
 * @param retryAfter the server's Retry-After, or null
 */
public record CallResult(Verdict verdict, Integer statusCode, String message, String body, Duration retryAfter) {

  public enum Verdict {
    /** Done. */
    SUCCESS,
    /** Network error, timeout, 408, 425, 429, 5xx, or a GraphQL error that may pass: try again later. */
    RETRYABLE,
    /** Any other failure: trying again would fail the same way. */
    PERMANENT,
    /**
     * Refused by hookgate (SSRF protection, a bad action, a redirect it will not follow): permanent, and says
     * nothing of the target. Without a status code nothing was sent; with one, it is the redirect's.
     */
    REFUSED
  }

  /** Refused before anything was sent. */
  public static CallResult refused(String message) {
    return new CallResult(Verdict.REFUSED, null, message, null, null);
  }

  /** Refused after the target answered {@code status}: a redirect that is not followed. */
  public static CallResult refused(int status, String message) {
    return new CallResult(Verdict.REFUSED, status, message, null, null);
  }

  /** Whether a request reached the target: false only for a refusal before sending. */
  public boolean sent() {
    return verdict != Verdict.REFUSED || statusCode != null;
  }

  public static CallResult networkError(String message) {
    return new CallResult(Verdict.RETRYABLE, null, message, null, null);
  }

  public boolean success() {
    return verdict == Verdict.SUCCESS;
  }

  /** One line for {@code lastError} in retry and dead-letter records. */
  public String summary() {
    StringBuilder sb = new StringBuilder();
    if (statusCode != null) {
      sb.append("HTTP ").append(statusCode);
      if (message != null && !message.isEmpty()) {
        sb.append(' ').append(message);
      }
    } else if (message != null) {
      sb.append(message);
    }
    if (body != null && !body.isBlank()) {
      String excerpt = body.strip().replaceAll("\\s+", " ");
      sb.append(": ").append(excerpt.length() > 300 ? excerpt.substring(0, 300) + "…" : excerpt);
    }
    return sb.toString();
  }
}
