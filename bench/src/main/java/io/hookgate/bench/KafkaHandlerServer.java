package io.hookgate.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.config.ConfigLoader;
import io.hookgate.config.HookgateConfig;
import io.hookgate.event.CloudEventFactory;
import io.hookgate.event.EventIds;
import io.hookgate.ingress.source.KiliSource;
import io.hookgate.kafka.KafkaClientFactory;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Scenarios B and B': the least a Vert.x server can do to answer 202 only once Kafka has the record. It
 * reads the body and writes it, unchanged, with the project id as key, to a topic with as many partitions
 * as hookgate's events topic; no auth, no parsing, no CloudEvent, no metrics, no timer.
 *
 * <p>The producer is built by hookgate's own {@link KafkaClientFactory} from the same configuration file
 * as scenario C ({@code HOOKGATE_CONFIG}), so B and C differ only in what hookgate does around the send,
 * never in producer settings ({@code acks=all}, idempotence, {@code linger.ms}, ...).
 *
 * <ul>
 *   <li>{@code plain} (B): {@code producer.send(record, callback)} on the event loop, the callback hops
 *       back with {@code context.runOnContext}, as hookgate's {@code EventPublisher} does.</li>
 *   <li>{@code vertx-kafka-client} (B'): the same producer wrapped by vertx-kafka-client's
 *       {@code KafkaProducer.create(vertx, producer)}, whose {@code send} runs on a worker thread.</li>
 *   <li>{@code cloudevent-record} (Bce): B writing the record hookgate writes for the body, of the same
 *       size and with the same {@code ce_*} headers, without doing any of hookgate's work per request. At
 *       start it has hookgate's own classes make the record of the benchmark's webhook once (a template);
 *       per request it writes the template's {@code data} with the received body spliced in as
 *       {@code original}, and the template's headers. C can never beat it: what C costs beyond Bce is
 *       hookgate's work per request, what Bce costs beyond B is the size and headers of the record.</li>
 * </ul>
 *
 * <p>Arguments: {@code plain|vertx-kafka-client|cloudevent-record}, port, topic, record key, and for
 * {@code cloudevent-record} the webhook body file. Environment: {@code KAFKA_BOOTSTRAP_SERVERS},
 * {@code HOOKGATE_CONFIG}.
 */
public final class KafkaHandlerServer extends VerticleBase {
  private static final byte[] NO_BYTES = new byte[0];

  private final String mode;
  private final int port;
  private final String topic;
  private final String key;
  private final Producer<String, byte[]> producer;
  private io.vertx.kafka.client.producer.KafkaProducer<String, byte[]> wrapped;
  /** Bce's template: hookgate's record for the benchmark's body; null in the other modes. */
  private ProducerRecord<String, byte[]> template;
  private int templateBodyLength;

  private KafkaHandlerServer(String mode, int port, String topic, String key, Producer<String, byte[]> producer) {
    this.mode = mode;
    this.port = port;
    this.topic = topic;
    this.key = key;
    this.producer = producer;
  }

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    if (!List.of("plain", "vertx-kafka-client", "cloudevent-record").contains(mode)) {
      throw new IllegalArgumentException("mode must be plain, vertx-kafka-client or cloudevent-record, not " + mode);
    }
    int port = Integer.parseInt(args[1]);
    String topic = args[2];
    String key = args[3];
    HookgateConfig config = new ConfigLoader(System.getenv()).load();
    String bootstrap = config.kafka().bootstrapServers();
    if (bootstrap == null || bootstrap.isBlank()) {
      throw new IllegalStateException("KAFKA_BOOTSTRAP_SERVERS is not set");
    }
    KafkaClientFactory clients = new KafkaClientFactory(bootstrap, config.kafka());
    int partitions = config.kafka().topics().events().partitions();
    try (Admin admin = Admin.create(clients.admin("bench-admin"))) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
    Map<String, Object> props = clients.eventProducer("bench-" + mode, config.ingress().publishTimeout());
    Producer<String, byte[]> producer = new KafkaProducer<>(props);
    awaitMetadata(producer, topic);
    KafkaHandlerServer server = new KafkaHandlerServer(mode, port, topic, key, producer);
    if (mode.equals("cloudevent-record")) {
      server.useTemplateOf(Files.readAllBytes(Path.of(args[4])));
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    vertx.deployVerticle(server, new DeploymentOptions().setInstances(1)).await(30, TimeUnit.SECONDS);
    System.out.println("SERVER READY " + port + " " + mode + " producer " + props);
  }

  /** Has hookgate's classes make, once, the record C writes for this body (Kili source named kili, no trace). */
  private void useTemplateOf(byte[] body) throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    var normalized = new KiliSource(mapper).normalize("kili", mapper.readTree(body));
    template = new CloudEventFactory(mapper, Clock.systemUTC())
        .toRecord(topic, EventIds.fromBody("kili", body), "kili", normalized, null, body);
    templateBodyLength = body.length;
  }

  /** The template's value with {@code body} as {@code original}: data is {@code {...,"original":BODY}}. */
  private byte[] templateValue(byte[] body) {
    byte[] data = template.value();
    int prefix = data.length - templateBodyLength - 1;
    byte[] value = new byte[prefix + body.length + 1];
    System.arraycopy(data, 0, value, 0, prefix);
    System.arraycopy(body, 0, value, prefix, body.length);
    value[value.length - 1] = '}';
    return value;
  }

  /** With max.block.ms=0 a send fails until the producer has the topic's metadata: fetch it first. */
  private static void awaitMetadata(Producer<String, byte[]> producer, String topic) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        producer.partitionsFor(topic);
        return;
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  @Override
  public Future<?> start() {
    if (mode.equals("vertx-kafka-client")) {
      wrapped = io.vertx.kafka.client.producer.KafkaProducer.create(vertx, producer);
    }
    return vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true))
        .requestHandler(this::handle)
        .listen(port, "127.0.0.1");
  }

  private void handle(HttpServerRequest req) {
    req.body().onComplete(ar -> {
      if (ar.failed()) {
        req.response().setStatusCode(400).end();
        return;
      }
      byte[] value = ar.result() == null ? NO_BYTES : ar.result().getBytes();
      if (wrapped != null) {
        wrapped.send(KafkaProducerRecord.create(topic, key, value))
            .onComplete(sent -> answer(req, sent.failed() ? sent.cause() : null,
                sent.succeeded() ? sent.result().getPartition() : -1,
                sent.succeeded() ? sent.result().getOffset() : -1));
      } else {
        Context context = this.context;
        try {
          ProducerRecord<String, byte[]> record = template == null ? new ProducerRecord<>(topic, key, value)
              : new ProducerRecord<>(topic, null, null, key, templateValue(value),
                  new RecordHeaders(template.headers().toArray()));
          producer.send(record, (RecordMetadata md, Exception err) -> context
              .runOnContext(v -> answer(req, err, md == null ? -1 : md.partition(), md == null ? -1 : md.offset())));
        } catch (RuntimeException e) {
          answer(req, e, -1, -1);
        }
      }
    });
  }

  private static void answer(HttpServerRequest req, Throwable error, int partition, long offset) {
    if (error != null) {
      req.response().setStatusCode(503).end();
    } else {
      req.response().setStatusCode(202).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end("{\"id\":\"" + partition + "-" + offset + "\"}");
    }
  }
}
