package io.hookgate.ingress;

import io.hookgate.config.AuthConfig;
import io.hookgate.config.SourceConfig;
import io.hookgate.ingress.auth.NoAuthenticator;
import io.vertx.core.MultiMap;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The last requests each configured source received, accepted and refused, with what was answered: what users
 * otherwise look for on webhook.site when a platform says "your webhook failed". Kept in memory on this replica
 * only ({@code ingress.recentRequests} per source, the oldest dropped), with their credentials already masked
 * when they are kept, so that no secret is held or shown; and per source the counts of the last
 * {@link #WINDOW}, by refusal.
 *
 * <p>Written by every ingress event loop, read by the management API: each source's log is its own lock, held
 * for an append or a copy.
 */
public final class RecentRequests {
  /** How far back {@link #summary} counts. */
  public static final Duration WINDOW = Duration.ofMinutes(15);
  static final String MASK = "***";
  /** Header names that carry credentials whatever the source's configuration says. */
  private static final Pattern SECRET_NAME = Pattern.compile(
      "(?i).*(authorization|cookie|token|secret|signature|password|passwd|api[-_]?key|credential|session).*");
  private static final int MAX_HEADER_VALUE = 256;

  /**
   * One request as it was answered.
   *
   * @param auth {@code accepted}, {@code refused} (401), {@code none} (the source takes any request) or
   *     {@code not-checked} (refused before its credentials were looked at)
   * @param authReason for a refused one, which check failed ({@code auth_missing}, {@code auth_stale}...): the
   *     operator may know what the sender is never told
   * @param bodyBytes the body's bytes read (of a refused body, those read before the refusal)
   */
  public record Entry(String id, Instant receivedAt, String method, String path, String remoteAddress,
      String contentType, long bodyBytes, Map<String, String> headers, String auth, String authReason, int status,
      String problemType, String detail, String eventId) {
  }

  /** A refusal's count in the window. */
  public record RefusalCount(String problemType, int status, long count) {
  }

  /** What a source answered over the last {@link #WINDOW}, on this replica. */
  public record Summary(long accepted, long refused, List<RefusalCount> refusals) {
  }

  private final int capacity;
  private final Clock clock;
  private final Map<String, SourceLog> logs;

  /**
   * @param capacity requests kept per source; 0 keeps none (and counts nothing)
   */
  public RecentRequests(Map<String, SourceConfig> sources, int capacity, Clock clock) {
    this.capacity = capacity;
    this.clock = clock;
    Map<String, SourceLog> logs = new TreeMap<>();
    sources.forEach((name, config) -> logs.put(name, new SourceLog(secretHeaders(config.auth()))));
    this.logs = Collections.unmodifiableMap(logs);
  }

  /** The header names a source's own authentication uses, in lower case: masked even when named unusually. */
  private static Set<String> secretHeaders(AuthConfig auth) {
    Set<String> names = new HashSet<>();
    if (auth != null) {
      if (auth.header() != null) {
        names.add(auth.header().toLowerCase(Locale.ROOT));
      }
      auth.alternatives().forEach(a -> names.addAll(secretHeaders(a)));
    }
    return names;
  }

  public boolean enabled() {
    return capacity > 0;
  }

  /** The configured sources' names, sorted. */
  public Set<String> sources() {
    return logs.keySet();
  }

  /**
   * Keeps a request answered for a configured source; nothing for a path that names none (a name the client
   * chose must not grow the memory).
   *
   * @param problemType null when accepted
   */
  void record(ConfiguredSource source, String requestId, String method, String path, String remoteAddress,
      MultiMap headers, long bodyBytes, int status, String reason, String problemType, String detail,
      String eventId) {
    if (capacity == 0 || source == null) {
      return;
    }
    SourceLog log = logs.get(source.name());
    if (log == null) {
      return;
    }
    String auth;
    String authReason = null;
    if (status == 401) {
      auth = "refused";
      authReason = reason;
    } else if (source.authenticator() instanceof NoAuthenticator) {
      auth = "none";
    } else {
      auth = authChecked(source, status, problemType == null) ? "accepted" : "not-checked";
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    log.add(new Entry(requestId, now, method, path, remoteAddress, headers.get("Content-Type"), bodyBytes,
        masked(headers, log.secretHeaders), auth, authReason, status, problemType, detail, eventId), capacity);
  }

  /**
   * Whether the request's credentials had been checked, and passed, when it was answered: a static token is
   * checked after the route and the method (so all but a 405 passed it), a signature once the body is read (so
   * only what the normalizer or Kafka answered: an event, a 400 about the payload, a 503).
   */
  private static boolean authChecked(ConfiguredSource source, int status, boolean accepted) {
    if (!source.authenticator().needsBody()) {
      return status != 405;
    }
    return accepted || status == 400 || status == 503 || status == 500;
  }

  private static Map<String, String> masked(MultiMap headers, Set<String> secretHeaders) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> h : headers) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      String value = secretHeaders.contains(name) || SECRET_NAME.matcher(name).matches() ? MASK
          : RequestGate.oneLine(h.getValue(), MAX_HEADER_VALUE);
      out.merge(name, value, (a, b) -> a + ", " + b);
    }
    return out;
  }

  /**
   * The source's requests, newest first; empty for a source that is not configured.
   *
   * @param limit at most this many
   */
  public List<Entry> requests(String source, int limit) {
    SourceLog log = logs.get(source);
    return log == null ? List.of() : log.newest(limit);
  }

  /** What the source answered over the last {@link #WINDOW}; zeros for one that is not configured. */
  public Summary summary(String source) {
    SourceLog log = logs.get(source);
    return log == null ? new Summary(0, 0, List.of()) : log.summary(clock.instant().minus(WINDOW));
  }

  /**
   * One source's requests, and a count per minute of what it answered, so that the window's counts do not
   * depend on how many requests are kept.
   */
  private static final class SourceLog {
    private final Set<String> secretHeaders;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    /** One per minute that had requests, oldest first; those past the window are dropped as new ones come. */
    private final ArrayDeque<Minute> minutes = new ArrayDeque<>();

    SourceLog(Set<String> secretHeaders) {
      this.secretHeaders = secretHeaders;
    }

    synchronized void add(Entry e, int capacity) {
      if (entries.size() == capacity) {
        entries.removeFirst();
      }
      entries.addLast(e);
      long minute = e.receivedAt().getEpochSecond() / 60;
      Minute last = minutes.peekLast();
      if (last == null || last.minute != minute) {
        last = new Minute(minute);
        minutes.addLast(last);
        while (minutes.size() > WINDOW.toMinutes() + 1) {
          minutes.removeFirst();
        }
      }
      last.count(e);
    }

    synchronized List<Entry> newest(int limit) {
      List<Entry> out = new ArrayList<>(Math.min(limit, entries.size()));
      var it = entries.descendingIterator();
      while (it.hasNext() && out.size() < limit) {
        out.add(it.next());
      }
      return out;
    }

    synchronized Summary summary(Instant since) {
      long from = since.getEpochSecond() / 60;
      long accepted = 0;
      long refused = 0;
      Map<String, long[]> refusals = new TreeMap<>();
      for (Minute m : minutes) {
        if (m.minute < from) {
          continue;
        }
        accepted += m.accepted;
        refused += m.refused;
        m.refusals.forEach((key, n) -> refusals.computeIfAbsent(key, k -> new long[1])[0] += n[0]);
      }
      List<RefusalCount> top = new ArrayList<>();
      refusals.forEach((key, n) -> {
        int bar = key.indexOf(' ');
        top.add(new RefusalCount(key.substring(bar + 1), Integer.parseInt(key.substring(0, bar)), n[0]));
      });
      top.sort((a, b) -> Long.compare(b.count(), a.count()));
      return new Summary(accepted, refused, top);
    }
  }

  /** The answers of one minute: accepted, refused, and refusals by status and problem type. */
  private static final class Minute {
    final long minute;
    long accepted;
    long refused;
    final Map<String, long[]> refusals = new LinkedHashMap<>();

    Minute(long minute) {
      this.minute = minute;
    }

    void count(Entry e) {
      if (e.problemType() == null) {
        accepted++;
      } else {
        refused++;
        refusals.computeIfAbsent(e.status() + " " + e.problemType(), k -> new long[1])[0]++;
      }
    }
  }
}
