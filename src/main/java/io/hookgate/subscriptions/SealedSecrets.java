package io.hookgate.subscriptions;

import java.util.AbstractList;
import java.util.List;

/** A subscription's signing secrets as read from Kafka, decrypted on first use. */
final class SealedSecrets extends AbstractList<SigningSecret> {
  private final Sealed<List<SigningSecret>> values;

  SealedSecrets(Sealed<List<SigningSecret>> values) {
    this.values = values;
  }

  @Override
  public SigningSecret get(int index) {
    return values.get().get(index);
  }

  @Override
  public int size() {
    return values.get().size();
  }
}
