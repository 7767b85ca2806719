package io.kyoto.web.route;

import io.kyoto.web.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The state shared by {@code Route0} … {@code Route4} until a handler completes the route. */
final class RouteSpec {
  private final Router router;
  private final Method method;
  private final String pattern;
  private final Filter<?>[] args;
  private final List<Filter<?>> guards = new ArrayList<>(2);
  private boolean done;

  RouteSpec(Router router, Method method, String pattern, Filter<?>... args) {
    this.router = router;
    this.method = Objects.requireNonNull(method, "method");
    this.pattern = Objects.requireNonNull(pattern, "pattern");
    for (Filter<?> f : args) Objects.requireNonNull(f, "filter");
    this.args = args;
  }

  void guard(Filter<?> guard) {
    guards.add(Objects.requireNonNull(guard, "guard"));
  }

  Router finish(Invoker invoker) {
    if (done) throw new IllegalStateException("route " + method + " " + pattern + " has a handler");
    done = true;
    Filter<?>[] all = new Filter<?>[guards.size() + args.length];
    for (int i = 0; i < guards.size(); i++) all[i] = guards.get(i);
    System.arraycopy(args, 0, all, guards.size(), args.length);
    router.add(method, pattern, all, guards.size(), invoker);
    return router;
  }
}
