package io.hookgate.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.time.Duration;

/**
 * The live tail of events, Server-Sent Events streams on the management port ({@code GET /api/v1/events/stream}).
 *
 * @param maxClients streams open at once on this replica; one more gets a 429 (0: no stream at all)
 * @param heartbeat the longest silence on a stream: a comment is sent after it, so that proxies keep it open
 * @param bufferSize what the gateway holds at most for a client that does not read, besides the socket's own
 *     buffers; past it the stream is closed as too slow, and the client resumes with {@code Last-Event-ID}
 * @param maxCatchUps streams that read the topic on their own at once, to come from their {@code Last-Event-ID}
 *     to the live position; the others wait their turn (each is a Kafka consumer)
 * @param cpuShare the share of the gateway's processors the live tail may use (its reader of the events topic,
 *     checking and writing what the streams take), so that viewers never slow the webhooks down: past it the
 *     streams fall behind the topic's end, which holds the events, and catch up as the load eases
 */
public record StreamsConfig(
    Integer maxClients,
    @JsonDeserialize(using = ConfigDeserializers.Dur.class) Duration heartbeat,
    @JsonDeserialize(using = ConfigDeserializers.ByteSize.class) Long bufferSize,
    Integer maxCatchUps,
    Double cpuShare) {

  public StreamsConfig {
    maxClients = maxClients == null ? 100 : maxClients;
    heartbeat = heartbeat == null ? Duration.ofSeconds(15) : heartbeat;
    bufferSize = bufferSize == null ? 256 * 1024L : bufferSize;
    maxCatchUps = maxCatchUps == null ? 8 : maxCatchUps;
    cpuShare = cpuShare == null ? 0.05 : cpuShare;
  }

  public static StreamsConfig defaults() {
    return new StreamsConfig(null, null, null, null, null);
  }
}
