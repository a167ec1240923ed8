package io.hookgate.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the human forms used in the config file: durations ({@code 5s}, {@code 250ms}) and sizes ({@code 1MiB}). */
public final class Sizes {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kb|kib|mb|mib|gb|gib)?");

  private Sizes() {
  }

  public static Duration duration(String key, String text) {
    Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new ConfigException(key + ": '" + text + "' is not a duration (e.g. 500ms, 5s, 2m, 1h)");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "ms" : m.group(2);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  public static long bytes(String key, String text) {
    Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new ConfigException(key + ": '" + text + "' is not a size (e.g. 1048576, 512KiB, 1MiB)");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2);
    return switch (unit) {
      case "kb" -> n * 1000;
      case "kib" -> n * 1024;
      case "mb" -> n * 1000 * 1000;
      case "mib" -> n * 1024 * 1024;
      case "gb" -> n * 1000 * 1000 * 1000;
      case "gib" -> n * 1024 * 1024 * 1024;
      default -> n;
    };
  }
}
