package io.kyoto.runtime.tls;

import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * DNS names as rustls takes them, for the names the JDK refuses: its {@link
 * javax.net.ssl.SNIHostName} and its {@code "HTTPS"} host-name check accept only letters, digits
 * and hyphens, while rustls (and curl, and browsers) also take {@code '_'}, as in {@code
 * my_bucket.example.com}.
 */
final class DnsNames {
  private static final int MAX_LABEL = 63;
  private static final int MAX_NAME = 253;
  private static final int SAN_DNS_NAME = 2; // the GeneralName tag of a dNSName (RFC 5280)

  private DnsNames() {}

  /**
   * {@return why {@code name} is not a DNS name, or null if it is one} The syntax is RFC 1035's
   * with underscores allowed, as rustls's: ASCII letters, digits, {@code '-'} and {@code '_'};
   * labels of 1 to 63 characters that neither start nor end with {@code '-'}; at most 253
   * characters; a last label that is not all digits.
   *
   * @param name a host name without a trailing dot
   */
  static String invalidReason(String name) {
    if (name.isEmpty()) {
      return "empty";
    }
    if (name.length() > MAX_NAME) {
      return "longer than " + MAX_NAME + " characters";
    }
    String[] labels = name.split("\\.", -1);
    for (String label : labels) {
      if (label.isEmpty()) {
        return "empty label";
      }
      if (label.length() > MAX_LABEL) {
        return "label longer than " + MAX_LABEL + " characters";
      }
      if (label.startsWith("-") || label.endsWith("-")) {
        return "label starting or ending with '-'";
      }
      for (int i = 0; i < label.length(); i++) {
        char c = label.charAt(i);
        boolean ok =
            (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '-'
                || c == '_';
        if (!ok) {
          return "character '" + c + "' is not allowed";
        }
      }
    }
    if (labels[labels.length - 1].chars().allMatch(c -> c >= '0' && c <= '9')) {
      return "the last label is all digits";
    }
    return null;
  }

  /**
   * Checks that the peer's certificate names {@code host} in a DNS subject alternative name, as the
   * JDK's {@code "HTTPS"} check does for the names it takes: case-insensitive equality, or a {@code
   * "*."} wildcard standing for exactly the first label. The common name is not looked at (rustls
   * does not either).
   *
   * @param session the completed handshake's session
   * @param host a DNS name as {@link #invalidReason} accepts
   * @throws SSLHandshakeException if no name matches
   * @throws SSLPeerUnverifiedException if the peer sent no certificate
   */
  static void verify(SSLSession session, String host)
      throws SSLHandshakeException, SSLPeerUnverifiedException {
    Certificate[] chain = session.getPeerCertificates();
    if (chain.length > 0 && chain[0] instanceof X509Certificate leaf) {
      Collection<List<?>> sans;
      try {
        sans = leaf.getSubjectAlternativeNames();
      } catch (CertificateParsingException e) {
        throw new SSLHandshakeException("the server's subject alternative names are malformed", e);
      }
      if (sans != null) {
        for (List<?> san : sans) {
          if (san.get(0) instanceof Integer tag
              && tag == SAN_DNS_NAME
              && san.get(1) instanceof String presented
              && matches(presented, host)) {
            return;
          }
        }
      }
    }
    throw new SSLHandshakeException("No subject alternative DNS name matching " + host + " found.");
  }

  private static boolean matches(String presented, String host) {
    String p = presented.toLowerCase(Locale.ROOT);
    String h = host.toLowerCase(Locale.ROOT);
    if (!p.startsWith("*.")) {
      return p.equals(h);
    }
    String suffix = p.substring(1); // ".example.com"
    int firstDot = h.indexOf('.');
    // The wildcard stands for one whole label, above at least two more (no "*.com").
    return suffix.indexOf('.', 1) > 0 && firstDot > 0 && h.substring(firstDot).equals(suffix);
  }
}
