package io.hookgate.bench.actions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the gateway's CPU goes in the pipeline phase, from a JFR recording (run-actions.sh --profile):
 * CPU samples per thread, per pipeline stage (the nearest hookgate frame on the stack decides: a Jackson
 * call made by the actions consumer counts as actions), per library (the nearest non-JDK frame), the
 * hottest methods, hookgate methods inclusive of their callees, allocation per action and GC pauses.
 * Prints Markdown.
 *
 * <p>Arguments: recording file, number of actions that reached the sink during the measured window. When
 * a file {@code <recording>.window} holds the window's start and end (epoch milliseconds, written by
 * {@link ActionsDriver}), only the events inside it count.
 */
public final class ActionsProfile {
  private static final int TOP = 25;

  private static final List<String[]> STAGES = List.of(
      new String[] {"io.hookgate.ingress.", "ingress (HTTP, auth, normalize)"},
      new String[] {"io.hookgate.event.", "event (CloudEvent, publish)"},
      new String[] {"io.hookgate.rules.", "rules (consume events, CEL, write actions)"},
      new String[] {"io.hookgate.actions.", "actions (consume, call, outcome)"},
      new String[] {"io.hookgate.delivery.", "delivery status"},
      new String[] {"io.hookgate.metrics.", "metrics"},
      new String[] {"io.hookgate.health.", "health"},
      new String[] {"io.hookgate.", "hookgate other"});

  private static final List<String[]> LIBRARIES = List.of(
      new String[] {"io.hookgate.", "hookgate"},
      new String[] {"dev.cel.", "cel"},
      new String[] {"com.google.protobuf.", "protobuf (cel)"},
      new String[] {"com.google.", "guava (cel)"},
      new String[] {"io.cloudevents.", "cloudevents sdk"},
      new String[] {"com.fasterxml.jackson.", "jackson"},
      new String[] {"io.micrometer.", "micrometer"},
      new String[] {"ch.qos.logback.", "logback"},
      new String[] {"org.slf4j.", "slf4j"},
      new String[] {"org.apache.kafka.", "kafka-clients"},
      new String[] {"io.vertx.ext.web.client.", "vertx-web-client"},
      new String[] {"io.vertx.ext.web.", "vertx-web"},
      new String[] {"io.vertx.", "vertx-core"},
      new String[] {"io.netty.", "netty"},
      new String[] {"sun.security.", "jdk crypto"},
      new String[] {"java.security.", "jdk crypto"},
      new String[] {"com.sun.crypto.", "jdk crypto"},
      new String[] {"javax.crypto.", "jdk crypto"});

