package io.kyoto.web.route;

import io.kyoto.web.internal.UriDecoding;
import java.util.ArrayList;
import java.util.List;

/** Splitting and percent-decoding of request paths and route patterns. */
final class Paths {
  private Paths() {}

  /**
   * {@return the decoded segments of {@code path}, or null if it is not an origin-form path} {@code
   * /} is one empty segment; {@code /a/} is {@code a} and an empty segment.
   *
   * @throws Rejection (400) on a malformed percent escape
   */
  static String[] split(String path) throws Rejection {
    if (path.isEmpty() || path.charAt(0) != '/') return null;
    int count = 1;
    for (int i = 1; i < path.length(); i++) if (path.charAt(i) == '/') count++;
    String[] segs = new String[count];
    int start = 1;
    for (int s = 0; s < count; s++) {
      int end = path.indexOf('/', start);
      if (end < 0) end = path.length();
      String seg = path.substring(start, end);
      segs[s] = seg.indexOf('%') < 0 ? seg : decode(seg);
      start = end + 1;
    }
    return segs;
  }

  /** {@return the pattern's segments, in the form {@link PathTrie#add} takes} */
  static List<String> pattern(String pattern, List<String> paramNames) {
    if (pattern.isEmpty() || pattern.charAt(0) != '/') {
      throw new IllegalArgumentException("route pattern must start with '/': \"" + pattern + "\"");
    }
    List<String> out = new ArrayList<>();
    String[] parts = pattern.substring(1).split("/", -1);
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      if (p.startsWith("{") && p.endsWith("}")) {
        boolean tail = p.startsWith("{*");
        String name = p.substring(tail ? 2 : 1, p.length() - 1);
        if (name.isEmpty() || name.indexOf('{') >= 0 || name.indexOf('}') >= 0) {
          throw new IllegalArgumentException("bad parameter " + p + " in \"" + pattern + "\"");
        }
        if (tail && i != parts.length - 1) {
          throw new IllegalArgumentException(
              p + " must be the last segment of \"" + pattern + "\"");
        }
        if (paramNames.contains(name)) {
          throw new IllegalArgumentException(
              "parameter {" + name + "} appears twice in \"" + pattern + "\"");
        }
        paramNames.add(name);
        out.add(p);
      } else if (p.indexOf('{') >= 0 || p.indexOf('}') >= 0) {
        throw new IllegalArgumentException(
            "a parameter must be a whole segment: \"" + p + "\" in \"" + pattern + "\"");
      } else if (p.length() > 1 && p.charAt(0) == ':') {
        // Express's and axum 0.7's parameter syntax: taken as a literal it would quietly 404.
        throw new IllegalArgumentException(
            "\""
                + p
                + "\" in \""
                + pattern
                + "\" is not a parameter: write {"
                + p.substring(1)
                + "} (a segment may not start with ':')");
      } else {
        out.add(p);
      }
    }
    return out;
  }

  private static String decode(String seg) throws Rejection {
    try {
      return UriDecoding.percentDecode(seg, false);
    } catch (IllegalArgumentException e) {
      throw Rejection.badRequest(e.getMessage() + " in path segment \"" + seg + "\"");
    }
  }

  private static Rejection bad(String seg) {
    return Rejection.badRequest("malformed percent-encoding in path segment \"" + seg + "\"");
  }
}
