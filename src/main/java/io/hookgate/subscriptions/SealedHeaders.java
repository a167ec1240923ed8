package io.hookgate.subscriptions;

import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;

/** A subscription's header values as read from Kafka: their names known at once, their values on first use. */
final class SealedHeaders extends AbstractMap<String, String> {
  private final Set<String> names;
  private final Sealed<Map<String, String>> values;

  SealedHeaders(Set<String> names, Sealed<Map<String, String>> values) {
    this.names = Set.copyOf(names);
    this.values = values;
  }

  /** The names, without decrypting anything (what the API shows, masked). */
  @Override
  public Set<String> keySet() {
    return names;
  }

  @Override
  public boolean containsKey(Object key) {
    return names.contains(key);
  }

  @Override
  public Set<Entry<String, String>> entrySet() {
    return values.get().entrySet();
  }

  @Override
  public String get(Object key) {
    return values.get().get(key);
  }

  @Override
  public int size() {
    return values.get().size();
  }
}
