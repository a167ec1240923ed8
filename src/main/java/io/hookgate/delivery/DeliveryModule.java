package io.hookgate.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.GatewayContext;
import io.hookgate.GatewayModule;
import io.hookgate.actions.ActionCodec;
import io.hookgate.config.TopicSpec;
import io.hookgate.event.EventPublisher;
import io.hookgate.kafka.ConsumerSettings;
import io.hookgate.kafka.ConsumerVerticle;
import io.hookgate.kafka.ModuleProducer;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery logs ({@code lastCall}, {@code lastError}, counts) in the compacted delivery-status topic: the
 * {@link DeliveryStatusStore} every replica reads in full before it acts (and follows after, in a
 * {@link ConsumerVerticle} that Vert.x stops with the rest), and the {@link DeliveryRecorder} that writes outcomes
 * into it through a producer of its own.
 */
public final class DeliveryModule implements GatewayModule {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryModule.class);

  private final GatewayContext context;
  private final String topic;
  private final ModuleProducer producer;
  private final DeliveryStatusStore store;
  private final DeliveryRecorder recorder;
  private final ConsumerSettings reader;

  public DeliveryModule(GatewayContext context) {
    this.context = context;
    this.topic = TopicSpec.requiredName(context.config().kafka().topics().deliveryStatus(), "deliveryStatus");
    this.producer = new ModuleProducer("the delivery status producer",
        context.kafka().eventLoopProducer("hookgate-delivery-status", Duration.ofSeconds(30)));
    // The JSON of hookgate's own records, with its instants as ISO-8601 text.
    ObjectMapper mapper = new ActionCodec().mapper();
    this.store = new DeliveryStatusStore(mapper);
    this.reader = ConsumerSettings.wholeTopic("hookgate-delivery-status-reader",
        context.kafka().topicReader("hookgate-delivery-status"), topic, ConsumerSettings.StartAt.beginning());
    this.recorder = new DeliveryRecorder(store, new EventPublisher(producer.producer()), topic, mapper);
  }

  public DeliveryStatusStore store() {
    return store;
  }

  public DeliveryRecorder recorder() {
    return recorder;
  }

  /** Reads the logs to the end, so that counters continue rather than restart; completes once read. */
  @Override
  public Future<Void> start() {
    return producer.start(context.vertx(), context.metrics().registry(), List.of(topic))
        .compose(v -> new ConsumerVerticle(reader, store, null, null).deployAndCatchUp(context.vertx()))
        .onSuccess(v -> LOG.info("Delivery status: {} logs read from {}", store.all().size(), topic));
  }

  @Override
  public void close() {
    producer.close();
  }
}
