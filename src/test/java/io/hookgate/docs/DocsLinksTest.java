package io.hookgate.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every relative link and anchor of the documentation resolves, so that moving a section or renaming a
 * heading cannot leave a reader at a dead end: README.md, DEVELOPMENT.md, bench/README.md and docs/.
 * Tests run from the repository's root (Maven's basedir).
 */
class DocsLinksTest {

  @Test
  void everyRelativeLinkAndAnchorOfTheDocumentationResolves() throws IOException {
    Path root = Path.of("").toAbsolutePath();
    List<Path> files = documentation(root);
    assertThat(files).as("the documentation files").contains(root.resolve("README.md"),
        root.resolve("DEVELOPMENT.md"), root.resolve("bench/README.md"), root.resolve("docs/README.md"));

    List<String> broken = new LinkChecker(root).brokenLinks(files);

    assertThat(broken)
        .withFailMessage("Broken links in the documentation (file:line: link: why):%n%s", String.join("\n", broken))
        .isEmpty();
  }

  @Test
  void aBrokenFileLinkAnAnchorOrAReferenceIsReportedWithItsLine(@TempDir Path root) throws IOException {
    Files.createDirectories(root.resolve("docs"));
    Files.writeString(root.resolve("docs/other.md"), "# Other page\n\n## Kept section\n");
    Files.writeString(root.resolve("README.md"), """
        # Title

        [fine](docs/other.md#kept-section) and [fine too](#title), [web](https://example.com/missing)
        [gone](docs/missing.md)
        [moved](docs/other.md#old-section)
        [here](#no-such-heading) and `[in code](nowhere.md)`
        [undefined][nolabel]
        ```
        [in a fence](nowhere.md)
        ```
        [defined][ok]

        [ok]: docs/
        """);

    List<String> broken = new LinkChecker(root).brokenLinks(List.of(root.resolve("README.md")));

    assertThat(broken).containsExactly(
        "README.md:4: docs/missing.md: no such file or directory (docs/missing.md)",
        "README.md:5: docs/other.md#old-section: no heading or <a id> makes the anchor #old-section in docs/other.md",
        "README.md:6: #no-such-heading: no heading or <a id> makes the anchor #no-such-heading in README.md",
        "README.md:7: [nolabel]: undefined reference: no definition of this reference");
  }

  @Test
  void anchorsFollowGitHubRules() {
    MarkdownFile file = MarkdownFile.parse(Path.of("x.md"), """
        # Durability: what a 202 means
        ## `data` fields
        ## The record's own cost (Bce)
        ## Trace context (OpenTelemetry)
        ## Examples
        ## Examples
        ### Examples
        ## See [the API](api.md) -> *now*
        Setext heading
        --------------
        <a id="explicit-anchor"></a>
        ```
        # not a heading
        ```
        """);

    assertThat(file.anchors()).containsExactly("durability-what-a-202-means", "data-fields",
        "the-records-own-cost-bce", "trace-context-opentelemetry", "examples", "examples-1", "examples-2",
        "see-the-api---now", "setext-heading", "explicit-anchor");
  }

  private static List<Path> documentation(Path root) throws IOException {
    List<Path> files = new ArrayList<>(List.of(root.resolve("README.md"), root.resolve("DEVELOPMENT.md"),
        root.resolve("bench/README.md")));
    try (Stream<Path> docs = Files.walk(root.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    return files;
  }
}
