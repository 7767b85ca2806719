package io.kyoto.web.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class NoProxyTest {
  static boolean bypass(String entry, String host, int port) {
    return NoProxy.of(List.of(entry)).matches(host, port);
  }

  @Test
  void aStarMatchesEveryHostAndNoEntryMatchesNone() {
    for (String host : new String[] {"example.com", "127.0.0.1", "[::1]", "localhost"}) {
      assertTrue(NoProxy.of(List.of("other.org", " * ")).matches(host, 443), host);
      assertFalse(NoProxy.of(List.of()).matches(host, 443), host);
      assertFalse(NoProxy.of(List.of("", "  ")).matches(host, 443), host);
    }
  }

  @Test
  void aDomainMatchesItselfAndItsSubdomainsWithOrWithoutALeadingDot() {
    for (String entry :
        new String[] {"example.com", ".example.com", "*.example.com", "EXAMPLE.com."}) {
      assertTrue(bypass(entry, "example.com", 80), entry);
      assertTrue(bypass(entry, "api.example.com", 80), entry);
      assertTrue(bypass(entry, "a.b.Example.COM", 80), entry);
      assertTrue(bypass(entry, "example.com.", 80), entry);
      assertFalse(bypass(entry, "notexample.com", 80), entry);
      assertFalse(bypass(entry, "example.com.evil.org", 80), entry);
      assertFalse(bypass(entry, "example.org", 80), entry);
    }
    assertFalse(bypass("api.example.com", "example.com", 80), "a subdomain is no parent");
  }

  @Test
  void anAddressMatchesThatAddressOrRangeOnlyAndIsNoSuffix() {
    assertTrue(bypass("127.0.0.1", "127.0.0.1", 80));
    assertFalse(bypass("0.0.1", "127.0.0.1", 80));
    assertFalse(bypass("27.0.0.1", "127.0.0.1", 80));
    assertFalse(bypass("127.0.0.1", "localhost", 80), "names are not resolved");
    assertTrue(bypass("10.0.0.0/8", "10.200.3.4", 80));
    assertFalse(bypass("10.0.0.0/8", "11.0.0.1", 80));
    assertTrue(bypass("192.168.1.0/25", "192.168.1.127", 80));
    assertFalse(bypass("192.168.1.0/25", "192.168.1.128", 80));
    assertTrue(bypass("0.0.0.0/0", "8.8.8.8", 80));
    assertFalse(bypass("0.0.0.0/0", "[::1]", 80), "IPv4 ranges hold no IPv6 address");
    for (String entry : new String[] {"::1", "[::1]", "0:0:0:0:0:0:0:1", "::1/128"}) {
      assertTrue(bypass(entry, "[::1]", 80), entry);
      assertTrue(bypass(entry, "[0::01]", 80), entry);
      assertFalse(bypass(entry, "[::2]", 80), entry);
      assertFalse(bypass(entry, "127.0.0.1", 80), entry);
    }
    assertTrue(bypass("fd00::/8", "[fd12:3456::1]", 80));
    assertFalse(bypass("fd00::/8", "[fe80::1]", 80));
    assertFalse(bypass("1.1", "1.1.1.1", 80), "an all-digit domain matches no address");
  }

  @Test
  void anEntryWithAPortMatchesThatPortOnly() {
    assertTrue(bypass("example.com:8080", "api.example.com", 8080));
    assertFalse(bypass("example.com:8080", "api.example.com", 80));
    assertTrue(bypass("127.0.0.1:8080", "127.0.0.1", 8080));
    assertFalse(bypass("127.0.0.1:8080", "127.0.0.1", 8081));
    assertTrue(bypass("[::1]:8080", "[::1]", 8080));
    assertFalse(bypass("[::1]:8080", "[::1]", 80));
    assertTrue(bypass("::1", "[::1]", 8080), "bare IPv6 has no port");
  }

  @Test
  void malformedEntriesAreRefused() {
    for (String entry :
        new String[] {
          "10.0.0.0/33",
          "10.0.0.0/x",
          "::1/129",
          "example.com:http",
          "example.com:0",
          "example.com:65536",
          "*example.com",
          "a.*.com",
          "[::1",
          "[::1]x",
          "[example.com]",
          "example.com/8",
          ".",
          "*."
        }) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> NoProxy.of(List.of(entry)), entry);
      assertTrue(e.getMessage().endsWith(": " + entry), e.getMessage());
    }
    assertEquals(
        "not a host, domain, IP address or address range (with an optional :port): a:b:c",
        assertThrows(IllegalArgumentException.class, () -> NoProxy.of(List.of("a:b:c")))
            .getMessage());
  }
}
