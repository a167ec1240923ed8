package io.hookgate.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Concurrent senders posting Kili webhooks as fast as they are answered, each body unique (so each event
 * id is distinct), recording what became of every request. Bounded: it stops on {@link #stop()} or after
 * {@code maxRequests} requests, whichever comes first.
 */
final class WebhookLoad implements AutoCloseable {
  /** The fixture's run id, replaced in every request by a unique one. */
  private static final String RUN_ID = "run-20221124-161500";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** What became of one request. {@code status} is -1 when no HTTP answer came. */
  record Outcome(long startedNanos, long endedNanos, int status, String id, String failure) {
    boolean accepted() {
      return status == 202;
    }

    /** The connection was refused: the request never reached hookgate. */
    boolean refused() {
      return failure != null && failure.startsWith(ConnectException.class.getSimpleName());
    }
  }

  private final URI uri;
  private final String secret;
  private final String template;
  private final int senders;
  private final int maxRequests;
  private final HttpClient http;
  private final ExecutorService pool;
  private final AtomicInteger started = new AtomicInteger();
  private final AtomicLong accepted = new AtomicLong();
  private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
  private volatile boolean stopping;

  WebhookLoad(URI uri, String secret, String template, int senders, int maxRequests) {
    if (!template.contains(RUN_ID)) {
      throw new IllegalArgumentException("the template has no " + RUN_ID + " to make unique");
    }
    this.uri = uri;
    this.secret = secret;
    this.template = template;
    this.senders = senders;
    this.maxRequests = maxRequests;
    this.pool = Executors.newFixedThreadPool(senders);
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2))
        .build();
  }

  WebhookLoad start() {
    for (int i = 0; i < senders; i++) {
      pool.execute(this::send);
    }
    return this;
  }

  private void send() {
    while (!stopping) {
      int n = started.incrementAndGet();
      if (n > maxRequests) {
        return;
      }
      String body = template.replace(RUN_ID, "load-" + n + "-" + System.nanoTime());
      HttpRequest request = HttpRequest.newBuilder(uri)
          .timeout(Duration.ofSeconds(30))
          .header("Authorization", secret)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body))
          .build();
      long t0 = System.nanoTime();
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        String id = null;
        if (response.statusCode() == 202) {
          id = MAPPER.readTree(response.body()).path("id").asText(null);
          accepted.incrementAndGet();
        }
        outcomes.add(new Outcome(t0, System.nanoTime(), response.statusCode(), id, null));
      } catch (IOException e) {
        outcomes
            .add(new Outcome(t0, System.nanoTime(), -1, null, e.getClass().getSimpleName() + ": " + e.getMessage()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  long accepted() {
    return accepted.get();
  }

  /** Stops the senders after their current request and waits for them. */
  void stop() {
    stopping = true;
    pool.shutdown();
    try {
      if (!pool.awaitTermination(40, TimeUnit.SECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  List<Outcome> outcomes() {
    return new ArrayList<>(outcomes);
  }

  List<Outcome> outcomes(Predicate<Outcome> filter) {
    return outcomes.stream().filter(filter).toList();
  }

  List<String> acceptedIds() {
    return outcomes.stream().filter(Outcome::accepted).map(Outcome::id).toList();
  }

  /** Outcomes by status, failures by exception type: {@code {202=812, 503=3, ConnectException=24, ...}}. */
  Map<String, Long> tally() {
    return outcomes.stream().collect(Collectors.groupingBy(
        o -> o.status() >= 0 ? Integer.toString(o.status()) : o.failure().split(":", 2)[0],
        TreeMap::new, Collectors.counting()));
  }

  @Override
  public void close() {
    stop();
  }
}
