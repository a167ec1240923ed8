package io.hookgate.bench;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a server's time and allocations go, from a JFR recording of one measured phase (run.sh
 * --profile): CPU samples per thread, per library (the nearest non-JDK frame decides, so a HashMap lookup
 * inside Jackson counts as Jackson), the hottest methods of the event loop, hookgate's own methods
 * inclusive of what they call, allocated bytes per request and GC pauses. Prints Markdown.
 *
 * <p>Arguments: recording file, scenario label, number of requests served in the measured phase, and the
 * phase's start and end (epoch seconds, decimals allowed): the recording covers the JVM's whole life, and
 * only events inside the phase count.
 */
public final class JfrHotspots {
  private static final int TOP = 20;

  /** Package prefix to library name; first match wins, so more specific prefixes come first. */
  private static final List<String[]> LIBRARIES = List.of(
      new String[] {"io.hookgate.bench.", "bench handler"},
      new String[] {"io.hookgate.ingress.auth.", "hookgate auth"},
      new String[] {"io.hookgate.ingress.source.", "hookgate normalize"},
      new String[] {"io.hookgate.ingress.", "hookgate ingress"},
      new String[] {"io.hookgate.event.", "hookgate event (CloudEvent, id, publish)"},
      new String[] {"io.hookgate.metrics.", "hookgate metrics"},
      new String[] {"io.hookgate.", "hookgate other"},
      new String[] {"io.cloudevents.", "cloudevents sdk"},
      new String[] {"com.fasterxml.jackson.", "jackson"},
      new String[] {"io.micrometer.", "micrometer"},
      new String[] {"ch.qos.logback.", "logback"},
      new String[] {"org.slf4j.", "slf4j"},
      new String[] {"org.apache.kafka.", "kafka-clients"},
      new String[] {"io.vertx.kafka.", "vertx-kafka-client"},
      new String[] {"io.vertx.ext.web.", "vertx-web (router)"},
      new String[] {"io.vertx.", "vertx-core"},
      new String[] {"io.netty.", "netty"},
      new String[] {"sun.security.", "jdk crypto"},
      new String[] {"java.security.", "jdk crypto"},
      new String[] {"com.sun.crypto.", "jdk crypto"});

  /** Calls worth seeing inclusive of their callees on the event loop, matched on "class.method" suffixes. */
  private static final List<String> WATCHED = List.of(
      "KafkaProducer.send", "KafkaProducer.doSend", ".setTimer", ".cancelTimer", "UUID.randomUUID",
      "RouterImpl.handle", "ObjectMapper.readTree", "ObjectMapper.writeValueAsBytes", "ObjectMapper.writeValueAsString",
      "EventIds.fromBody", "GatewayMetrics.request", "GatewayMetrics.publishLatency", "Logger.info",
      "LoggingEventBuilder.log", "HttpServerResponse.end", "Http1xServerResponse.end", "runOnContext");

