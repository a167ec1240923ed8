package io.hookgate.admin;

import io.hookgate.subscriptions.Subscription;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code If-Match} of a write (RFC 9110): {@code *}, or entity tags. A subscription's tag is its revision,
 * strong: {@code "3"}. Weak tags ({@code W/"3"}) never match, as the RFC's strong comparison says.
 *
 * @param any {@code *}: the subscription must exist
 * @param revisions the revisions named by strong tags
 */
record IfMatch(boolean any, List<Long> revisions) {

  /** The {@code ETag} of a revision. */
  static String etag(long revision) {
    return "\"" + revision + "\"";
  }

  /** Null when the request has no {@code If-Match}. */
  static IfMatch parse(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    if (header.strip().equals("*")) {
      return new IfMatch(true, List.of());
    }
    List<Long> revisions = new ArrayList<>();
    for (String part : header.split(",")) {
      String tag = part.strip();
      boolean weak = tag.startsWith("W/");
      String quoted = weak ? tag.substring(2) : tag;
      if (quoted.length() < 2 || quoted.charAt(0) != '"' || quoted.charAt(quoted.length() - 1) != '"') {
        throw ApiProblem.invalid("If-Match", "If-Match must be * or entity tags as ETag gives them, such as \"3\"");
      }
      String inside = quoted.substring(1, quoted.length() - 1);
      if (!weak && !inside.isEmpty() && inside.length() < 19 && inside.chars().allMatch(Character::isDigit)) {
        revisions.add(Long.parseLong(inside));
      }
    }
    return new IfMatch(false, revisions);
  }

  /**
   * The revision the change must apply to, given the subscription as this replica has it; a 412 when the
   * condition already fails. The writer checks the revision again, so a change made meanwhile elsewhere is
   * refused too.
   */
  Long revisionFor(String id, Optional<Subscription> current) {
    if (current.isEmpty()) {
      throw ApiProblem.preconditionFailed("If-Match is set but there is no subscription '" + id + "'");
    }
    long revision = current.get().revision();
    if (any || revisions.contains(revision)) {
      return revision;
    }
    throw ApiProblem.preconditionFailed("subscription '" + id + "' is at revision " + etag(revision)
        + ", not the one If-Match names; read it again");
  }
}
