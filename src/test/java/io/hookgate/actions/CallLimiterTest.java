package io.hookgate.actions;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
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

  /**
   * Postponed actions come back paced at (twice) the pace the target finished its last calls, the first once the
   * queue has drained: not together, to find the queue full again (the loop through the retry topic).
   */
  @Test
  void postponedActionsComeBackPacedAtTheTargetsPace() throws Exception {
    AtomicLong clock = new AtomicLong(0);
    List<CallLimiter.Postponement> later = onContext(() -> {
      CallLimiter limiter = new CallLimiter(vertx, 1, 0, 300, clock::get);
      for (int i = 0; i < 20; i++) { // 20 calls, one every 10 ms: 100 a second
        limiter.acquire();
        clock.addAndGet(10_000_000);
        limiter.release();
      }
      limiter.acquire(); // calling
      for (int i = 0; i < 300; i++) { // the queue: 300 calls, 1.5 s at twice that pace
        limiter.acquire();
      }
      List<CallLimiter.Postponement> out = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        out.add(limiter.postponement());
      }
      return out;
    });
    assertThat(later).allSatisfy(p -> assertThat(p.paced()).isTrue());
    assertThat(later.get(0).delay().toMillis()).as("once the queue has drained").isBetween(1490L, 1510L);
    for (int i = 1; i < later.size(); i++) {
      assertThat(later.get(i).delay().minus(later.get(i - 1).delay()).toNanos())
          .as("half a call's time apart: twice the pace measured").isBetween(4_900_000L, 5_100_000L);
    }
  }

  @Test
  void withoutAPaceAPostponementIsASecondToBeSpread() throws Exception {
    AtomicLong clock = new AtomicLong(0);
    List<CallLimiter.Postponement> later = onContext(() -> {
      CallLimiter fresh = new CallLimiter(vertx, 1, 0, 1, clock::get);
      CallLimiter idle = new CallLimiter(vertx, 1, 0, 1, clock::get);
      for (int i = 0; i < 10; i++) {
        idle.acquire();
        idle.release();
      }
      clock.addAndGet(Duration.ofMinutes(1).toNanos()); // its calls finished too long ago to say anything
      return List.of(fresh.postponement(), fresh.postponement(), idle.postponement());
    });
    assertThat(later).allSatisfy(p -> {
      assertThat(p.paced()).isFalse();
      assertThat(p.delay()).isEqualTo(Duration.ofSeconds(1));
    });
  }

  @Test
  void aRateLimitedTargetIsPacedAtItsLimitAndThePaceStopsAtTheCap() throws Exception {
    AtomicLong clock = new AtomicLong(0);
    List<CallLimiter.Postponement> later = onContext(() -> {
      CallLimiter limiter = new CallLimiter(vertx, 1, 2, 1, clock::get); // 2 calls a second
      List<CallLimiter.Postponement> out = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        out.add(limiter.postponement());
      }
      return out;
    });
    assertThat(later.get(0)).isEqualTo(new CallLimiter.Postponement(Duration.ofSeconds(1), true));
    assertThat(later.get(1)).isEqualTo(new CallLimiter.Postponement(Duration.ofMillis(1500), true));
    assertThat(later.get(58)).isEqualTo(new CallLimiter.Postponement(Duration.ofMillis(30_000), true));
    assertThat(later.get(59)).as("past 30 s ahead: spread by the caller, paced again when they come back")
        .isEqualTo(new CallLimiter.Postponement(CallLimiter.MAX_PACED, false));
  }

  private static <T> T onContext(Supplier<T> work) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    vertx.getOrCreateContext().runOnContext(v -> {
      try {
        result.complete(work.get());
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    });
    return result.get(5, TimeUnit.SECONDS);
  }
}
