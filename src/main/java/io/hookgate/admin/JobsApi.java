package io.hookgate.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hookgate.http.Problem;
import io.hookgate.jobs.DeadLetterList;
import io.hookgate.jobs.Job;
import io.hookgate.jobs.JobService;
import io.hookgate.subscriptions.Subscription;
import io.hookgate.subscriptions.SubscriptionStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeoutException;

/**
 * Kafka-native operations: a subscription's recover (a replay by time, or its dry run), the jobs, the dead letters
 * and their redrive. A job's answer is 202 with the job; its progress is read at {@code /api/v1/jobs/{jobId}}.
 */
final class JobsApi {
  private final JobService jobs;
  private final DeadLetterList deadLetters;
  private final SubscriptionStore subscriptions;
  private final ObjectMapper mapper;

  JobsApi(JobService jobs, DeadLetterList deadLetters, SubscriptionStore subscriptions, ObjectMapper mapper) {
    this.jobs = jobs;
    this.deadLetters = deadLetters;
    this.subscriptions = subscriptions;
    this.mapper = mapper;
  }

  Map<String, ApiOperation> operations() {
    return Map.of(
        "recoverSubscription", this::recover,
        "listJobs", r -> Future.succeededFuture(Answer.json(200, mapper.createObjectNode()
            .set("items", mapper.valueToTree(jobs.all())))),
        "getJob", r -> Future.succeededFuture(Answer.json(200, mapper.valueToTree(job(r.path("jobId"))))),
        "cancelJob", r -> jobs.cancel(job(r.path("jobId")).id())
            .map(j -> Answer.json(202, mapper.valueToTree(j))),
        "listDeadLetters", this::listDeadLetters,
        "redriveDeadLetters", this::redrive);
  }

  private Future<Answer> recover(ApiRequest r) {
    String id = r.path("id");
    if (subscriptions.get(id).isEmpty()) {
      throw ApiProblem.unknownSubscription(id);
    }
    JsonObject body = r.body();
    Instant since = time(body.getString("since"), "since");
    Instant until = body.getString("until") == null ? null : time(body.getString("until"), "until");
    if (until != null && !until.isAfter(since)) {
      throw bad("until must be after since", "/until");
    }
    boolean onlyFailed = body.getBoolean("onlyFailed", false);
    if (body.getBoolean("dryRun", false)) {
      return jobs.dryRun(new Job.Spec("recover", id, null, since, until, onlyFailed, null))
          .map(dry -> Answer.json(200, mapper.valueToTree(dry)))
          .recover(this::problem);
    }
    return jobs.recover(id, since, until, onlyFailed).map(this::started).recover(this::problem);
  }

  private Future<Answer> redrive(ApiRequest r) {
    JsonObject body = r.body();
    String subscription = body.getString("subscription");
    String target = body.getString("target");
    if ((subscription == null) == (target == null)) {
      throw bad("name a subscription or a target, one of them", subscription == null ? "/subscription" : "/target");
    }
    if (subscription != null && subscriptions.get(subscription).isEmpty()) {
      throw ApiProblem.unknownSubscription(subscription);
    }
    Instant since = body.getString("since") == null ? null : time(body.getString("since"), "since");
    JsonArray ids = body.getJsonArray("ids");
    List<String> named = ids == null ? null : ids.stream().map(String::valueOf).toList();
    return jobs.redrive(subscription, target, since, named).map(this::started).recover(this::problem);
  }

  private Future<Answer> listDeadLetters(ApiRequest r) {
    String subscription = r.query("subscription");
    String target = subscription != null ? Subscription.TARGET_PREFIX + subscription : r.query("target");
    Instant since = r.query("since") == null ? null : time(r.query("since"), "since");
    return deadLetters.list(target, since, r.query("limit", 50), r.query("cursor")).map(page -> {
      ObjectNode out = mapper.createObjectNode();
      out.set("items", mapper.valueToTree(page.items()));
      if (page.nextCursor() != null) {
        out.put("nextCursor", page.nextCursor());
      }
      out.put("truncated", page.truncated());
      return Answer.json(200, out);
    }).recover(this::problem);
  }

  /** 202 with the job, and its id again as {@code jobId}: what a client polls {@code /api/v1/jobs/{jobId}} with. */
  private Answer started(Job job) {
    ObjectNode out = mapper.valueToTree(job);
    out.put("jobId", job.id());
    return Answer.json(202, out).withHeader("Location", "/api/v1/jobs/" + job.id());
  }

  private Job job(String id) {
    return jobs.get(id).orElseThrow(() -> new ApiProblem(Problem.of(404, "unknown_job", "Unknown Job",
        "no job '" + id + "'")));
  }

  private <T> Future<T> problem(Throwable e) {
    if (e instanceof NoSuchElementException) {
      return Future.failedFuture(new ApiProblem(Problem.of(404, "not_found", "Not Found", e.getMessage())));
    }
    if (e instanceof TimeoutException) {
      return Future.failedFuture(ApiProblem.unavailable("job_timeout", e.getMessage()));
    }
    return Future.failedFuture(e);
  }

  private static Instant time(String text, String field) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      try {
        return OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException again) {
        throw bad(field + " is not an RFC 3339 time (2026-12-01T00:00:00Z)", "/" + field);
      }
    }
  }

  private static ApiProblem bad(String detail, String field) {
    return ApiProblem.invalid(field, detail);
  }
}
