package io.hookgate.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.config.AuthConfig;
import io.hookgate.config.SourceConfig;
import io.hookgate.ingress.auth.AuthOutcome;
import io.hookgate.ingress.auth.Authenticator;
import io.hookgate.ingress.auth.NoAuthenticator;
import io.hookgate.testing.MutableClock;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The recent requests kept per source, without a server: eviction, the window's counts, masking, auth outcome. */
class RecentRequestsTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T07:00:00Z"));

  private static final Authenticator SIGNATURE = new Authenticator() {
    @Override
    public boolean needsBody() {
      return true;
    }

    @Override
    public AuthOutcome verify(MultiMap headers, Buffer body, long nowEpochSeconds) {
      return AuthOutcome.OK;
    }
  };

  private static ConfiguredSource source(String name, Authenticator auth) {
    return new ConfiguredSource(name, "generic", auth, null, 1024);
  }

  private RecentRequests recent(int capacity) {
    AuthConfig pass = new AuthConfig("header", "X-Pass", null, null, List.of(), null);
    return new RecentRequests(Map.of(
        "signed", new SourceConfig("generic", new AuthConfig("hmac", "X-Sig", null, null, List.of(), null), null, null),
        "token", new SourceConfig("generic", new AuthConfig("any", null, null, null, List.of(), null, null, null,
            null, null, List.of(pass)), null, null),
        "open", new SourceConfig("isahit", new AuthConfig("none", null, null, null, List.of(), null), null, null)),
        capacity, clock);
  }

  private static void record(RecentRequests r, ConfiguredSource s, String id, int status, String problemType,
      MultiMap headers) {
    r.record(s, id, "POST", "/webhooks/" + s.name(), "10.0.0.1", headers, 10, status,
        status == 401 ? "auth_invalid" : null, problemType, problemType == null ? null : "why", problemType == null
            ? "event-" + id : null);
  }

  @Test
  void keepsTheLastRequestsOfEachSourceNewestFirst() {
    RecentRequests r = recent(3);
    ConfiguredSource open = source("open", new NoAuthenticator());
    for (int i = 0; i < 5; i++) {
      record(r, open, "r" + i, 202, null, MultiMap.caseInsensitiveMultiMap());
    }
    assertThat(r.requests("open", 10)).extracting(RecentRequests.Entry::id).containsExactly("r4", "r3", "r2");
    assertThat(r.requests("open", 2)).hasSize(2);
    assertThat(r.requests("elsewhere", 10)).isEmpty();
    assertThat(r.requests("open", 10).get(0).auth()).isEqualTo("none");
  }

  @Test
  void aSourceThatIsNotConfiguredOrAZeroCapacityKeepsNothing() {
    RecentRequests none = recent(0);
    record(none, source("open", new NoAuthenticator()), "x", 202, null, MultiMap.caseInsensitiveMultiMap());
    assertThat(none.requests("open", 10)).isEmpty();
    assertThat(none.summary("open").accepted()).isZero();
    RecentRequests r = recent(3);
    r.record(null, "y", "POST", "/webhooks/nope", "10.0.0.1", MultiMap.caseInsensitiveMultiMap(), 0, 404, null,
        "urn:hookgate:problem:unknown-source", "no", null);
    assertThat(r.sources()).containsExactly("open", "signed", "token");
  }

  @Test
  void credentialsAreMaskedWhenKeptTheSourcesOwnHeaderToo() {
    RecentRequests r = recent(3);
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("Authorization", "Bearer abc").add("X-Pass", "p4ss").add("Stripe-Signature", "t=1,v1=ab")
        .add("X-Api-Key", "k").add("Cookie", "c=1").add("User-Agent", "Kili/1.0").add("X-Pass", "second");
    record(r, source("token", SIGNATURE), "a", 202, null, headers);
    Map<String, String> kept = r.requests("token", 1).get(0).headers();
    assertThat(kept).containsEntry("authorization", "***").containsEntry("x-pass", "***, ***")
        .containsEntry("stripe-signature", "***").containsEntry("x-api-key", "***").containsEntry("cookie", "***")
        .containsEntry("user-agent", "Kili/1.0");
  }

  @Test
  void theAuthOutcomeSaysWhetherTheCredentialsWereCheckedWhenItWasAnswered() {
    RecentRequests r = recent(10);
    ConfiguredSource signed = source("signed", SIGNATURE);
    MultiMap h = MultiMap.caseInsensitiveMultiMap();
    record(r, signed, "415", 415, "urn:hookgate:problem:unsupported-media-type", h);
    record(r, signed, "401", 401, "urn:hookgate:problem:unauthorized", h);
    record(r, signed, "400", 400, "urn:hookgate:problem:malformed-json", h);
    record(r, signed, "202", 202, null, h);
    assertThat(r.requests("signed", 10)).extracting(e -> e.id() + " " + e.auth() + " " + e.authReason())
        .containsExactly("202 accepted null", "400 accepted null", "401 refused auth_invalid",
            "415 not-checked null");
  }

  @Test
  void theSummaryCountsTheLastFifteenMinutesByRefusal() {
    RecentRequests r = recent(2);
    ConfiguredSource signed = source("signed", SIGNATURE);
    MultiMap h = MultiMap.caseInsensitiveMultiMap();
    record(r, signed, "old", 401, "urn:hookgate:problem:unauthorized", h);
    clock.advance(Duration.ofMinutes(20));
    for (int i = 0; i < 3; i++) {
      record(r, signed, "a" + i, 202, null, h);
    }
    record(r, signed, "u", 401, "urn:hookgate:problem:unauthorized", h);
    clock.advance(Duration.ofMinutes(2));
    record(r, signed, "t1", 413, "urn:hookgate:problem:body-too-large", h);
    record(r, signed, "t2", 413, "urn:hookgate:problem:body-too-large", h);
    RecentRequests.Summary s = r.summary("signed");
    assertThat(s.accepted()).as("counted apart from the 2 requests kept").isEqualTo(3);
    assertThat(s.refused()).isEqualTo(3);
    assertThat(s.refusals()).containsExactly(
        new RecentRequests.RefusalCount("urn:hookgate:problem:body-too-large", 413, 2),
        new RecentRequests.RefusalCount("urn:hookgate:problem:unauthorized", 401, 1));
  }
}
