package io.hookgate.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Resolves the relative links of Markdown files inside one repository, as GitHub does: a path relative to
 * the file (or, with a leading {@code /}, to the repository's root) must name a file or directory of the
 * repository, and an {@code #anchor} into a Markdown file must be one of that file's anchors. Web links
 * (http, https, mailto) are not followed.
 */
final class LinkChecker {
  private final Path root;
  private final Map<Path, MarkdownFile> parsed = new HashMap<>();

  LinkChecker(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /** Every broken link of the files, as {@code file:line: destination: why}, in file and line order. */
  List<String> brokenLinks(List<Path> files) {
    List<String> broken = new ArrayList<>();
    for (Path file : files) {
      MarkdownFile markdown = markdown(file.toAbsolutePath().normalize());
      for (MarkdownFile.Link link : markdown.links()) {
        String problem = problem(markdown.path(), link.destination());
        if (problem != null) {
          broken.add(root.relativize(markdown.path()) + ":" + link.line() + ": " + link.destination() + ": " + problem);
        }
      }
    }
    return broken;
  }

  private String problem(Path file, String destination) {
    String lower = destination.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("mailto:")) {
      return null;
    }
    if (destination.endsWith(": undefined reference")) {
      return "no definition of this reference";
    }
    int hash = destination.indexOf('#');
    String path = hash < 0 ? destination : destination.substring(0, hash);
    String anchor = hash < 0 ? "" : decode(destination.substring(hash + 1));
    int query = path.indexOf('?');
    path = decode(query < 0 ? path : path.substring(0, query));
    Path target = path.isEmpty() ? file
        : (path.startsWith("/") ? root.resolve(path.substring(1)) : file.getParent().resolve(path)).normalize();
    if (!target.startsWith(root)) {
      return "points outside the repository";
    }
    if (!Files.exists(target)) {
      return "no such file or directory (" + root.relativize(target) + ")";
    }
    if (hash < 0 || !Files.isRegularFile(target) || !target.toString().endsWith(".md")) {
      return null; // anchors of other files (GitHub's #L10 line anchors) are not checked
    }
    if (!markdown(target).anchors().contains(anchor)) {
      return "no heading or <a id> makes the anchor #" + anchor + " in " + root.relativize(target);
    }
    return null;
  }

  private MarkdownFile markdown(Path file) {
    return parsed.computeIfAbsent(file, f -> {
      try {
        return MarkdownFile.read(f);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  private static String decode(String text) {
    return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
