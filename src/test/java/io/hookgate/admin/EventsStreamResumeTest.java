package io.hookgate.admin;

import static io.hookgate.admin.TailGateway.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.launchdarkly.eventsource.ConnectStrategy;
import com.launchdarkly.eventsource.ErrorStrategy;
import com.launchdarkly.eventsource.EventSource;
import com.launchdarkly.eventsource.MessageEvent;
import io.hookgate.testing.CuttableProxy;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import io.hookgate.testing.SseStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Streams that lose their connection and resume with {@code Last-Event-ID}: a stock SSE client (LaunchDarkly's
 * okhttp-eventsource) whose connection is cut twice while events keep coming, which resumes by itself through the
 * catch-up reader and its handover to the shared one; and a client that stops reading, which the gateway cuts
 * within its buffer (the meters say how much it held) and which then resumes where it stopped.
 */
@ExtendWith(KafkaBrokerExtension.class)
class EventsStreamResumeTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final long BUFFER = 64 * 1024;
  private static TailGateway gateway;

  @BeforeAll
  static void start(KafkaBroker broker) throws Exception {
    gateway = TailGateway.start(broker, "{ heartbeat: 1s, bufferSize: 64KiB }", Map.of());
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private static String eventId(String json) {
    try {
      return MAPPER.readTree(json).path("id").asText();
    } catch (IOException e) {
      throw new IllegalStateException("not JSON: " + json, e);
    }
  }

  /** The position now, as a stream gives it first. */
  private static String positionNow() {
    try (SseStream s = gateway.open(Map.of(), null)) {
      await().atMost(seconds(10)).until(() -> s.lastEventId() != null);
      return s.lastEventId();
    }
  }

  @Test
  void aStockClientCutTwiceWhileEventsKeepComingResumesByItselfMissingAndRepeatingNothing() throws Exception {
    List<String> posted = Collections.synchronizedList(new ArrayList<>());
    List<String> received = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean posting = new AtomicBoolean(true);
    try (CuttableProxy proxy = new CuttableProxy(gateway.port());
        EventSource client = new EventSource.Builder(ConnectStrategy
            .http(URI.create("http://127.0.0.1:" + proxy.port() + "/api/v1/events/stream?project=p-stock"))
            .header("Authorization", "Bearer " + ApiGateways.VIEWER_TOKEN))
            .lastEventId(positionNow())
            .errorStrategy(ErrorStrategy.alwaysContinue())
            .retryDelay(100, TimeUnit.MILLISECONDS)
            .build()) {
      Thread reader = new Thread(() -> {
        for (MessageEvent m : client.messages()) {
          if (m.getEventName().equals("message")) {
            received.add(eventId(m.getData()));
          }
        }
      }, "stock-sse-client");
      reader.setDaemon(true);
      reader.start();
      Thread poster = new Thread(() -> {
        for (int i = 0; posting.get(); i++) {
          gateway.post("s-" + i, "p-stock");
          posted.add("s-" + i);
          if (i % 7 == 0) {
            gateway.post("noise-" + i, "p-noise");
          }
        }
      }, "poster");
      poster.start();
      await().atMost(seconds(30)).until(() -> received.size() >= 20);
      // Down for a while: the gateway writes on, the client is away.
      proxy.refuse(true);
      proxy.cut();
      int before = posted.size();
      await().atMost(seconds(30)).until(() -> posted.size() >= before + 40);
      proxy.refuse(false);
      // Back, behind the head: it catches up on its own reader and joins the shared one while events come.
      await().atMost(seconds(30)).until(() -> received.size() >= before + 10);
      proxy.cut();
      int again = posted.size();
      await().atMost(seconds(30)).until(() -> received.size() >= again + 10);
      posting.set(false);
      poster.join(30_000);
      gateway.post("s-end", "p-stock");
      posted.add("s-end");
      await().atMost(seconds(30)).until(() -> received.contains("s-end"));
      // One project is one partition: its events come in the order they were written, each once.
      assertThat(received).containsExactlyElementsOf(posted);
    } finally {
      posting.set(false);
    }
  }

  @Test
  void aClientThatStopsReadingIsCutWithinItsBufferAndResumesWhereItStopped() throws Exception {
    List<String> posted = new ArrayList<>();
    String pad = "x".repeat(16_000);
    double cutBefore = gateway.metric("hookgate_tail_streams_closed_total{reason=\"too_slow\"}");
    try (Socket socket = new Socket()) {
      // A small receive window, and nothing read after the first message: the gateway's writes back up.
      socket.setReceiveBufferSize(4096);
      socket.connect(new InetSocketAddress("127.0.0.1", gateway.port()), 5000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET /api/v1/events/stream?project=p-slow HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream"
          + "\r\nAuthorization: Bearer " + ApiGateways.VIEWER_TOKEN + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String head = readHead(in);
      assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("transfer-encoding: chunked");
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      readChunk(in, body);
      assertThat(body.toString(StandardCharsets.UTF_8)).contains("\nid: ");
      for (int i = 0; gateway.metric("hookgate_tail_streams_closed_total{reason=\"too_slow\"}") == cutBefore; i++) {
        assertThat(i).as("events posted before the slow client was cut").isLessThan(3000);
        gateway.post("slow-" + i, "p-slow", "\"pad\":\"" + pad + "\"");
        posted.add("slow-" + i);
      }
      // What it held for the client: at most the buffer and the one message that went past it.
      assertThat(gateway.metric("hookgate_tail_buffered_peak_bytes")).isLessThanOrEqualTo(BUFFER + 32 * 1024);
      await().atMost(seconds(10)).until(() -> gateway.metric("hookgate_tail_buffered_bytes") == 0);
      // Reading again: the events that had reached it, then the last message, then the end.
      while (readChunk(in, body)) {
        // until the last chunk
      }
      List<String[]> messages = messages(body.toString(StandardCharsets.UTF_8));
      String[] last = messages.get(messages.size() - 1);
      assertThat(last[0]).isEqualTo("too-slow");
      assertThat(last[2]).contains("Last-Event-ID");
      List<String> got = new ArrayList<>();
      String lastId = null;
      for (String[] m : messages) {
        if (m[0] == null && m[2] != null) {
          got.add(eventId(m[2]));
        }
        lastId = m[1] != null ? m[1] : lastId;
      }
      assertThat(got).isEqualTo(posted.subList(0, got.size()));
      // Resumed from the last message it read: the rest, each once.
      gateway.post("slow-end", "p-slow");
      posted.add("slow-end");
      try (SseStream resumed = gateway.open(Map.of("project", "p-slow"), lastId)) {
        List<String> rest = new ArrayList<>();
        while (!rest.contains("slow-end")) {
          resumed.events(1, seconds(30)).forEach(m -> rest.add(eventId(m.data())));
        }
        List<String> all = new ArrayList<>(got);
        all.addAll(rest);
        assertThat(all).containsExactlyElementsOf(posted);
      }
    }
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed in the head: " + head);
      }
      head.append((char) b);
    }
    return head.toString();
  }

  /** One chunk of a chunked body into {@code body}; false at the last (empty) chunk or the end of the stream. */
  private static boolean readChunk(InputStream in, ByteArrayOutputStream body) throws IOException {
    StringBuilder size = new StringBuilder();
    int b;
    while ((b = in.read()) != '\n') {
      if (b < 0) {
        return false;
      }
      if (b != '\r') {
        size.append((char) b);
      }
    }
    int n = Integer.parseInt(size.toString().strip(), 16);
    byte[] data = in.readNBytes(n + 2);
    body.write(data, 0, Math.min(n, data.length));
    return n > 0 && data.length == n + 2;
  }

  /** Each message of an SSE body as {event, id, data}; comments and empty messages left out. */
  private static List<String[]> messages(String text) {
    List<String[]> out = new ArrayList<>();
    for (String block : text.split("\n\n")) {
      String event = null;
      String id = null;
      String data = null;
      for (String line : block.split("\n")) {
        if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("id: ")) {
          id = line.substring(4);
        } else if (line.startsWith("data: ")) {
          data = line.substring(6);
        }
      }
      if (data != null || id != null) {
        out.add(new String[] {event, id, data});
      }
    }
    return out;
  }
}
