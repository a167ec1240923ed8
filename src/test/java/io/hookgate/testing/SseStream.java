package io.hookgate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Server-Sent Events client on the JDK's HttpClient, reading the body line by line and parsing it as the WHATWG
 * spec says a browser does: {@code data}, {@code event}, {@code id} (kept across messages, and taken by a message
 * without data), comments. Every dispatched message is queued for the test.
 */
public final class SseStream implements AutoCloseable {
  /** A dispatched message; {@code event} null for the default type. */
  public record Message(String event, String id, String data) {
  }

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private final HttpResponse<Stream<String>> response;
  private final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
  private final List<String> comments = Collections.synchronizedList(new ArrayList<>());
  private final List<String> body = Collections.synchronizedList(new ArrayList<>());
  private final Thread reader;
  private volatile String lastEventId;
  private volatile boolean ended;

  private SseStream(HttpResponse<Stream<String>> response) {
    this.response = response;
    this.reader = new Thread(this::read, "sse-client");
    reader.setDaemon(true);
    reader.start();
  }

  /** Opens the stream; returns once the answer's head has come. */
  public static SseStream open(URI uri, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET().header("Accept", "text/event-stream");
    headers.forEach(b::header);
    try {
      return new SseStream(HTTP.send(b.build(), HttpResponse.BodyHandlers.ofLines()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public HttpResponse<Stream<String>> response() {
    return response;
  }

  public int status() {
    return response.statusCode();
  }

  private void read() {
    StringBuilder data = null;
    String event = null;
    String id = null;
    try (Stream<String> lines = response.body()) {
      for (String line : (Iterable<String>) lines::iterator) {
        body.add(line);
        if (line.isEmpty()) {
          if (id != null) {
            lastEventId = id;
          }
          if (data != null) {
            messages.add(new Message(event, lastEventId, data.toString()));
          }
          data = null;
          event = null;
          id = null;
          continue;
        }
        if (line.startsWith(":")) {
          comments.add(line.substring(1).strip());
          continue;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
          value = value.substring(1);
        }
        switch (field) {
          case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
          case "event" -> event = value;
          case "id" -> id = value;
          default -> {
          }
        }
      }
    } catch (RuntimeException e) {
      // Closed by the test, or by the server.
    } finally {
      ended = true;
    }
  }

  /** The next message, or null after {@code timeout}. */
  public Message next(Duration timeout) throws InterruptedException {
    return messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The next {@code n} default messages (events), failing after {@code timeout}; named ones are skipped. */
  public List<Message> events(int n, Duration timeout) throws InterruptedException {
    List<Message> out = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (out.size() < n) {
      long left = deadline - System.nanoTime();
      Message m = left <= 0 ? null : messages.poll(left, TimeUnit.NANOSECONDS);
      if (m == null) {
        throw new AssertionError("got " + out.size() + " of " + n + " events within " + timeout + ": " + out);
      }
      if (m.event() == null) {
        out.add(m);
      }
    }
    return out;
  }

  /** Messages received and not yet taken. */
  public List<Message> pending() {
    List<Message> out = new ArrayList<>();
    messages.drainTo(out);
    return out;
  }

  /** The last event id, as a browser keeps it (an {@code id} without data moves it too). */
  public String lastEventId() {
    return lastEventId;
  }

  public List<String> comments() {
    synchronized (comments) {
      return List.copyOf(comments);
    }
  }

  /** Every line received so far. */
  public List<String> lines() {
    synchronized (body) {
      return List.copyOf(body);
    }
  }

  /** Whether the server ended the stream. */
  public boolean ended() {
    return ended;
  }

  @Override
  public void close() {
    reader.interrupt();
    try {
      response.body().close();
    } catch (RuntimeException e) {
      // Already closed.
    }
  }
}
