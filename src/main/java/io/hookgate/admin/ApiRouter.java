package io.hookgate.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.admin.ApiTokens.Role;
import io.hookgate.health.ManagementVerticle;
import io.hookgate.http.PageCursor;
import io.hookgate.http.Problem;
import io.hookgate.subscriptions.SubscriptionStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.AuthenticationHandler;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.PlatformHandler;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Path;
import io.vertx.openapi.validation.ValidatedRequest;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management API's router, made by Vert.x's OpenAPI router from the {@link ApiDocument}: every request is
 * read up to {@value #MAX_BODY_BYTES} bytes, authenticated (but for the document itself), validated
 * against the document, and handed to the operation's {@link ApiOperation}, whose answer is JSON or a stream
 * ({@link Answer#stream}). Every refusal is a problem: 400 naming the field, 401, 403, 405 with {@code Allow},
 * 412, 413, 415, 429, 503. Mounted on the management port's router path by path, so that every other path
 * there is left as it was.
 */
final class ApiRouter {
  private static final Logger LOG = LoggerFactory.getLogger(ApiRouter.class);
  /** One line per API request, like {@code hookgate.access} for webhooks; never a token. */
  private static final Logger ACCESS = LoggerFactory.getLogger("hookgate.api");
  static final int MAX_BODY_BYTES = 64 * 1024;
  static final String DOCUMENT_OPERATION = "getOpenApiDocument";
  private static final String ROLE = "hookgate.api.role";
  private static final String ROLE_EXTENSION = "x-hookgate-role";
  /**
   * On an operation a browser's {@code EventSource} calls, which cannot send headers: the token may come as the
   * query parameter {@value #QUERY_TOKEN} instead of {@code Authorization}.
   */
  private static final String QUERY_TOKEN_EXTENSION = "x-hookgate-query-token";
  static final String QUERY_TOKEN = "access_token";

  private final ApiDocument document;
  private final ApiTokens tokens;
  private final ObjectMapper mapper;
  /** The role each secured operation needs; an operation absent here is open ({@code security: []}). */
  private final Map<String, Role> roles = new HashMap<>();
  /** The paths of the open operations, which need no token. */
  private final Set<String> openPaths = new HashSet<>();
  /** The operations that take the token as a query parameter too. */
  private final Set<String> queryTokens = new HashSet<>();
  private final Router router;

  /**
   * @param operations a handler for every operation of the document but {@value #DOCUMENT_OPERATION}
   * @throws IllegalStateException when an operation has no handler, or a secured one no {@code x-hookgate-role}
   */
  ApiRouter(Vertx vertx, ApiDocument document, ApiTokens tokens, ObjectMapper mapper,
      Map<String, ApiOperation> operations) {
    this.document = document;
    this.tokens = tokens;
    this.mapper = mapper;
    OpenAPIContract contract = document.contract();
    RouterBuilder builder = RouterBuilder.create(vertx, contract, RequestExtractor.withBodyHandler());
    // In the order Vert.x requires of a route: platform, body, authentication, then the operation's own.
    builder.rootHandler((PlatformHandler) this::accessLog);
    builder.rootHandler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    builder.rootHandler((AuthenticationHandler) this::authenticate);
    for (Operation op : contract.operations()) {
      String id = op.getOperationId();
      OpenAPIRoute route = builder.getRoute(id).setDoSecurity(false);
      if (op.getSecurityRequirements().isEmpty()) {
        openPaths.add(op.getAbsoluteOpenAPIPath());
      } else {
        Object role = op.getExtensions().get(ROLE_EXTENSION);
        if (!"viewer".equals(role) && !"admin".equals(role)) {
          throw new IllegalStateException("operation " + id + " of " + ApiDocument.RESOURCE + " needs "
              + ROLE_EXTENSION + ": viewer or admin");
        }
        roles.put(id, Role.of((String) role));
        if (Boolean.TRUE.equals(op.getExtensions().get(QUERY_TOKEN_EXTENSION))) {
          queryTokens.add(id);
        }
      }
      if (id.equals(DOCUMENT_OPERATION)) {
        route.addHandler(ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .end(document.json()));
        continue;
      }
      ApiOperation handler = operations.get(id);
      if (handler == null) {
        throw new IllegalStateException("operation " + id + " of " + ApiDocument.RESOURCE + " has no handler");
      }
      route.addHandler(ctx -> run(ctx, id, handler));
    }
    router = builder.createRouter();
    methodNotAllowed(contract);
    router.errorHandler(400, ctx -> {
      Problem p = ValidationProblems.of(ctx.failure());
      problem(ctx, p != null ? p : Problem.of(400, "malformed_request", "Bad Request", "the request cannot be read"));
    });
    router.errorHandler(413, ctx -> problem(ctx, Problem.of(413, "body_too_large", "Content Too Large",
        "the body is over " + MAX_BODY_BYTES / 1024 + " KiB")));
    router.errorHandler(404, ctx -> problem(ctx, Problem.of(404, "not_found", "Not Found",
        "no management endpoint at " + ctx.request().path())));
    router.errorHandler(500, ctx -> {
      if (!ctx.response().ended()) {
        LOG.error("Unexpected failure handling {} {}", ctx.request().method(), ctx.request().path(), ctx.failure());
        problem(ctx, Problem.of(500, "internal_error", "Internal Server Error", "the request could not be handled"));
      }
    });
  }

  /**
   * Hands each path of the document to this router. The OpenAPI router routes on the document's full paths, so
   * it cannot be a sub-router (which strips its mount point): requests to its paths are handed to it whole, and
   * the management router keeps every other path (health, metrics, the delivery status API) and its own 404.
   */
  void mount(Router management) {
    for (Path path : document.contract().getPaths()) {
      management.route(vertxPath(path.getName())).handler(ctx -> router.handle(ctx.request()));
    }
  }

  /**
   * Every request but those of the open operations needs a token of {@code api.tokens}: 503 when none is
   * configured (fail closed), 401 without one or with a wrong one. The role is checked here when the operation is
   * known, before the body is validated, and again by the operation's handler.
   */
  private void authenticate(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    if (openPaths.contains(path)) {
      ctx.next();
      return;
    }
    if (!tokens.configured()) {
      problem(ctx, Problem.of(503, "api_not_configured", "Service Unavailable", "no API token is configured: set "
          + "HOOKGATE_ADMIN_TOKEN and HOOKGATE_VIEWER_TOKEN, or api.tokens (each a role, admin or viewer, and a "
          + "secret reference such as env:NAME or file:/path)"));
      return;
    }
    Operation op = document.contract().findOperation(path, ctx.request().method());
    boolean queryToken = op != null && queryTokens.contains(op.getOperationId());
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    String presented;
    if (header != null) {
      if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
        unauthorized(ctx, "a bearer token is required: Authorization: Bearer <token>");
        return;
      }
      presented = header.substring(7).strip();
    } else {
      // Never logged: the access log has the path only, without the query.
      presented = queryToken ? ctx.request().getParam(QUERY_TOKEN) : null;
      if (presented == null || presented.isBlank()) {
        unauthorized(ctx, "a bearer token is required: Authorization: Bearer <token>"
            + (queryToken ? ", or ?" + QUERY_TOKEN + "=<token> for a browser's EventSource" : ""));
        return;
      }
    }
    Role role = tokens.roleOf(presented).orElse(null);
    if (role == null) {
      unauthorized(ctx, "the bearer token is not one of api.tokens");
      return;
    }
    ctx.put(ROLE, role);
    if (op != null && !allowed(ctx, op.getOperationId())) {
      return;
    }
    ctx.next();
  }

  /** Whether the token's role may call the operation; answers 403 when not. */
  private boolean allowed(RoutingContext ctx, String operationId) {
    Role needed = roles.get(operationId);
    Role role = ctx.get(ROLE);
    if (needed == null || role != null && role.allows(needed)) {
      return true;
    }
    problem(ctx, Problem.of(403, "forbidden", "Forbidden", operationId + " needs the " + needed + " role; this "
        + "token has the " + (role == null ? "no" : role) + " role"));
    return false;
  }

  private void unauthorized(RoutingContext ctx, String detail) {
    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"hookgate\"");
    problem(ctx, Problem.of(401, "unauthorized", "Unauthorized", detail));
  }

  private void run(RoutingContext ctx, String operationId, ApiOperation handler) {
    if (!allowed(ctx, operationId)) {
      return;
    }
    ValidatedRequest validated = ctx.get(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST);
    Future<Answer> answer;
    try {
      answer = handler.handle(new ApiRequest(validated, ctx.get(ROLE)));
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    answer.onComplete(ar -> {
      if (ar.succeeded()) {
        send(ctx, ar.result());
      } else {
        failed(ctx, operationId, ar.cause());
      }
    });
  }

  private void send(RoutingContext ctx, Answer answer) {
    if (answer.stream() != null) {
      answer.stream().accept(ctx.request());
      return;
    }
    var response = ctx.response().setStatusCode(answer.status());
    answer.headers().forEach(response::putHeader);
    if (answer.body() == null) {
      response.end();
      return;
    }
    try {
      response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(mapper.writeValueAsString(answer.body()));
    } catch (JsonProcessingException e) {
      ctx.fail(e);
    }
  }

  private void failed(RoutingContext ctx, String operationId, Throwable cause) {
    if (cause instanceof ApiProblem p) {
      p.headers().forEach(ctx.response()::putHeader);
      problem(ctx, p.problem());
    } else if (cause instanceof PageCursor.InvalidCursorException) {
      problem(ctx, ApiProblem.invalid("cursor", cause.getMessage()).problem());
    } else if (cause instanceof SubscriptionStore.UnconfirmedException) {
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "5");
      problem(ctx, Problem.of(503, "unconfirmed", "Service Unavailable", cause.getMessage()));
    } else {
      LOG.error("Management API: {} failed", operationId, cause);
      problem(ctx, Problem.of(500, "internal_error", "Internal Server Error", "the request could not be handled"));
    }
  }

  /**
   * A 405 problem with {@code Allow} for a method a path of the document does not serve; routes after the
   * operations', which Vert.x tries only when none of them took the request.
   */
  private void methodNotAllowed(OpenAPIContract contract) {
    for (Path path : contract.getPaths()) {
      Set<String> methods = new TreeSet<>();
      path.getOperations().forEach(op -> methods.add(op.getHttpMethod().name()));
      String allow = String.join(", ", methods);
      router.route(vertxPath(path.getName())).handler(ctx -> {
        ctx.response().putHeader(HttpHeaders.ALLOW, allow);
        problem(ctx, Problem.of(405, "method_not_allowed", "Method Not Allowed",
            ctx.request().path() + " is served with " + allow + ", not " + ctx.request().method().name()));
      });
    }
  }

  /** {@code /api/v1/subscriptions/{id}} as Vert.x writes it: {@code /api/v1/subscriptions/:id}. */
  private static String vertxPath(String openApiPath) {
    return openApiPath.replaceAll("\\{([^}]+)}", ":$1");
  }

  private void problem(RoutingContext ctx, Problem problem) {
    ManagementVerticle.problem(ctx, mapper, problem);
  }

  private void accessLog(RoutingContext ctx) {
    if (ACCESS.isInfoEnabled()) {
      HttpMethod method = ctx.request().method();
      String path = ctx.request().path();
      String requestId = ctx.request().getHeader("X-Request-Id");
      ctx.addBodyEndHandler(v -> {
        Role role = ctx.get(ROLE);
        int status = ctx.response().getStatusCode();
        ACCESS.atInfo()
            .addKeyValue("requestId", requestId != null ? requestId
                : Long.toHexString(ThreadLocalRandom.current().nextLong()))
            .addKeyValue("status", status)
            .addKeyValue("role", role == null ? "-" : role.name())
            .log("{} {} {}", method, path, status);
      });
    }
    ctx.next();
  }
}
