package io.hookgate.actions;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * SSRF protection: outbound calls may only reach public addresses unless their target explicitly allows
 * otherwise. The check runs on the addresses the host name resolves to (not on the name), and the caller
 * connects to the very address that was checked, so a DNS answer that changes between check and connect
 * (rebinding) cannot slip through. Every redirect hop is checked the same way.
 *
 * <p>Refused: loopback (127.0.0.0/8, ::1), unspecified (0.0.0.0/8, ::), private (10/8, 172.16/12,
 * 192.168/16), shared CGNAT (100.64/10), link-local (169.254/16 with the cloud metadata address
 * 169.254.169.254, fe80::/10), unique-local (fc00::/7), site-local (fec0::/10), IETF and benchmarking
 * ranges (192.0.0/24, 198.18/15), multicast and reserved ranges, and IPv6 forms that embed one of those
 * IPv4 addresses (mapped, compatible, NAT64, 6to4).
 */
public final class SsrfGuard {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private final Vertx vertx;

  public SsrfGuard(Vertx vertx) {
    this.vertx = vertx;
  }

  /** A call refused by the guard: a permanent failure. */
  public static final class RefusedException extends Exception {
    public RefusedException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * What a target may reach besides public addresses.
   *
   * @param allowPrivateNetwork anything goes
   * @param entries host names, IP addresses and CIDR ranges from {@code allowedHosts}
   */
  public record Allowance(boolean allowPrivateNetwork, List<String> entries) {
    public Allowance {
      entries = entries == null ? List.of() : entries.stream().map(e -> e.toLowerCase(Locale.ROOT)).toList();
      for (String e : entries) {
        if (e.contains("/")) {
          Cidr.parse(e);
        }
      }
    }

    boolean allowsName(String host) {
      return allowPrivateNetwork || entries.contains(host.toLowerCase(Locale.ROOT));
    }

    boolean allowsAddress(InetAddress address) {
      if (allowPrivateNetwork) {
        return true;
      }
      for (String e : entries) {
        if (e.contains("/") ? Cidr.parse(e).contains(address) : sameAddress(e, address)) {
          return true;
        }
      }
      return false;
    }

    private static boolean sameAddress(String entry, InetAddress address) {
      InetAddress literal = literal(entry);
      return literal != null && literal.equals(address);
    }
  }

  /**
   * Resolves {@code host} and checks every address it resolves to; completes with the address to connect
   * to, or fails with {@link RefusedException} (refused) or {@link UnknownHostException} (DNS failure,
   * worth a retry). Name resolution runs on a worker thread: the system resolver blocks.
   */
  public Future<InetAddress> resolve(String host, Allowance allowance) {
    String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    InetAddress literal = literal(bare);
    if (literal != null) {
      return check(bare, List.of(literal), allowance);
    }
    return vertx.executeBlocking(() -> List.of(InetAddress.getAllByName(bare)), false)
        .compose(addresses -> check(bare, addresses, allowance));
  }

  private static Future<InetAddress> check(String host, List<InetAddress> addresses, Allowance allowance) {
    if (addresses.isEmpty()) {
      return Future.failedFuture(new UnknownHostException(host));
    }
    if (allowance.allowsName(host)) {
      return Future.succeededFuture(addresses.get(0));
    }
    for (InetAddress a : addresses) {
      String why = blockedReason(a);
      if (why != null && !allowance.allowsAddress(a)) {
        String shown = a.getHostAddress().equals(host) ? host : host + " (" + a.getHostAddress() + ")";
        return Future.failedFuture(new RefusedException("SSRF protection refused " + shown + ": " + why
            + "; allow it with the target's allowPrivateNetwork or allowedHosts"));
      }
    }
    return Future.succeededFuture(addresses.get(0));
  }

