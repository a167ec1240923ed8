package io.hookgate.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.GatewayContext;
import io.hookgate.GatewayModule;
import io.hookgate.actions.ActionCodec;
import io.hookgate.config.TopicSpec;
import io.hookgate.config.TopicsConfig;
import io.hookgate.event.EventPublisher;
import io.hookgate.kafka.ConsumerSettings;
import io.hookgate.kafka.ConsumerVerticle;
import io.hookgate.kafka.ModuleProducer;
import io.hookgate.rules.FilterExpressions;
import io.hookgate.subscriptions.SubscriptionsModule;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka-native operations: replays of a subscription's deliveries from the events topic by time (recover), and
 * of dead letters (redrive), as jobs kept in the jobs topic, each run by one replica and continued by another when
 * that one goes; and the dead letters, listed from their topic.
 */
public final class JobsModule implements GatewayModule {
  private static final Logger LOG = LoggerFactory.getLogger(JobsModule.class);

  private final GatewayContext context;
  private final SubscriptionsModule subscriptions;
  private final ModuleProducer producer;
  private final JobsContext jobs;
  private final JobService service;
  private final DeadLetterList deadLetters;

  public JobsModule(GatewayContext context, SubscriptionsModule subscriptions) {
    this.context = context;
    this.subscriptions = subscriptions;
    TopicsConfig t = context.config().kafka().topics();
    this.producer = new ModuleProducer("the jobs producer", context.kafka().eventLoopProducer("hookgate-jobs",
        Duration.ofSeconds(30)));
    ActionCodec codec = new ActionCodec();
    ObjectMapper mapper = codec.mapper();
    JobsContext.Topics topics = new JobsContext.Topics(TopicSpec.requiredName(t.events(), "events"),
        TopicSpec.requiredName(t.deadLetter(), "deadLetter"), TopicSpec.requiredName(t.actions(), "actions"),
        TopicSpec.requiredName(t.jobs(), "jobs"), subscriptions.commandsTopic());
    this.jobs = new JobsContext(topics, new JobStore(mapper), subscriptions.store(), new FilterExpressions(), mapper,
        codec, new EventPublisher(producer.producer()), context.admin(), context.kafka().topicReader("hookgate-jobs"),
        context.config().subscriptions().replayRate(), subscriptions.operations(), context.clock());
    this.service = new JobService(context.vertx(), jobs);
    this.deadLetters = new DeadLetterList(context.vertx(), jobs);
  }

  public JobService service() {
    return service;
  }

  public DeadLetterList deadLetters() {
    return deadLetters;
  }

  /** Reads the jobs to the end, then runs those that are this replica's. */
  @Override
  public Future<Void> start() {
    ConsumerVerticle follower = new ConsumerVerticle(ConsumerSettings.wholeTopic("hookgate-jobs-reader",
        context.kafka().topicReader("hookgate-jobs-reader"), jobs.topics().jobs(),
        ConsumerSettings.StartAt.beginning()),
        jobs.store(), null, null);
    JobRunner runner = new JobRunner(jobs);
    List<String> written = new ArrayList<>(List.of(jobs.topics().actions(), jobs.topics().jobs(),
        jobs.topics().commands()));
    if (jobs.operations() != null) {
      written.add(jobs.operations().topic());
    }
    return producer.start(context.vertx(), context.metrics().registry(), written)
        .compose(v -> follower.deployAndCatchUp(context.vertx()))
        .compose(v -> context.vertx().deployVerticle(runner))
        .onSuccess(id -> {
          subscriptions.onOwnership(runner::owned);
          LOG.info("Jobs: {} read from {}", jobs.store().all().size(), jobs.topics().jobs());
        })
        .mapEmpty();
  }

  @Override
  public void close() {
    producer.close();
  }
}
