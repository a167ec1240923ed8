package io.hookgate.subscriptions;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

/**
 * Which events a subscription gets. A field that is absent (null) means all: Isahit Lab's "every batch of the
 * project", batches created later included. An empty list means none, so that deactivating a subscription's
 * last project stops its deliveries instead of widening them.
 *
 * @param types exact event types, or prefixes ending in {@code .*} ({@code labeling.label.*})
 * @param match an optional CEL expression over {@code event}, as in rules; compiled when the subscription is
 *     written
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SubscriptionFilter(List<String> sources, List<String> projects, List<String> batches,
    List<String> types, String match) {

  public static final SubscriptionFilter ALL = new SubscriptionFilter(null, null, null, null, null);

  public SubscriptionFilter {
    sources = sources == null ? null : List.copyOf(sources);
    projects = projects == null ? null : List.copyOf(projects);
    batches = batches == null ? null : List.copyOf(batches);
    types = types == null ? null : List.copyOf(types);
    match = match == null || match.isBlank() ? null : match;
  }

  /** Whether an event of this type passes the {@code types} filter. */
  public boolean acceptsType(String type) {
    if (types == null) {
      return true;
    }
    for (String t : types) {
      if (t.endsWith(".*") ? type != null && type.startsWith(t.substring(0, t.length() - 1)) : t.equals(type)) {
        return true;
      }
    }
    return false;
  }

  /** Whether an event of this batch (null when it has none) passes the {@code batches} filter. */
  public boolean acceptsBatch(String batch) {
    return batches == null || batch != null && batches.contains(batch);
  }

  /** Whether no event can pass: one of the lists is empty. */
  public boolean matchesNothing() {
    return sources != null && sources.isEmpty() || projects != null && projects.isEmpty()
        || batches != null && batches.isEmpty() || types != null && types.isEmpty();
  }

  /** This filter with {@code project} among its projects (Kili's activate on project); all stays all. */
  public SubscriptionFilter withProject(String project) {
    if (projects == null || projects.contains(project)) {
      return this;
    }
    List<String> more = new ArrayList<>(projects);
    more.add(project);
    return new SubscriptionFilter(sources, more, batches, types, match);
  }

  /** This filter without {@code project}; call only when {@code projects} is a list. */
  public SubscriptionFilter withoutProject(String project) {
    List<String> fewer = new ArrayList<>(projects);
    fewer.remove(project);
    return new SubscriptionFilter(sources, fewer, batches, types, match);
  }
}