  /** Why an address is not public, or null when it is. */
  public static String blockedReason(InetAddress a) {
    if (a instanceof Inet4Address) {
      return blockedV4(a.getAddress());
    }
    byte[] b = a.getAddress();
    if (a.isAnyLocalAddress()) {
      return "an unspecified address (::)";
    }
    if (a.isLoopbackAddress()) {
      return "a loopback address (::1)";
    }
    int first = b[0] & 0xff;
    int second = b[1] & 0xff;
    if ((first & 0xfe) == 0xfc) {
      return "a unique-local address (fc00::/7)";
    }
    if (first == 0xfe && (second & 0xc0) == 0x80) {
      return "a link-local address (fe80::/10)";
    }
    if (first == 0xfe && (second & 0xc0) == 0xc0) {
      return "a site-local address (fec0::/10)";
    }
    if (first == 0xff) {
      return "a multicast address (ff00::/8)";
    }
    byte[] embedded = embeddedV4((Inet6Address) a);
    if (embedded != null) {
      String v4 = blockedV4(embedded);
      if (v4 != null) {
        return "an IPv6 address embedding " + v4;
      }
    }
    return null;
  }

  private static String blockedV4(byte[] b) {
    int o1 = b[0] & 0xff;
    int o2 = b[1] & 0xff;
    int o3 = b[2] & 0xff;
    if (o1 == 0) {
      return "an unspecified address (0.0.0.0/8)";
    }
    if (o1 == 127) {
      return "a loopback address (127.0.0.0/8)";
    }
    if (o1 == 10) {
      return "a private address (10.0.0.0/8)";
    }
    if (o1 == 172 && (o2 & 0xf0) == 16) {
      return "a private address (172.16.0.0/12)";
    }
    if (o1 == 192 && o2 == 168) {
      return "a private address (192.168.0.0/16)";
    }
    if (o1 == 169 && o2 == 254) {
      return "a link-local address (169.254.0.0/16, where cloud metadata services such as 169.254.169.254 live)";
    }
    if (o1 == 100 && (o2 & 0xc0) == 64) {
      return "a shared (CGNAT) address (100.64.0.0/10)";
    }
    if (o1 == 192 && o2 == 0 && o3 == 0) {
      return "an IETF protocol address (192.0.0.0/24)";
    }
    if (o1 == 198 && (o2 & 0xfe) == 18) {
      return "a benchmarking address (198.18.0.0/15)";
    }
    if (o1 >= 224) {
      return o1 < 240 ? "a multicast address (224.0.0.0/4)" : "a reserved address (240.0.0.0/4)";
    }
    return null;
  }

  /** The IPv4 address inside an IPv4-compatible (::/96), NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address. */
  private static byte[] embeddedV4(Inet6Address a) {
    byte[] b = a.getAddress();
    boolean zeroPrefix = true;
    for (int i = 0; i < 12; i++) {
      zeroPrefix &= b[i] == 0;
    }
    boolean nat64 = (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
    for (int i = 4; nat64 && i < 12; i++) {
      nat64 &= b[i] == 0;
    }
    if (zeroPrefix || nat64) {
      return new byte[] {b[12], b[13], b[14], b[15]};
    }
    if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
      return new byte[] {b[2], b[3], b[4], b[5]};
    }
    return null;
  }

  /** Parses an IP literal without any DNS lookup; null for a host name. */
  public static InetAddress literal(String text) {
    if (!IPV4.matcher(text).matches() && !text.contains(":")) {
      return null;
    }
    try {
      return InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** An IPv4 or IPv6 CIDR range such as {@code 10.1.0.0/16}. */
  record Cidr(byte[] network, int bits) {
    static Cidr parse(String text) {
      int slash = text.indexOf('/');
      InetAddress base = literal(text.substring(0, slash));
      int bits;
      try {
        bits = Integer.parseInt(text.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + text + "' is not a CIDR range");
      }
      if (base == null || bits < 0 || bits > base.getAddress().length * 8) {
        throw new IllegalArgumentException("'" + text + "' is not a CIDR range");
      }
      return new Cidr(base.getAddress(), bits);
    }

    boolean contains(InetAddress a) {
      byte[] b = a.getAddress();
      if (b.length != network.length) {
        return false;
      }
      int full = bits / 8;
      for (int i = 0; i < full; i++) {
        if (b[i] != network[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (b[full] & mask) == (network[full] & mask);
    }
  }
}
