package io.kyoto.web.route;

import io.kyoto.web.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Routes compiled into a trie of path segments. A node has literal children in a hash map, at most
 * one parameter child ({@code {name}}, any one non-empty segment) and at most one tail child
 * ({@code {*name}}, the rest of the path). Lookup costs one hash probe per segment whatever the
 * number of routes; it prefers literal over parameter over tail and backtracks when a preferred
 * branch does not lead to a route for the request's method, collecting the methods it met for a 405
 * {@code Allow} header.
 *
 * <p>Built once, then read-only: safe to share between threads.
 */
final class PathTrie {
  static final class Node {
    Map<String, Node> literals;
    Node param;
    Node tail;
    Map<Method, List<RouteDef>> routes;
  }

  /** The outcome of a lookup. */
  static final class Lookup {
    List<RouteDef> routes;
    String[] values;
    Set<Method> allowed;

    void allow(Node n) {
      if (allowed == null) allowed = new LinkedHashSet<>();
      allowed.addAll(n.routes.keySet());
      if (n.routes.containsKey(Method.GET)) allowed.add(Method.HEAD);
    }
  }

  private final Node root = new Node();

  /**
   * Adds a route.
   *
   * @param segments the pattern's segments: literals, {@code {name}} or {@code {*name}}
   * @throws IllegalStateException if a route added before for the same method and path (parameter
   *     names aside) {@linkplain RouteDef#acceptsAll accepts every request}: this one could never
   *     run (axum refuses such an overlap too)
   */
  void add(List<String> segments, RouteDef route) {
    Node n = root;
    for (String s : segments) {
      if (s.startsWith("{*")) {
        if (n.tail == null) n.tail = new Node();
        n = n.tail;
      } else if (s.startsWith("{")) {
        if (n.param == null) n.param = new Node();
        n = n.param;
      } else {
        if (n.literals == null) n.literals = new HashMap<>();
        n = n.literals.computeIfAbsent(s, k -> new Node());
      }
    }
    if (n.routes == null) n.routes = new LinkedHashMap<>();
    List<RouteDef> same = n.routes.computeIfAbsent(route.method(), k -> new ArrayList<>(1));
    for (RouteDef earlier : same) {
      if (earlier.acceptsAll()) throw unreachable(earlier, route);
    }
    same.add(route);
  }

  private static IllegalStateException unreachable(RouteDef earlier, RouteDef route) {
    String m = route.method().name();
    String why = " has no guard or filter that can reject, so ";
    return new IllegalStateException(
        earlier.pattern().equals(route.pattern())
            ? "duplicate route "
                + m
                + " "
                + route.pattern()
                + ": the one added before it"
                + why
                + "this one would never run"
            : "route "
                + m
                + " "
                + route.pattern()
                + " would never run: "
                + m
                + " "
                + earlier.pattern()
                + ", added before it, matches the same paths and"
                + why
                + "it answers them all");
  }

  /**
   * Finds the routes for {@code method} at the path made of {@code segments} (decoded).
   *
   * @return the lookup: {@code routes} null when none matched
   */
  Lookup find(Method method, String[] segments) {
    Lookup out = new Lookup();
    find(root, segments, 0, new String[segments.length], 0, method, out);
    return out;
  }

  private static boolean find(
      Node n, String[] segs, int i, String[] caps, int ncap, Method method, Lookup out) {
    if (i == segs.length) return leaf(n, caps, ncap, method, out);
    String seg = segs[i];
    if (n.literals != null) {
      Node c = n.literals.get(seg);
      if (c != null && find(c, segs, i + 1, caps, ncap, method, out)) return true;
    }
    if (n.param != null && !seg.isEmpty()) {
      caps[ncap] = seg;
      if (find(n.param, segs, i + 1, caps, ncap + 1, method, out)) return true;
    }
    if (n.tail != null) {
      caps[ncap] = String.join("/", Arrays.asList(segs).subList(i, segs.length));
      return leaf(n.tail, caps, ncap + 1, method, out);
    }
    return false;
  }

  private static boolean leaf(Node n, String[] caps, int ncap, Method method, Lookup out) {
    if (n.routes == null) return false;
    List<RouteDef> routes = n.routes.get(method);
    if (routes == null && method.equals(Method.HEAD)) routes = n.routes.get(Method.GET);
    if (routes == null) {
      out.allow(n);
      return false;
    }
    out.routes = routes;
    out.values = ncap == caps.length ? caps : Arrays.copyOf(caps, ncap);
    return true;
  }
}
