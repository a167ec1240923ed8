package io.hookgate.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario Ctail's live-tail clients: N Server-Sent Events streams held open on the gateway's management port
 * while wrk loads its webhook port, each reading and discarding what comes as fast as it can, on one Vert.x
 * event loop. A stream that ends (the gateway cut it as too slow) is opened again with the last id it read as
 * {@code Last-Event-ID}, as an {@code EventSource} does. Prints what the streams got when it is stopped
 * (SIGTERM).
 *
 * <p>Arguments: port, viewer token, clients, filter mode: {@code projects} (client 0 follows the benchmark's
 * project, every other client a project of its own that gets nothing), {@code other} (every client a project
 * of its own: nothing is sent, every event is filtered for every stream), {@code none} (no filter: every
 * client gets every event), and the benchmark's project.
 */
public final class TailClients {
  private final Vertx vertx;
  private final HttpClient http;
  private final int port;
  private final String token;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong events = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong reopened = new AtomicLong();
  private final AtomicLong tooSlow = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();

  private TailClients(Vertx vertx, int port, String token, int clients) {
    this.vertx = vertx;
    this.http = vertx.createHttpClient(new HttpClientOptions().setTcpNoDelay(true),
        new PoolOptions().setHttp1MaxSize(clients + 10));
    this.port = port;
    this.token = token;
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String token = args[1];
    int n = Integer.parseInt(args[2]);
    String mode = args[3];
    String project = args[4];
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    TailClients clients = new TailClients(vertx, port, token, n);
    for (int i = 0; i < n; i++) {
      String follows = switch (mode) {
        case "none" -> null;
        case "other" -> "bench-tail-" + i;
        case "projects" -> i == 0 ? project : "bench-tail-" + i;
        default -> throw new IllegalArgumentException("filter mode: projects, other or none, not " + mode);
      };
      clients.open(follows == null ? "" : "?project=" + URLEncoder.encode(follows, StandardCharsets.UTF_8), null);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println(clients.summary())));
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (clients.open.get() < n && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    System.out.println("TAIL CLIENTS READY " + clients.open.get() + " of " + n);
    Thread.currentThread().join();
  }

  private String summary() {
    return "tail clients: " + open.get() + " streams open at the end, " + events.get() + " events and " + bytes.get()
        + " bytes received, " + reopened.get() + " streams reopened (" + tooSlow.get() + " after too-slow), "
        + refused.get() + " refusals";
  }

  /** Opens a stream, and opens it again from where it stopped when it ends. */
  private void open(String query, String lastEventId) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
        .setURI("/api/v1/events/stream" + query).putHeader("Authorization", "Bearer " + token)
        .putHeader("Accept", "text/event-stream");
    if (lastEventId != null) {
      options.putHeader("Last-Event-ID", lastEventId);
    }
    http.request(options).compose(req -> req.send()).onComplete(ar -> {
      if (ar.failed() || ar.result().statusCode() != 200) {
        refused.incrementAndGet();
        vertx.setTimer(1000, t -> open(query, lastEventId));
        return;
      }
      HttpClientResponse response = ar.result();
      open.incrementAndGet();
      Scanner scanner = new Scanner(lastEventId);
      response.handler(buffer -> {
        bytes.addAndGet(buffer.length());
        scanner.scan(buffer);
      });
      response.exceptionHandler(e -> {
      });
      response.endHandler(v -> reopen(query, scanner));
      response.request().connection().closeHandler(v -> reopen(query, scanner));
    });
  }

  private void reopen(String query, Scanner scanner) {
    if (scanner.reopened) {
      return;
    }
    scanner.reopened = true;
    open.decrementAndGet();
    reopened.incrementAndGet();
    if (scanner.tooSlow) {
      tooSlow.incrementAndGet();
    }
    open(query, scanner.lastId);
  }

  /** Finds, across buffers, the lines that start with {@code data:} (events), {@code id: } and {@code event: }. */
  private final class Scanner {
    private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID = "id: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TOO_SLOW = "event: too-slow".getBytes(StandardCharsets.US_ASCII);
    private boolean lineStart = true;
    /** How far the current line matches each prefix; -1 once it cannot. */
    private int data;
    private int id;
    private int slow;
    private StringBuilder idValue;
    String lastId;
    boolean tooSlow;
    boolean reopened;

    Scanner(String lastId) {
      this.lastId = lastId;
    }

    void scan(Buffer buffer) {
      for (int i = 0; i < buffer.length(); i++) {
        byte b = buffer.getByte(i);
        if (b == '\n') {
          if (idValue != null) {
            lastId = idValue.toString();
            idValue = null;
          }
          lineStart = true;
          data = 0;
          id = 0;
          slow = 0;
          continue;
        }
        if (idValue != null) {
          idValue.append((char) b);
          continue;
        }
        if (!lineStart) {
          continue;
        }
        data = step(DATA, data, b);
        id = step(ID, id, b);
        slow = step(TOO_SLOW, slow, b);
        if (data == DATA.length) {
          events.incrementAndGet();
        }
        if (id == ID.length) {
          idValue = new StringBuilder(64);
        }
        if (slow == TOO_SLOW.length) {
          tooSlow = true;
        }
        if (data < 0 && id < 0 && slow < 0 || data == DATA.length) {
          lineStart = false;
        }
      }
    }

    private static int step(byte[] prefix, int matched, byte b) {
      if (matched < 0 || matched >= prefix.length) {
        return -1;
      }
      return prefix[matched] == b ? matched + 1 : -1;
    }
  }
}
