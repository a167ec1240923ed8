package io.hookgate.tail;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.rules.EventFilter;
import io.hookgate.rules.FilterExpressions;
import io.hookgate.subscriptions.SubscriptionFilter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which following streams a record's key brings up. */
class FollowingStreamsTest {
  private final FilterExpressions expressions = new FilterExpressions();

  private TailClient stream(long n, List<String> projects) {
    EventFilter filter = projects == null ? null
        : EventFilter.compile(new SubscriptionFilter(null, projects, null, null, null), expressions, "match");
    return new TailClient(n, filter, null, new long[] {0}, new long[] {0});
  }

  @Test
  void aKeyBringsUpTheStreamsNamingItOnceAndThoseNamingNoProject() {
    FollowingStreams streams = new FollowingStreams();
    TailClient p1 = stream(1, List.of("p1", "p1", "p2"));
    TailClient p2 = stream(2, List.of("p2"));
    TailClient any = stream(3, null);
    List.of(p1, p2, any).forEach(streams::add);
    assertThat(streams.named("p1")).containsExactly(p1);
    assertThat(streams.named("p2")).containsExactly(p1, p2);
    assertThat(streams.named("p3")).isEmpty();
    assertThat(streams.anyProject()).containsExactly(any);
    assertThat(streams.all()).containsExactly(p1, p2, any);

    streams.remove(p1);
    assertThat(streams.named("p1")).isEmpty();
    assertThat(streams.named("p2")).containsExactly(p2);
    assertThat(streams.all()).containsExactly(p2, any);
  }
}
