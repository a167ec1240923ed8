package io.hookgate.bench.actions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CPU time from Linux's /proc, as run.sh reads it: of a process, of each of its threads, and of a core or
 * the whole machine. Ticks are USER_HZ (getconf CLK_TCK, 100 on Linux).
 */
public final class ProcStats {
  /** A thread line of {@code jcmd <pid> Thread.print}: its full name and its native id. */
  private static final Pattern THREAD_LINE = Pattern.compile("^\"(.*)\" .*\\bnid=(0x[0-9a-fA-F]+)\\b.*");

  private ProcStats() {
  }

  /** utime + stime of a process (all its threads), 0 when it is gone. */
  public static long processTicks(long pid) {
    return statTicks(Path.of("/proc", Long.toString(pid), "stat"));
  }

  /** utime + stime per thread id of a process. */
  public static Map<Long, Long> threadTicks(long pid) {
    Map<Long, Long> out = new HashMap<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks) {
        long ticks = statTicks(task.resolve("stat"));
        out.put(Long.parseLong(task.getFileName().toString()), ticks);
      }
    } catch (IOException | RuntimeException e) {
      // The process ended: no threads.
    }
    return out;
  }

  /** The kernel's 15-character name of a thread, or "?" when it is gone. */
  static String threadComm(long pid, long tid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "task", Long.toString(tid), "comm"),
          StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "?";
    }
  }

  /**
   * Full Java thread names by native thread id, from {@code jcmd <pid> Thread.print} (the kernel keeps only
   * 15 characters, so the three Kafka producers of a gateway would all be "kafka-producer-"). Empty when
   * jcmd fails.
   */
  static Map<Long, String> javaThreadNames(long pid, String cpus) {
    Map<Long, String> names = new HashMap<>();
    try {
      Process p = new ProcessBuilder(List.of("taskset", "-c", cpus, "jcmd", Long.toString(pid), "Thread.print"))
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(30, TimeUnit.SECONDS);
      for (String line : out.split("\n")) {
        Matcher m = THREAD_LINE.matcher(line);
        if (m.matches()) {
          names.put(Long.parseLong(m.group(2).substring(2), 16), m.group(1));
        }
      }
    } catch (IOException e) {
      // No names: the kernel's short ones are used.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return names;
  }

  /** Busy and total ticks of one line of /proc/stat: "cpu" for the machine, "cpu0" for core 0. */
  public static long[] cpuTicks(String cpu) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
        String[] f = line.trim().split("\\s+");
        if (f[0].equals(cpu)) {
          long user = Long.parseLong(f[1]);
          long nice = Long.parseLong(f[2]);
          long system = Long.parseLong(f[3]);
          long idle = Long.parseLong(f[4]);
          long iowait = Long.parseLong(f[5]);
          long irq = Long.parseLong(f[6]);
          long softirq = Long.parseLong(f[7]);
          long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
          long busy = user + nice + system + irq + softirq + steal;
          return new long[] {busy, busy + idle + iowait};
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux, or an unknown core.
    }
    return new long[] {0, 0};
  }

  /** The 1-minute load average. */
  public static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  private static long statTicks(Path stat) {
    try {
      String s = Files.readString(stat);
      // The name in parentheses may hold spaces: the fields that follow start after the last ") ".
      String[] f = s.substring(s.lastIndexOf(") ") + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
