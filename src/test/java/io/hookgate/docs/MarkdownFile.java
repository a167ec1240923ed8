package io.hookgate.docs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Markdown file read the way GitHub renders its links: the anchors its headings (and {@code <a id>} /
 * {@code <a name>} tags) make, and every link destination it holds with its line. Fenced code blocks, code
 * spans and HTML comments hold no links and no headings, so they are blanked before the scan (keeping line
 * breaks, so that line numbers stay right).
 */
record MarkdownFile(Path path, Set<String> anchors, List<Link> links) {

  /** A link destination as written ({@code path#anchor}, {@code #anchor}, a URL), and the line it is on. */
  record Link(int line, String destination) {
  }

  private static final Pattern FENCE = Pattern.compile("^\\s*(`{3,}|~{3,})");
  private static final Pattern ATX = Pattern.compile("^ {0,3}#{1,6}(?:[ \\t]+(.*?))?(?:[ \\t]+#+)?[ \\t]*$");
  private static final Pattern SETEXT = Pattern.compile("^ {0,3}(?:=+|-+)[ \\t]*$");
  private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s[^>]*?\\b(?:id|name)\\s*=\\s*[\"']([^\"']+)[\"']",
      Pattern.CASE_INSENSITIVE);
  // ](destination "optional title"): the destination may be <bracketed> or hold balanced parentheses.
  private static final Pattern INLINE_LINK = Pattern.compile("\\]\\(\\s*"
      + "(<[^>\\n]*>|[^\\s()<>]*(?:\\([^\\s()]*\\)[^\\s()<>]*)*)"
      + "(?:\\s+(?:\"[^\"]*\"|'[^']*'|\\([^)]*\\)))?\\s*\\)");
  private static final Pattern REFERENCE_DEFINITION = Pattern
      .compile("(?m)^ {0,3}\\[([^\\]\\n]+)\\]:[ \\t]*(<[^>\\n]*>|\\S+)");
  private static final Pattern REFERENCE_USE = Pattern
      .compile("(?<![\\]\\\\])\\[([^\\[\\]\\n]+)\\]\\[([^\\[\\]\\n]*)\\]");
  private static final Pattern HTML_COMMENT = Pattern.compile("<!--.*?-->", Pattern.DOTALL);

  static MarkdownFile read(Path path) throws IOException {
    return parse(path, Files.readString(path, StandardCharsets.UTF_8));
  }

  static MarkdownFile parse(Path path, String text) {
    String[] lines = text.split("\n", -1);
    boolean[] code = fencedLines(lines);
    Set<String> anchors = headingAnchors(lines, code);
    StringBuilder prose = new StringBuilder();
    for (int i = 0; i < lines.length; i++) {
      prose.append(code[i] ? "" : lines[i]).append('\n');
    }
    String scan = blankCodeSpans(blank(prose.toString(), HTML_COMMENT));
    Matcher a = HTML_ANCHOR.matcher(scan);
    while (a.find()) {
      anchors.add(a.group(1));
    }
    return new MarkdownFile(path, anchors, links(scan));
  }

  /** GitHub's anchor for a heading: lower case, punctuation but - and _ removed, spaces to hyphens. */
  static String slug(String heading) {
    String text = heading
        .replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1") // links and images: their text
        .replaceAll("\\[([^\\]]*)\\]\\[[^\\]]*\\]", "$1")
        .replaceAll("<[^>]+>", "")                       // HTML tags
        .strip()
        .toLowerCase(Locale.ROOT);
    StringBuilder slug = new StringBuilder();
    text.codePoints().forEach(c -> {
      if (c == ' ') {
        slug.append('-');
      } else if (c == '-' || c == '_' || Character.isLetterOrDigit(c)) {
        slug.appendCodePoint(c);
      }
    });
    return slug.toString();
  }

  private static boolean[] fencedLines(String[] lines) {
    boolean[] code = new boolean[lines.length];
    String fence = null;
    for (int i = 0; i < lines.length; i++) {
      Matcher m = FENCE.matcher(lines[i]);
      if (fence == null && m.find()) {
        fence = m.group(1);
        code[i] = true;
      } else if (fence != null) {
        code[i] = true;
        String line = lines[i].strip();
        char mark = fence.charAt(0);
        if (line.startsWith(fence) && line.chars().allMatch(c -> c == mark)) {
          fence = null;
        }
      }
    }
    return code;
  }

