package io.hookgate.tail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The following streams, indexed by the projects their filters name, so that a record is shown only to the
 * streams that may take it: with a hundred streams each following its own project, a record's key (its
 * project, docs/event-contract.md) picks the few whose filter names it, rather than a hundred filters refusing it
 * one by one. A stream whose filter names no projects is asked about every record; so is every stream about a
 * record without a key (its filter decides on the data). Owned by the hub's context.
 */
final class FollowingStreams {
  private final Map<String, List<TailClient>> byProject = new HashMap<>();
  private final List<TailClient> anyProject = new ArrayList<>();
  private final List<TailClient> all = new ArrayList<>();

  void add(TailClient c) {
    all.add(c);
    List<String> projects = c.filter == null ? null : c.filter.projects();
    if (projects == null) {
      anyProject.add(c);
    } else {
      // Once per project, however often the filter names it: a stream gets each event once.
      projects.stream().distinct().forEach(p -> byProject.computeIfAbsent(p, k -> new ArrayList<>()).add(c));
    }
  }

  void remove(TailClient c) {
    if (!all.remove(c)) {
      return;
    }
    List<String> projects = c.filter == null ? null : c.filter.projects();
    if (projects == null) {
      anyProject.remove(c);
    } else {
      for (String p : projects.stream().distinct().toList()) {
        List<TailClient> l = byProject.get(p);
        if (l != null && l.remove(c) && l.isEmpty()) {
          byProject.remove(p);
        }
      }
    }
  }

  /** Every following stream: those that may take a record without a key. */
  List<TailClient> all() {
    return all;
  }

  /** The following streams whose filter names no project: they may take a record of any key. */
  List<TailClient> anyProject() {
    return anyProject;
  }

  /** The following streams whose filter names this project. */
  List<TailClient> named(String project) {
    return byProject.getOrDefault(project, List.of());
  }

  boolean isEmpty() {
    return all.isEmpty();
  }
}
