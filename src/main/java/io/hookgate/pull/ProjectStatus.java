package io.hookgate.pull;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a pull of one Kili project is doing, as {@code /health/ready}, the metrics and the management API show it.
 * Times are ISO 8601, null when there is none yet.
 *
 * @param state {@code connecting}, {@code connected}, {@code backing_off} (waiting to reconnect), {@code paused},
 *     {@code standby} (another replica holds the source) or {@code stopped}
 * @param connectedSince when the current connection was acknowledged by Kili; null when not connected
 * @param backfilling whether the labels missed while disconnected are being read
 * @param lastLabelId the last label whose event was stored
 * @param lastLabelCreatedAt that label's {@code createdAt}, as Kili wrote it
 * @param lastEventAt when that event was stored
 * @param lagSeconds seconds between that label's {@code createdAt} and its event being stored
 * @param position the stored position's {@code createdAt}: what a backfill starts from
 * @param labels labels stored since start, live and backfilled
 * @param backfilled of which found by a backfill
 * @param errors failures since start (connections refused or lost, queries failed, Kafka writes failed)
 * @param lastError the last failure, without secrets
 * @param nextAttemptAt when the next connection is attempted, while backing off
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ProjectStatus(String source, String projectId, String state, String connectedSince, boolean backfilling,
    String lastLabelId, String lastLabelCreatedAt, String lastEventAt, Double lagSeconds, String position, long labels,
    long backfilled, long errors, String lastError, String lastErrorAt, String nextAttemptAt) {

  boolean connected() {
    return "connected".equals(state);
  }

  /** Connected here, or held by another replica: nothing for this replica's health to report. */
  boolean fine() {
    return connected() || "standby".equals(state);
  }
}