  private ActionsProfile() {
  }

  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0]);
    long actions = args.length > 1 ? Long.parseLong(args[1]) : 0;
    Instant from = Instant.MIN;
    Instant to = Instant.MAX;
    Path windowFile = Path.of(args[0] + ".window");
    if (Files.exists(windowFile)) {
      String[] w = Files.readString(windowFile).trim().split(" ");
      from = Instant.ofEpochMilli(Long.parseLong(w[0]));
      to = Instant.ofEpochMilli(Long.parseLong(w[1]));
    }
    Map<Long, Long> usedBeforeGc = new TreeMap<>();
    Map<Long, Long> usedAfterGc = new TreeMap<>();
    Map<String, Long> byThread = new HashMap<>();
    Map<String, Long> byStage = new HashMap<>();
    Map<String, Long> byLibrary = new HashMap<>();
    Map<String, Long> selfMethods = new HashMap<>();
    Map<String, Long> hookgateInclusive = new HashMap<>();
    Map<String, Long> allocByStage = new HashMap<>();
    long samples = 0;
    long sampledAllocation = 0;
    long gcCount = 0;
    Duration gcPauses = Duration.ZERO;
    Duration recorded = Duration.ZERO;
    Instant first = null;
    Instant lastSeen = null;
    try (RecordingFile recording = new RecordingFile(file)) {
      while (recording.hasMoreEvents()) {
        RecordedEvent e = recording.readEvent();
        if (e.getStartTime().isBefore(from) || e.getStartTime().isAfter(to)) {
          continue;
        }
        String type = e.getEventType().getName();
        if (first == null || e.getStartTime().isBefore(first)) {
          first = e.getStartTime();
        }
        if (lastSeen == null || e.getEndTime().isAfter(lastSeen)) {
          lastSeen = e.getEndTime();
        }
        switch (type) {
          case "jdk.ExecutionSample" -> {
            samples++;
            RecordedThread t = e.getThread("sampledThread");
            String thread = t == null ? "?" : ActionsDriver.group(String.valueOf(t.getJavaName()));
            byThread.merge(thread, 1L, Long::sum);
            RecordedStackTrace st = e.getStackTrace();
            List<RecordedFrame> frames = st == null ? List.of() : st.getFrames();
            byStage.merge(stage(frames, thread), 1L, Long::sum);
            byLibrary.merge(library(frames), 1L, Long::sum);
            if (!frames.isEmpty()) {
              selfMethods.merge(name(frames.get(0)), 1L, Long::sum);
            }
            Set<String> seen = new HashSet<>();
            for (RecordedFrame f : frames) {
              String n = name(f);
              if (n.startsWith("io.hookgate.") && seen.add(n)) {
                hookgateInclusive.merge(n, 1L, Long::sum);
              }
            }
          }
          case "jdk.ObjectAllocationSample" -> {
            // The weight spreads the thread's allocation over its samples: right in proportion, so used
            // for the split by stage only; the total comes from the per-thread counters below.
            long weight = e.getLong("weight");
            sampledAllocation += weight;
            RecordedStackTrace st = e.getStackTrace();
            RecordedThread t = e.getThread("eventThread");
            String thread = t == null ? "?" : String.valueOf(t.getJavaName());
            allocByStage.merge(stage(st == null ? List.of() : st.getFrames(), thread), weight, Long::sum);
          }
          case "jdk.GCHeapSummary" -> {
            long gcId = e.getLong("gcId");
            long used = e.getLong("heapUsed");
            if ("Before GC".equals(e.getString("when"))) {
              usedBeforeGc.put(gcId, used);
            } else {
              usedAfterGc.put(gcId, used);
            }
          }
          case "jdk.GarbageCollection" -> {
            gcCount++;
            gcPauses = gcPauses.plus(e.getDuration("sumOfPauses"));
          }
          default -> {
          }
        }
      }
    }
    if (first != null) {
      recorded = Duration.between(first, lastSeen);
    }
    StringBuilder out = new StringBuilder("## Where the gateway's CPU goes (JFR, pipeline, last round)\n\n");
    out.append(String.format(Locale.ROOT, "%d CPU samples over %.1f s; %d actions reached the sink while "
        + "recording.%n%n", samples, recorded.toMillis() / 1000.0, actions));
    table(out, "By thread", "thread", byThread, samples);
    table(out, "By pipeline stage (nearest hookgate frame on the stack; else by thread)", "stage", byStage, samples);
    table(out, "By library (nearest non-JDK frame)", "library", byLibrary, samples);
    table(out, "Hottest methods (self)", "method", selfMethods, samples);
    table(out, "hookgate methods, inclusive of what they call", "method", hookgateInclusive, samples);
    // What was allocated between two collections: the heap before a GC minus the heap after the one before.
    long allocated = 0;
    Long previousAfter = null;
    for (Map.Entry<Long, Long> e : usedBeforeGc.entrySet()) {
      if (previousAfter != null) {
        allocated += e.getValue() - previousAfter;
      }
      previousAfter = usedAfterGc.get(e.getKey());
    }
    if (actions > 0 && allocated > 0) {
      out.append(String.format(Locale.ROOT, "Allocation: about %.0f KB per action (heap used before each "
          + "collection minus after the previous one, over the window). ", allocated / 1024.0 / actions));
    }
    out.append(String.format(Locale.ROOT, "GC: %d collections, %d ms of pauses in total.%n%n", gcCount,
        gcPauses.toMillis()));
    table(out, "Allocation by stage (share of the sampled allocation)", "stage", allocByStage, sampledAllocation);
    System.out.print(out);
  }

  private static String stage(List<RecordedFrame> frames, String thread) {
    for (RecordedFrame f : frames) {
      String type = f.getMethod().getType().getName();
      for (String[] s : STAGES) {
        if (type.startsWith(s[0])) {
          return s[1];
        }
      }
    }
    if (thread.startsWith("kafka-producer-network-thread")) {
      return "Kafka producer I/O (" + thread.replace("kafka-producer-network-thread | ", "") + ")";
    }
    if (thread.startsWith("hookgate-") || thread.contains("consumer")) {
      return "Kafka consumer (" + thread + ")";
    }
    if (thread.startsWith("vert.x-eventloop")) {
      return "event loop, no hookgate frame (netty I/O, Vert.x)";
    }
    return "other (" + thread + ")";
  }

  private static String library(List<RecordedFrame> frames) {
    for (RecordedFrame f : frames) {
      String type = f.getMethod().getType().getName();
      for (String[] l : LIBRARIES) {
        if (type.startsWith(l[0])) {
          return l[1];
        }
      }
    }
    return "JDK only";
  }

  private static String name(RecordedFrame f) {
    String type = f.getMethod().getType().getName();
    return type + "." + f.getMethod().getName();
  }

  private static void table(StringBuilder out, String title, String column, Map<String, Long> counts, long total) {
    out.append("**").append(title).append("**\n\n| ").append(column).append(" | % |\n|---|---:|\n");
    counts.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(TOP)
        .forEach(e -> out.append("| ").append(e.getKey().replace("|", "\\|")).append(" | ")
            .append(String.format(Locale.ROOT, "%.1f", total > 0 ? 100.0 * e.getValue() / total : 0)).append(" |\n"));
    out.append('\n');
  }
}
