package io.hookgate.ingress.source;

import java.util.List;
import java.util.Optional;

/**
 * Every {@link SourceKind} hookgate knows: adding a platform is its {@link WebhookSource} class, with its
 * {@code KIND}, and one line here.
 */
public final class SourceKinds {
  private static final List<SourceKind> ALL = List.of(
      AquariumSource.KIND,
      GenericSource.KIND,
      IsahitSource.KIND,
      KiliSource.KIND,
      V7Source.KIND);

  private SourceKinds() {
  }

  /** The kind named {@code name} in {@code sources.<source>.kind}, if there is one. */
  public static Optional<SourceKind> find(String name) {
    return ALL.stream().filter(k -> k.name().equals(name)).findFirst();
  }

  /** The kinds' names, sorted, as configuration errors list them. */
  public static List<String> names() {
    return ALL.stream().map(SourceKind::name).sorted().toList();
  }
}
