package io.hookgate.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hookgate.http.PageCursor;
import io.hookgate.subscriptions.Subscription;
import io.hookgate.subscriptions.SubscriptionService;
import io.hookgate.subscriptions.SubscriptionStore;
import io.hookgate.subscriptions.SubscriptionsModule;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The subscriptions' operations: list, create, read, replace, delete; Kili's activate and deactivate on a project;
 * pause and resume; the signing secret and its rotation. Each asks the {@link SubscriptionService} and answers
 * once this replica has read the change back, so that a read after the answer sees it.
 */
final class SubscriptionsApi {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

  private final SubscriptionsModule module;
  private final SubscriptionRequests requests;
  private final SubscriptionView view;
  private final ObjectMapper mapper;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  SubscriptionsApi(SubscriptionsModule module, SubscriptionRequests requests, SubscriptionView view,
      ObjectMapper mapper, Clock clock) {
    this.module = module;
    this.requests = requests;
    this.view = view;
    this.mapper = mapper;
    this.clock = clock;
  }

  /** The handlers, by operationId. */
  Map<String, ApiOperation> operations() {
    return Map.ofEntries(
        Map.entry("listSubscriptions", this::list),
        Map.entry("createSubscription", this::create),
        Map.entry("getSubscription", this::get),
        Map.entry("putSubscription", this::put),
        Map.entry("deleteSubscription", this::delete),
        Map.entry("addSubscriptionProject", r -> change(r, (id, rev) -> service().addProject(id,
            r.path("projectId"), rev))),
        Map.entry("removeSubscriptionProject", r -> change(r, (id, rev) -> service().removeProject(id,
            r.path("projectId"), rev))),
        Map.entry("pauseSubscription", r -> change(r, (id, rev) -> service().pause(id, reason(r.body()), rev))),
        Map.entry("resumeSubscription", r -> change(r, (id, rev) -> service().resume(id, rev))),
        Map.entry("getSubscriptionSecret", this::secret),
        Map.entry("rotateSubscriptionSecret", this::rotate));
  }

  private SubscriptionService service() {
    return module.service();
  }

  private SubscriptionStore store() {
    return module.store();
  }

  private Future<Answer> list(ApiRequest r) {
    String source = r.query("source");
    String project = r.query("project");
    int limit = r.query("limit", 50);
    String after = afterCursor(r.query("cursor"));
    ArrayNode items = mapper.createArrayNode();
    String last = null;
    String next = null;
    // The store lists by id, so a cursor is the last id of a page: pages stay right while others write.
    for (Subscription s : store().all()) {
      if (after != null && s.id().compareTo(after) <= 0 || !includes(s.filter().sources(), source)
          || !includes(s.filter().projects(), project)) {
        continue;
      }
      if (items.size() == limit) {
        next = PageCursor.after(last);
        break;
      }
      items.add(view.of(s));
      last = s.id();
    }
    ObjectNode page = mapper.createObjectNode();
    page.set("items", items);
    if (next != null) {
      page.put("nextCursor", next);
    }
    return Future.succeededFuture(Answer.json(200, page));
  }

  /** A filter list includes a value when it names it, or when it is absent (all). */
  private static boolean includes(List<String> list, String value) {
    return value == null || list == null || list.contains(value);
  }

  private static String afterCursor(String cursor) {
    String id = PageCursor.id(cursor);
    if (id != null && !ID.matcher(id).matches()) {
      throw new PageCursor.InvalidCursorException();
    }
    return id;
  }

  private Future<Answer> get(ApiRequest r) {
    Subscription s = existing(r.path("id"));
    return Future.succeededFuture(Answer.json(200, view.of(s)).withHeader("ETag", IfMatch.etag(s.revision())));
  }

  private Future<Answer> create(ApiRequest r) {
    byte[] bits = new byte[16];
    random.nextBytes(bits);
    String id = "sub_" + HexFormat.of().formatHex(bits);
    return requests.read(id, r.body())
        .compose(asked -> writable().compose(v -> service().create(asked)))
        .map(o -> Outcomes.answer(id, o, view::of, view::created));
  }

  private Future<Answer> put(ApiRequest r) {
    String id = r.path("id");
    IfMatch ifMatch = IfMatch.parse(r.header("If-Match"));
    return requests.read(id, r.body())
        .compose(asked -> writable().compose(v -> service().put(asked, revision(id, ifMatch))))
        .map(o -> Outcomes.answer(id, o, view::of, view::created));
  }

  private Future<Answer> delete(ApiRequest r) {
    return change(r, (id, rev) -> service().delete(id, rev));
  }

  /** A change that needs only the id (and the revision of {@code If-Match}); answers with the subscription. */
  private Future<Answer> change(ApiRequest r, Change change) {
    String id = r.path("id");
    IfMatch ifMatch = IfMatch.parse(r.header("If-Match"));
    return writable().compose(v -> change.send(id, revision(id, ifMatch)))
        .map(o -> Outcomes.answer(id, o, view::of, view::created));
  }

  private interface Change {
    Future<SubscriptionStore.Outcome> send(String id, Long revision);
  }

  private static String reason(JsonObject body) {
    return body == null ? null : body.getString("reason");
  }

  private Future<Answer> secret(ApiRequest r) {
    String id = r.path("id");
    Subscription s = existing(id);
    undecryptable(id);
    return Future.succeededFuture(Answer.json(200, view.secrets(s, clock.instant()))
        .withHeader("ETag", IfMatch.etag(s.revision())));
  }

  private Future<Answer> rotate(ApiRequest r) {
    String id = r.path("id");
    IfMatch ifMatch = IfMatch.parse(r.header("If-Match"));
    Function<Subscription, JsonNode> secrets = s -> view.secrets(s, clock.instant());
    return writable().compose(v -> service().rotateSecret(id, revision(id, ifMatch)))
        .map(o -> Outcomes.answer(id, o, secrets, secrets));
  }

  /** The subscription as this replica has it, or a 404. */
  private Subscription existing(String id) {
    return store().get(id).orElseThrow(() -> ApiProblem.unknownSubscription(id));
  }

  private void undecryptable(String id) {
    store().problem(id).ifPresent(why -> {
      throw ApiProblem.unavailable("secrets_unreadable", "subscription '" + id + "': " + why);
    });
  }

  private Long revision(String id, IfMatch ifMatch) {
    return ifMatch == null ? null : ifMatch.revisionFor(id, store().get(id));
  }

  /** Subscriptions hold secrets, which Kafka only ever holds encrypted: no key, no write. */
  private Future<Void> writable() {
    if (module.writable()) {
      return Future.succeededFuture();
    }
    return Future.failedFuture(ApiProblem.unavailable("encryption_key_missing", "subscriptions cannot be written: "
        + "no encryption key is set for the secrets they hold; set HOOKGATE_ENCRYPTION_KEY (encryption.keys) to "
        + "base64 of 32 random bytes (head -c 32 /dev/urandom | base64)"));
  }
}
