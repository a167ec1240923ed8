package io.hookgate.actions;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The action kinds hookgate knows, by name: the one list that the rules and the action caller read. */
public final class ActionKinds {
  private final Map<String, ActionKind> byName = new LinkedHashMap<>();

  private ActionKinds(List<ActionKind> kinds) {
    kinds.forEach(k -> byName.put(k.name(), k));
  }

  /** http, graphql, slack and forward. */
  public static ActionKinds standard(ObjectMapper mapper) {
    return new ActionKinds(List.of(new HttpKind(mapper), new GraphqlKind(mapper), new SlackKind(mapper),
        new ForwardKind(mapper)));
  }

  /** The kind of this name, case-insensitively; {@code null} is http. */
  public Optional<ActionKind> get(String name) {
    return Optional.ofNullable(byName.get(name == null ? "http" : name.toLowerCase(Locale.ROOT)));
  }

  /** The names, sorted. */
  public Set<String> names() {
    return new TreeSet<>(byName.keySet());
  }
}