  private JfrHotspots() {
  }

  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0]);
    String label = args.length > 1 ? args[1] : file.getFileName().toString();
    long requests = args.length > 2 ? Long.parseLong(args[2]) : 0;
    Instant from = args.length > 4 ? epoch(args[3]) : Instant.MIN;
    Instant to = args.length > 4 ? epoch(args[4]) : Instant.MAX;

    Map<String, Long> byThread = new HashMap<>();
    Map<String, Long> byLibrary = new HashMap<>();
    Map<String, Long> loopByLibrary = new HashMap<>();
    Map<String, Long> loopSelf = new HashMap<>();
    Map<String, Long> hookgateInclusive = new HashMap<>();
    Map<String, Long> libraryInclusive = new HashMap<>();
    Map<String, Long> watched = new HashMap<>();
    Map<String, Long> allocByLibrary = new HashMap<>();
    Map<String, Long> allocByClass = new HashMap<>();
    long samples = 0;
    long loopSamples = 0;
    long allocated = 0;
    long gcCount = 0;
    Duration gcPauses = Duration.ZERO;

    for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
      if (e.getStartTime().isBefore(from) || e.getStartTime().isAfter(to)) {
        continue;
      }
      String type = e.getEventType().getName();
      switch (type) {
        case "jdk.ExecutionSample" -> {
          RecordedStackTrace st = e.getStackTrace();
          if (st == null) {
            continue;
          }
          samples++;
          String thread = threadGroup(e.getThread("sampledThread"));
          byThread.merge(thread, 1L, Long::sum);
          String library = library(st.getFrames());
          byLibrary.merge(library, 1L, Long::sum);
          if (thread.equals("vert.x-eventloop")) {
            loopSamples++;
            loopByLibrary.merge(library, 1L, Long::sum);
            if (!st.getFrames().isEmpty()) {
              loopSelf.merge(name(st.getFrames().get(0)), 1L, Long::sum);
            }
            Set<String> seen = new HashSet<>();
            for (RecordedFrame f : st.getFrames()) {
              String n = name(f);
              if (!seen.add(n)) {
                continue;
              }
              if (n.startsWith("io.hookgate.")) {
                hookgateInclusive.merge(n, 1L, Long::sum);
              }
              String lib = libraryOf(f.getMethod().getType().getName());
              if (lib != null && seen.add("lib:" + lib)) {
                libraryInclusive.merge(lib, 1L, Long::sum);
              }
              for (String w : WATCHED) {
                if (n.endsWith(w) && seen.add("watch:" + w)) {
                  watched.merge(w.startsWith(".") ? w.substring(1) : w, 1L, Long::sum);
                }
              }
            }
          }
        }
        case "jdk.ObjectAllocationSample" -> {
          long weight = e.getLong("weight");
          allocated += weight;
          RecordedStackTrace st = e.getStackTrace();
          allocByLibrary.merge(st == null ? "?" : library(st.getFrames()), weight, Long::sum);
          allocByClass.merge(e.getClass("objectClass").getName(), weight, Long::sum);
        }
        case "jdk.GarbageCollection" -> {
          gcCount++;
          gcPauses = gcPauses.plus(e.getDuration("sumOfPauses"));
        }
        default -> {
        }
      }
    }

    StringBuilder out = new StringBuilder();
    out.append("#### Profile of ").append(label).append(String.format(Locale.ROOT,
        " (%d CPU samples, %d on the event loop)%n%n", samples, loopSamples));
    table(out, "CPU samples by thread", byThread, samples, TOP);
    table(out, "CPU samples by library (all threads; nearest non-JDK frame)", byLibrary, samples, TOP);
    table(out, "Event loop: CPU samples by library", loopByLibrary, loopSamples, TOP);
    table(out, "Event loop: samples with the library anywhere on the stack (inclusive)", libraryInclusive, loopSamples,
        TOP);
    table(out, "Event loop: hottest methods (self)", loopSelf, loopSamples, TOP);
    table(out, "Event loop: selected calls, inclusive of their callees", watched, loopSamples, TOP);
    if (!hookgateInclusive.isEmpty()) {
      table(out, "Event loop: hookgate methods, inclusive of their callees", hookgateInclusive, loopSamples, TOP);
    }
    if (requests > 0) {
      out.append(String.format(Locale.ROOT,
          "Allocated (sampled estimate): %.1f MB, %.1f KB per request; GC: %d collections, %d ms of pauses (%.2f ms per 1000 requests)%n%n",
          allocated / 1e6, allocated / 1024.0 / requests, gcCount, gcPauses.toMillis(),
          gcPauses.toNanos() / 1e6 * 1000 / requests));
    }
    table(out, "Allocation by library (bytes, sampled)", allocByLibrary, allocated, 12);
    table(out, "Allocation by class (bytes, sampled)", allocByClass, allocated, 12);
    System.out.print(out);
  }

  private static Instant epoch(String seconds) {
    BigDecimal s = new BigDecimal(seconds);
    return Instant.ofEpochSecond(s.longValue(), s.remainder(BigDecimal.ONE).movePointRight(9).longValue());
  }

  private static String threadGroup(RecordedThread t) {
    if (t == null || t.getJavaName() == null) {
      return "?";
    }
    // Numbered pools collapse into one line each.
    return t.getJavaName().replaceAll("-\\d+$", "").replaceAll("-thread$", "");
  }

  private static String libraryOf(String cls) {
    for (String[] lib : LIBRARIES) {
      if (cls.startsWith(lib[0])) {
        return lib[1];
      }
    }
    return null;
  }

  private static String library(List<RecordedFrame> frames) {
    for (RecordedFrame f : frames) {
      String cls = f.getMethod().getType().getName();
      String lib = libraryOf(cls);
      if (lib != null) {
        return lib;
      }
      if (!(cls.startsWith("java.") || cls.startsWith("jdk.") || cls.startsWith("sun."))) {
        return "other: " + cls.replaceAll("\\.[^.]*$", "");
      }
    }
    return "jdk only";
  }

  private static String name(RecordedFrame f) {
    return f.getMethod().getType().getName() + "." + f.getMethod().getName();
  }

  private static void table(StringBuilder out, String title, Map<String, Long> counts, long total, int top) {
    out.append("| ").append(title).append(" | share |\n|---|---:|\n");
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(top)
        .forEach(en -> out.append(String.format(Locale.ROOT, "| %s | %.1f%% |%n",
            en.getKey().replace("|", "\\|"), total == 0 ? 0.0 : 100.0 * en.getValue() / total)));
    out.append('\n');
  }
}
