package io.hookgate.actions;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The per-target limiter on a real event loop: concurrency slots, token-bucket rate, bounded queue. */
class CallLimiterTest {
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(5, TimeUnit.SECONDS);
  }

  @Test
  void concurrencySlotsAreHandedOnWhenReleased() throws Exception {
    Context context = vertx.getOrCreateContext();
    CompletableFuture<List<Boolean>> result = new CompletableFuture<>();
    context.runOnContext(v -> {
      CallLimiter limiter = new CallLimiter(vertx, 2, 0, 10);
      Future<Void> a = limiter.acquire();
      Future<Void> b = limiter.acquire();
      Future<Void> c = limiter.acquire();
      boolean waitingBefore = !c.isComplete();
      limiter.release();
      result.complete(List.of(a.isComplete(), b.isComplete(), waitingBefore, c.isComplete()));
    });
    assertThat(result.get(5, TimeUnit.SECONDS)).containsExactly(true, true, true, true);
  }

  @Test
  void rateLimitSpacesCallsAfterABurstOfOneSecond() throws Exception {
    Context context = vertx.getOrCreateContext();
    List<Long> startedAt = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    long t0 = System.nanoTime();
    context.runOnContext(v -> {
      CallLimiter limiter = new CallLimiter(vertx, 100, 5, 100);
      for (int i = 0; i < 8; i++) {
        limiter.acquire().onSuccess(x -> {
          startedAt.add((System.nanoTime() - t0) / 1_000_000);
          limiter.release();
          if (startedAt.size() == 8) {
            done.complete(null);
          }
        });
      }
    });
    done.get(10, TimeUnit.SECONDS);
    assertThat(startedAt.subList(0, 5)).allSatisfy(ms -> assertThat(ms).isLessThan(150));
    assertThat(startedAt.get(7)).as("3 calls past the burst at 5/s take about 600ms").isBetween(500L, 2000L);
  }

  @Test
  void fullQueueRefusesSoTheCallerCanPostpone() throws Exception {
    Context context = vertx.getOrCreateContext();
    CompletableFuture<Boolean> refused = new CompletableFuture<>();
    context.runOnContext(v -> {
      CallLimiter limiter = new CallLimiter(vertx, 1, 0, 2);
      limiter.acquire();
      limiter.acquire();
      limiter.acquire();
      refused.complete(limiter.acquire() == null);
    });
    assertThat(refused.get(5, TimeUnit.SECONDS)).isTrue();
  }
}
