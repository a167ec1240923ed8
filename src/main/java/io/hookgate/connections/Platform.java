package io.hookgate.connections;

import io.vertx.core.Future;

/** A platform hookgate registers itself on: Kili or Isahit Lab, through the calls their SDKs make. */
interface Platform {

  /**
   * Registers {@code webhookUrl} for the project with {@code secret} as the {@code Authorization} header the
   * platform sends; registering again updates. Fails with a {@link PlatformException} saying what the platform
   * answered.
   *
   * @param existing whether hookgate registered this project before (an update rather than a creation)
   * @return how many batches got the webhook (Isahit Lab), 0 where the platform has no batches (Kili)
   */
  Future<Integer> register(String projectId, String webhookUrl, String secret, boolean existing);

  /** Stops the platform calling hookgate for the project, as far as its API allows. */
  Future<Void> unregister(String projectId);

  /** Whether the registration must be made again on a schedule (Isahit Lab: batches created since). */
  boolean rechecks();
}
