package io.hookgate.admin;

import io.vertx.core.Future;

/**
 * The handler of one operation of the OpenAPI document: the validated request in, the answer out, or a future
 * failed with the {@link ApiProblem} to answer (thrown ones are answered the same way).
 */
@FunctionalInterface
interface ApiOperation {
  Future<Answer> handle(ApiRequest request);
}
