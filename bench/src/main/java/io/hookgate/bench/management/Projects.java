package io.hookgate.bench.management;

import java.util.Locale;

/**
 * The project ids of the management benchmark's events and subscriptions: project 0 is the benchmark webhook's
 * own ({@code clfcblkni05pq0jrq8wgib142}, so that the probe webhook posted to the ingress matches subscription
 * 0), project {@code i > 0} is the same id with its last five characters replaced by {@code i}, zero-padded, so
 * that every event has the same size whatever its project. Subscription {@code sub-<i>} takes the events of
 * project {@code i} and nothing else, which makes each event match exactly one of them.
 */
public final class Projects {
  /** Digits at the end of a project id: up to 100,000 distinct projects. */
  public static final int DIGITS = 5;

  private final String original;

  public Projects(String original) {
    if (original.length() <= DIGITS) {
      throw new IllegalArgumentException("project id too short to number: " + original);
    }
    this.original = original;
  }

  /** The id of project {@code i}. */
  public String id(int i) {
    if (i == 0) {
      return original;
    }
    if (i < 0 || i >= 100_000) {
      throw new IllegalArgumentException("project number out of range: " + i);
    }
    return original.substring(0, original.length() - DIGITS) + String.format(Locale.ROOT, "%05d", i);
  }

  public String original() {
    return original;
  }

  /** The subscription that takes project {@code i}'s events. */
  public static String subscription(int i) {
    return "sub-" + i;
  }
}
