package io.hookgate.config;

import java.util.List;
import java.util.Optional;

/**
 * A sender's timestamped signature scheme by name ({@code auth.preset}), so that a source need not spell out
 * its header and keys. Keys given next to a preset override it.
 *
 * @param name as written in the configuration
 * @param header the header carrying {@code t=<unix seconds>,v1=<hex>}
 */
public record SignaturePreset(String name, String header, String timestampKey, String signatureKey,
    SignedContent signedContent) {

  /** V7 Darwin's {@code v7-signature}, keyed with the team's {@code webhook_signing_key}. */
  public static final SignaturePreset V7 = new SignaturePreset("v7", "v7-signature", "t", "v1",
      SignedContent.TIMESTAMP_DOT_BODY);
  /** Stripe's {@code Stripe-Signature}, keyed with the endpoint's {@code whsec_...} secret as it is. */
  public static final SignaturePreset STRIPE = new SignaturePreset("stripe", "Stripe-Signature", "t", "v1",
      SignedContent.TIMESTAMP_DOT_BODY);
  public static final List<SignaturePreset> ALL = List.of(V7, STRIPE);

  /** The keys of every preset when none is named: only the header must then be given. */
  public static final SignaturePreset NONE = new SignaturePreset("", null, "t", "v1", SignedContent.TIMESTAMP_DOT_BODY);

  public static Optional<SignaturePreset> named(String name) {
    return ALL.stream().filter(p -> p.name.equals(name)).findFirst();
  }

  public static List<String> names() {
    return ALL.stream().map(SignaturePreset::name).toList();
  }
}
