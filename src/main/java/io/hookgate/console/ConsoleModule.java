package io.hookgate.console;

import io.hookgate.GatewayModule;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.List;
import java.util.function.Consumer;

/**
 * The ops console on the management port: static files from the jar ({@value #WEB_ROOT} on the classpath) at
 * {@value #PATH}, and {@code /} redirecting there. The page holds no data: it needs no token to be served, and
 * every call it makes is one of the management API's, with the token the operator signs in with. Only
 * {@code GET} and {@code HEAD} are routed, so that the management port's 405 and 404 problems stay as they are.
 */
public final class ConsoleModule implements GatewayModule {
  /** The classpath folder of the page; a name of its own, so that no folder of the working directory shadows it. */
  static final String WEB_ROOT = "hookgate-console";
  public static final String PATH = "/console/";
  /**
   * Scripts, styles and calls from the page's own origin only, no inline script or style, never in a frame.
   * {@code connect-src 'self'} covers the API's fetches and the live tail's {@code EventSource}.
   */
  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; object-src 'none'; base-uri 'none'; "
      + "form-action 'none'; frame-ancestors 'none'";

  private final StaticHandler files = StaticHandler.create(WEB_ROOT)
      // Never cached by the browser: a new jar's console is the one the next load gets.
      .setCachingEnabled(false)
      .setDirectoryListing(false)
      .setIncludeHidden(false);

  @Override
  public Future<Void> start() {
    return Future.succeededFuture();
  }

  @Override
  public List<Consumer<Router>> managementRoutes() {
    return List.of(this::mount);
  }

  private void mount(Router router) {
    router.route("/").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(ctx -> ctx.redirect(PATH));
    router.route(PATH + "*").method(HttpMethod.GET).method(HttpMethod.HEAD)
        .handler(ConsoleModule::securityHeaders)
        .handler(files)
        // A file that is not there: the management port's 404 problem, before the 405 routes added after this one.
        .handler(ctx -> ctx.fail(404));
  }

  private static void securityHeaders(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("Cache-Control", "no-cache");
    ctx.next();
  }
}
