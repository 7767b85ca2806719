package io.kyoto.web.route;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.service.Service;
import io.kyoto.web.HttpException;
import io.kyoto.web.Method;
import io.kyoto.web.Request;
import io.kyoto.web.Response;
import io.kyoto.web.Status;
import io.kyoto.web.internal.FailureStatus;
import java.util.List;
import java.util.StringJoiner;

/** The compiled router: an immutable, always-ready, stateless service. */
final class RouterService implements Service<Request, Response> {
  /** Looked up on first use: {@code System.getLogger} costs tens of ms at start-up. */
  private static final class Log {
    static final System.Logger LOG = System.getLogger("io.kyoto.web.route");

    private Log() {}
  }

  private final PathTrie trie;
  private final Recover recover;
  private final int bodyLimit;

  RouterService(PathTrie trie, Recover recover, int bodyLimit) {
    this.trie = trie;
    this.recover = recover;
    this.bodyLimit = bodyLimit;
  }

  @Override
  public Future<Response> call(Request request) {
    Future<Response> f;
    try {
      f = dispatch(request);
    } catch (Exception e) {
      return Futures.ready(failure(request, e));
    }
    return f.recover(e -> failure(request, e));
  }

  private Future<Response> dispatch(Request request) throws Exception {
    String[] segments = Paths.split(request.path());
    if (segments == null) throw Rejection.notFound();
    PathTrie.Lookup lookup = trie.find(request.method(), segments);
    if (lookup.routes == null) {
      throw lookup.allowed != null
          ? Rejection.methodNotAllowed(lookup.allowed)
          : Rejection.notFound();
    }
    Exchange ex = new Exchange(request, bodyLimit);
    return attempt(ex, lookup.routes, 0, lookup.values, null);
  }

  /** Tries routes {@code from} onwards; the first whose filters all accept runs its handler. */
  private static Future<Response> attempt(
      Exchange ex, List<RouteDef> routes, int from, String[] values, Rejection rejected)
      throws Exception {
    for (int idx = from; idx < routes.size(); idx++) {
      RouteDef route = routes.get(idx);
      ex.bind(route.pattern(), route.paramNames(), values);
      Filter<?>[] filters = route.filters();
      Object[] v = new Object[filters.length];
      int k = 0;
      try {
        while (k < filters.length && filters[k] instanceof SyncFilter<?> s) {
          v[k] = s.get(ex);
          k++;
        }
      } catch (Rejection r) {
        rejected = Rejection.preferred(rejected, r);
        continue;
      }
      if (k == filters.length) return route.invoker().invoke(ex.request(), v, route.argOffset());
      int next = idx + 1;
      Rejection before = rejected;
      return extractFrom(ex, filters, v, k)
          .handle(Outcome::new)
          .flatMap(
              o -> {
                if (o.error == null) {
                  return route.invoker().invoke(ex.request(), o.values, route.argOffset());
                }
                if (o.error instanceof Rejection r) {
                  return attempt(ex, routes, next, values, Rejection.preferred(before, r));
                }
                throw o.error;
              });
    }
    throw rejected;
  }

  private record Outcome(Object[] values, Exception error) {}

  /** Runs filters from {@code k} (an asynchronous one) to the end. */
  private static Future<Object[]> extractFrom(Exchange ex, Filter<?>[] filters, Object[] v, int k) {
    return filters[k]
        .extract(ex)
        .flatMap(
            value -> {
              v[k] = value;
              for (int j = k + 1; j < filters.length; j++) {
                if (filters[j] instanceof SyncFilter<?> s) {
                  v[j] = s.get(ex);
                } else {
                  return extractFrom(ex, filters, v, j);
                }
              }
              return Futures.ready(v);
            });
  }

  private Response failure(Request request, Exception error) {
    if (recover != null) {
      try {
        Response r = recover.recover(request, error);
        if (r != null) {
          // RFC 9110 section 15.5.6: a 405 MUST have Allow; the hook need not know how to add it.
          if (r.status().code() == 405
              && error instanceof Rejection rej
              && !r.headers().contains("allow")) {
            addAllow(r, rej);
          }
          return r;
        }
      } catch (Exception again) {
        error = again;
      }
    }
    return defaultResponse(request, error);
  }

  /** Adds the {@code Allow} header of a 405 rejection to {@code r}; none for other rejections. */
  private static void addAllow(Response r, Rejection rejection) {
    if (rejection.allowed().isEmpty()) return;
    StringJoiner allow = new StringJoiner(", ");
    for (Method m : rejection.allowed()) allow.add(m.name());
    r.header("allow", allow.toString());
  }

  /**
   * {@return the default response for {@code error}}
   *
   * @param request the request, for the log
   * @param error a rejection, an {@link HttpException} or any other failure
   */
  static Response defaultResponse(Request request, Exception error) {
    if (error instanceof HttpException h) {
      String msg = h.getMessage();
      Response r =
          msg == null || msg.isEmpty()
              ? Response.text(h.status().reason()).status(h.status())
              : Response.text(msg).status(h.status());
      if (error instanceof Rejection rej) addAllow(r, rej);
      return r;
    }
    // As the server maps them (README, "Failures map to statuses"): a timeout is 504, shed load
    // or a closed buffer 503; neither is a handler's bug to log with its stack trace.
    Status status = FailureStatus.of(error);
    if (status.code() == 504) {
      return Response.text(status.reason()).status(status);
    }
    if (status.code() == 503) {
      return Response.text(status.reason()).status(status).header("retry-after", "1");
    }
    Log.LOG.log(System.Logger.Level.WARNING, "handler failed for " + request, error);
    return Response.text("Internal Server Error").status(Status.INTERNAL_SERVER_ERROR);
  }
}
