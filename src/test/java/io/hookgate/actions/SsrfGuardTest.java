package io.hookgate.actions;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Address classification and allowances, without any network traffic (IP literals resolve locally). */
class SsrfGuardTest {
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(5, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "127.9.9.9", "10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.254",
      "192.168.1.1", "169.254.169.254", "169.254.0.1", "0.0.0.0", "100.64.0.1", "224.0.0.1", "255.255.255.255",
      "::1", "::", "fc00::1", "fd00:ec2::254", "fe80::1", "::ffff:10.0.0.1", "::ffff:127.0.0.1", "64:ff9b::a00:1",
      "2002:a00:1::1", "::10.0.0.1"})
  void refusesNonPublicAddresses(String address) throws Exception {
    assertThat(SsrfGuard.blockedReason(InetAddress.getByName(address))).as(address).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "172.15.255.255", "172.32.0.1", "192.169.0.1", "100.128.0.1",
      "169.255.0.1", "2606:4700::1111", "64:ff9b::808:808"})
  void acceptsPublicAddresses(String address) throws Exception {
    assertThat(SsrfGuard.blockedReason(InetAddress.getByName(address))).as(address).isNull();
  }

  @Test
  void metadataAddressIsNamedInTheReason() throws Exception {
    assertThat(SsrfGuard.blockedReason(InetAddress.getByName("169.254.169.254"))).contains("link-local")
        .contains("169.254.169.254");
    assertThat(SsrfGuard.blockedReason(InetAddress.getByName("10.0.0.1"))).contains("private").contains("10.0.0.0/8");
  }

  @Test
  void resolveRefusesUnlessAllowed() throws Exception {
    SsrfGuard guard = new SsrfGuard(vertx);
    SsrfGuard.Allowance none = new SsrfGuard.Allowance(false, List.of());
    // IP literals are checked without any lookup, so the futures are already complete.
    Throwable refused = guard.resolve("10.0.0.1", none).cause();
    assertThat(refused).isInstanceOf(SsrfGuard.RefusedException.class);
    assertThat(refused.getMessage()).contains("SSRF protection refused 10.0.0.1").contains("allowedHosts");
    assertThat(guard.resolve("[::1]", none).failed()).isTrue();

    SsrfGuard.Allowance cidr = new SsrfGuard.Allowance(false, List.of("10.1.0.0/16"));
    assertThat(guard.resolve("10.1.2.3", cidr).result().getHostAddress()).isEqualTo("10.1.2.3");
    assertThat(guard.resolve("10.2.0.1", cidr).failed()).isTrue();

    SsrfGuard.Allowance exact = new SsrfGuard.Allowance(false, List.of("127.0.0.1"));
    assertThat(guard.resolve("127.0.0.1", exact).succeeded()).isTrue();
    assertThat(guard.resolve("127.0.0.2", exact).failed()).isTrue();

    SsrfGuard.Allowance all = new SsrfGuard.Allowance(true, List.of());
    assertThat(guard.resolve("192.168.0.10", all).succeeded()).isTrue();
  }

  @Test
  void hostNamesAreCheckedAfterResolution() throws Exception {
    // localhost resolves (through /etc/hosts, no DNS server involved) to a loopback address.
    SsrfGuard guard = new SsrfGuard(vertx);
    Throwable error = null;
    try {
      guard.resolve("localhost", new SsrfGuard.Allowance(false, List.of())).await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      error = e;
    }
    assertThat(error).isInstanceOf(SsrfGuard.RefusedException.class);
    assertThat(error.getMessage()).contains("localhost").contains("loopback");
    assertThat(guard.resolve("localhost", new SsrfGuard.Allowance(false, List.of("localhost")))
        .await(10, TimeUnit.SECONDS).isLoopbackAddress()).isTrue();
  }
}