  private static Set<String> headingAnchors(String[] lines, boolean[] code) {
    Set<String> anchors = new LinkedHashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < lines.length; i++) {
      if (code[i]) {
        continue;
      }
      String heading = null;
      Matcher atx = ATX.matcher(lines[i]);
      if (atx.matches()) {
        heading = atx.group(1) == null ? "" : atx.group(1);
      } else if (i > 0 && !code[i - 1] && SETEXT.matcher(lines[i]).matches() && isParagraphLine(lines[i - 1])) {
        heading = lines[i - 1];
      }
      if (heading != null) {
        anchors.add(unique(slug(heading), seen));
      }
    }
    return anchors;
  }

  private static boolean isParagraphLine(String line) {
    return !line.isBlank() && !ATX.matcher(line).matches() && !line.strip().startsWith("|")
        && !line.strip().startsWith("- ") && !SETEXT.matcher(line).matches();
  }

  /** The first heading of a text keeps its slug; later ones get -1, -2... as GitHub numbers them. */
  private static String unique(String slug, Map<String, Integer> seen) {
    String candidate = slug;
    while (seen.containsKey(candidate)) {
      int n = seen.merge(slug, 1, Integer::sum);
      candidate = slug + "-" + n;
    }
    seen.putIfAbsent(candidate, 0);
    return candidate;
  }

  private static List<Link> links(String scan) {
    List<Link> links = new ArrayList<>();
    Matcher inline = INLINE_LINK.matcher(scan);
    while (inline.find()) {
      links.add(new Link(lineOf(scan, inline.start(1)), unbracket(inline.group(1))));
    }
    Set<String> labels = new LinkedHashSet<>();
    Matcher definition = REFERENCE_DEFINITION.matcher(scan);
    while (definition.find()) {
      labels.add(label(definition.group(1)));
      links.add(new Link(lineOf(scan, definition.start(2)), unbracket(definition.group(2))));
    }
    Matcher use = REFERENCE_USE.matcher(scan);
    while (use.find()) {
      String label = use.group(2).isBlank() ? use.group(1) : use.group(2);
      if (!labels.contains(label(label))) {
        // Rendered as plain text: report it as a link to nothing, so that the checker names it.
        links.add(new Link(lineOf(scan, use.start()), "[" + label + "]: undefined reference"));
      }
    }
    links.sort((x, y) -> Integer.compare(x.line(), y.line()));
    return links;
  }

  private static String label(String label) {
    return label.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
  }

  private static String unbracket(String destination) {
    return destination.startsWith("<") ? destination.substring(1, destination.length() - 1) : destination;
  }

  private static int lineOf(String text, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  private static String blank(String text, Pattern pattern) {
    Matcher m = pattern.matcher(text);
    StringBuilder out = new StringBuilder(text);
    while (m.find()) {
      for (int i = m.start(); i < m.end(); i++) {
        if (out.charAt(i) != '\n') {
          out.setCharAt(i, ' ');
        }
      }
    }
    return out.toString();
  }

  /** Code spans: a run of n backticks up to the next run of exactly n, within one paragraph. */
  private static String blankCodeSpans(String text) {
    StringBuilder out = new StringBuilder(text);
    int i = 0;
    while (i < text.length()) {
      if (text.charAt(i) != '`' || (i > 0 && text.charAt(i - 1) == '\\')) {
        i++;
        continue;
      }
      int n = run(text, i);
      int close = closingRun(text, i + n, n);
      if (close < 0) {
        i += n;
        continue;
      }
      for (int j = i; j < close + n; j++) {
        if (out.charAt(j) != '\n') {
          out.setCharAt(j, ' ');
        }
      }
      i = close + n;
    }
    return out.toString();
  }

  private static int closingRun(String text, int from, int n) {
    int paragraphEnd = text.indexOf("\n\n", from);
    int end = paragraphEnd < 0 ? text.length() : paragraphEnd;
    int j = from;
    while (j < end) {
      if (text.charAt(j) == '`') {
        int length = run(text, j);
        if (length == n) {
          return j;
        }
        j += length;
      } else {
        j++;
      }
    }
    return -1;
  }

  private static int run(String text, int at) {
    int end = at;
    while (end < text.length() && text.charAt(end) == '`') {
      end++;
    }
    return end - at;
  }
}
