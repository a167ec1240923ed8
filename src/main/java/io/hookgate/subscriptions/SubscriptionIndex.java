package io.hookgate.subscriptions;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The subscriptions an event may match, found by its source and project: the cost of matching an event grows
 * with the subscriptions that could match it (those naming its source and project, and those that take every
 * source or every project), not with all there are. Kept up to date as a {@link SubscriptionStore.Listener};
 * read by the rules consumers on their own threads.
 *
 * @param <T> what is indexed per subscription (the subscription with its compiled filter)
 */
public final class SubscriptionIndex<T> implements SubscriptionStore.Listener {
  /** The key of "any source" and "any project". */
  private static final String ANY = "\u0000*";

  private final Function<Subscription, T> prepare;
  /** Source key, then project key, then subscription id. */
  private final Map<String, Map<String, Map<String, T>>> index = new ConcurrentHashMap<>();
  /** Where each subscription is indexed, to take it out when it changes. */
  private final Map<String, List<String[]>> placed = new ConcurrentHashMap<>();

  /**
   * @param prepare what to keep for a subscription (compiling its filter); may throw to leave it out (logged by
   *     the caller)
   */
  public SubscriptionIndex(Function<Subscription, T> prepare) {
    this.prepare = prepare;
  }

  /** Indexes what the store holds now; listen to it for what follows. */
  public void load(Collection<Subscription> subscriptions) {
    subscriptions.forEach(s -> changed(s.id(), s));
  }

  @Override
  public synchronized void changed(String id, Subscription now) {
    List<String[]> before = placed.remove(id);
    if (before != null) {
      for (String[] at : before) {
        Map<String, Map<String, T>> bySource = index.get(at[0]);
        Map<String, T> byProject = bySource == null ? null : bySource.get(at[1]);
        if (byProject != null) {
          byProject.remove(id);
        }
      }
    }
    // Disabled, or matching nothing (an empty list): nothing is ever matched, so nothing is indexed. A paused
    // one is: its deliveries are held.
    if (now == null || !now.delivers() || now.filter().matchesNothing()) {
      return;
    }
    T prepared = prepare.apply(now);
    List<String[]> at = new ArrayList<>();
    for (String source : keys(now.filter().sources())) {
      for (String project : keys(now.filter().projects())) {
        index.computeIfAbsent(source, k -> new ConcurrentHashMap<>())
            .computeIfAbsent(project, k -> new ConcurrentHashMap<>()).put(id, prepared);
        at.add(new String[] {source, project});
      }
    }
    placed.put(id, at);
  }

  private static List<String> keys(List<String> values) {
    return values == null ? List.of(ANY) : values;
  }

  /** What may match an event of this source and project (null when it has none): to be checked one by one. */
  public List<T> candidates(String source, String project) {
    List<T> out = new ArrayList<>();
    add(out, source, project);
    add(out, source, ANY);
    add(out, ANY, project);
    add(out, ANY, ANY);
    return out;
  }

  private void add(List<T> out, String source, String project) {
    if (source == null || project == null) {
      return;
    }
    Map<String, Map<String, T>> bySource = index.get(source);
    Map<String, T> byProject = bySource == null ? null : bySource.get(project);
    if (byProject != null) {
      out.addAll(byProject.values());
    }
  }

  /** Subscriptions indexed, for tests and metrics. */
  public int size() {
    return placed.size();
  }
}
