package io.kyoto.web.internal.client;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The hosts a client reaches without its proxy: {@code NO_PROXY} as curl and reqwest read it, with
 * Go's optional port.
 *
 * <ul>
 *   <li>{@code *} matches every host.
 *   <li>An IP address ({@code 10.1.2.3}, {@code ::1}, {@code [::1]}), optionally with a prefix
 *       length ({@code 10.0.0.0/8}, {@code fd00::/8}), matches a host given as an address in that
 *       range, compared as addresses (so {@code ::1} matches {@code [0:0:0:0:0:0:0:1]}). It never
 *       matches a host name, and is never a suffix: {@code 0.0.1} does not match {@code 127.0.0.1}.
 *   <li>Anything else is a domain name: it matches that name and every name under it, at a label
 *       boundary ({@code example.com} matches {@code example.com} and {@code api.example.com}, not
 *       {@code notexample.com}); a leading {@code .} or {@code *.} changes nothing, as in curl and
 *       reqwest. Names compare case-insensitively, a trailing dot ignored; a domain never matches a
 *       host given as an IP address.
 *   <li>An entry may end with {@code :port} ({@code [v6]:port} for an IPv6 address): it then
 *       matches that port only, as Go's {@code NO_PROXY} does; without one it matches every port.
 * </ul>
 *
 * <p>Immutable.
 */
public final class NoProxy {
  private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

  /** One entry: a domain, or an address range ({@code network} and prefix {@code bits}). */
  private record Entry(String domain, byte[] network, int bits, int port) {}

  private final boolean all;
  private final List<Entry> entries;

  private NoProxy(boolean all, List<Entry> entries) {
    this.all = all;
    this.entries = entries;
  }

  /**
   * {@return the rules of these entries} Blank entries are skipped.
   *
   * @param entries the entries, as for {@code NO_PROXY} split at its commas
   * @throws IllegalArgumentException for an entry that is none of the forms above
   */
  public static NoProxy of(List<String> entries) {
    boolean all = false;
    List<Entry> parsed = new ArrayList<>();
    for (String raw : entries) {
      String e = raw.trim().toLowerCase(Locale.ROOT);
      if (e.isEmpty()) continue;
      if (e.equals("*")) all = true;
      else parsed.add(parse(e, raw));
    }
    return new NoProxy(all, List.copyOf(parsed));
  }

  private static Entry parse(String e, String raw) {
    int port = -1;
    boolean bracketed = e.startsWith("[");
    if (bracketed) {
      int close = e.indexOf(']');
      if (close < 0) throw invalid(raw);
      String rest = e.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) throw invalid(raw);
        port = port(rest.substring(1), raw);
      }
      e = e.substring(1, close);
    } else {
      int colon = e.indexOf(':');
      if (colon >= 0 && colon == e.lastIndexOf(':')) { // host:port; more colons: IPv6
        port = port(e.substring(colon + 1), raw);
        e = e.substring(0, colon);
      }
    }
    int slash = e.indexOf('/');
    String address = slash < 0 ? e : e.substring(0, slash);
    byte[] ip = address(address);
    if (ip != null) {
      int bits = ip.length * 8;
      if (slash >= 0) {
        try {
          bits = Integer.parseInt(e.substring(slash + 1));
        } catch (NumberFormatException x) {
          throw invalid(raw);
        }
        if (bits < 0 || bits > ip.length * 8) throw invalid(raw);
      }
      return new Entry(null, ip, bits, port);
    }
    if (bracketed || slash >= 0 || e.indexOf(':') >= 0) throw invalid(raw);
    if (e.startsWith("*.")) e = e.substring(2);
    else if (e.startsWith(".")) e = e.substring(1);
    if (e.endsWith(".")) e = e.substring(0, e.length() - 1);
    if (e.isEmpty() || e.indexOf('*') >= 0 || e.startsWith(".")) throw invalid(raw);
    return new Entry(e, null, 0, port);
  }

  private static int port(String s, String raw) {
    try {
      int port = Integer.parseInt(s);
      if (port >= 1 && port <= 65535) return port;
    } catch (NumberFormatException x) {
      // below
    }
    throw invalid(raw);
  }

  private static IllegalArgumentException invalid(String raw) {
    return new IllegalArgumentException(
        "not a host, domain, IP address or address range (with an optional :port): " + raw);
  }

  /** {@return the bytes of an IPv4 or IPv6 literal, or null if {@code s} is none} */
  private static byte[] address(String s) {
    if (!IPV4.matcher(s).matches() && s.indexOf(':') < 0) return null;
    try {
      return InetAddress.ofLiteral(s).getAddress();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * {@return whether a request to {@code host} on {@code port} bypasses the proxy}
   *
   * @param host the host as {@link java.net.URI#getHost()} gives it (an IPv6 address in brackets)
   * @param port the port the request goes to
   */
  public boolean matches(String host, int port) {
    if (all) return true;
    if (entries.isEmpty()) return false;
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
    if (h.endsWith(".")) h = h.substring(0, h.length() - 1);
    byte[] ip = address(h);
    for (Entry e : entries) {
      if (e.port >= 0 && e.port != port) continue;
      if (e.domain == null) {
        if (ip != null && ip.length == e.network.length && inRange(ip, e.network, e.bits)) {
          return true;
        }
      } else if (ip == null && underDomain(h, e.domain)) {
        return true;
      }
    }
    return false;
  }

  private static boolean underDomain(String host, String domain) {
    return host.equals(domain)
        || (host.endsWith(domain) && host.charAt(host.length() - domain.length() - 1) == '.');
  }

  private static boolean inRange(byte[] ip, byte[] network, int bits) {
    int whole = bits / 8;
    for (int i = 0; i < whole; i++) if (ip[i] != network[i]) return false;
    int rest = bits % 8;
    if (rest == 0) return true;
    int mask = (0xFF << (8 - rest)) & 0xFF;
    return (ip[whole] & mask) == (network[whole] & mask);
  }
}
