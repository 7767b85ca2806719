package io.kyoto.examples.todo;

import static io.kyoto.web.route.Filters.path;
import static io.kyoto.web.route.Filters.queryOptional;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Handle;
import io.kyoto.runtime.RuntimeMetrics;
import io.kyoto.runtime.annotation.AsyncMain;
import io.kyoto.runtime.service.Service;
import io.kyoto.runtime.signal.Signals;
import io.kyoto.runtime.stream.Stream;
import io.kyoto.web.HttpException;
import io.kyoto.web.HttpServer;
import io.kyoto.web.Request;
import io.kyoto.web.Response;
import io.kyoto.web.ServerMetrics;
import io.kyoto.web.Status;
import io.kyoto.web.route.AccessLog;
import io.kyoto.web.route.Compression;
import io.kyoto.web.route.Filter;
import io.kyoto.web.route.Json;
import io.kyoto.web.route.Parser;
import io.kyoto.web.route.Rejection;
import io.kyoto.web.route.RequestId;
import io.kyoto.web.route.Router;
import io.kyoto.web.sse.Event;
import io.kyoto.web.sse.Sse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Consumer;
import java.util.function.Supplier;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * A todo list as a JSON API, with a page that shows it live: the example web application of Kyoto.
 *
 * <pre>
 * GET    /api/todos[?done=true|false]   list                        200
 * POST   /api/todos                     {"title": "...", "done": false} → 201 + Location
 * GET    /api/todos/{id}                one                         200, 404
 * PUT    /api/todos/{id}                replace title and done      200, 404
 * DELETE /api/todos/{id}                                            204, 404
 * GET    /api/events                    server-sent events: created, updated, deleted
 * GET    /api/metrics                   the server's and the runtime's counters   200
 * GET    /  and  /static/{file}         the page (index.html) and its script
 * </pre>
 *
 * <p>Every error is JSON, {@code {"error": "..."}}: 400 (bad id, query or JSON), 404, 405 (with
 * {@code Allow}), 413, 415, 422 (validation) and 500. Every response carries an {@code
 * X-Request-Id}, and every request is logged with it.
 *
 * <pre>java -jar examples/todo/target/todo.jar [host:port [static-dir]]   (default 127.0.0.1:8080)
 * </pre>
 */
public final class Todo {
  private static final System.Logger LOG = System.getLogger(Todo.class.getName());

  /** A todo id in a path: a long (400 otherwise). */
  static final Filter<Long> ID = path("id", Parser.LONG);

  /** Event data is JSON too; {@link Json} writes response bodies, this writes SSE data lines. */
  private static final ObjectMapper MAPPER = JsonMapper.builder().build();

  private Todo() {}

  /**
   * {@return the application: routes, JSON errors, request ids and an access log}
   *
   * @param store the todos
   * @param assets the page and its script
   * @param keepAlive how long an idle event stream waits before a keep-alive comment
   * @param accessLog receives one line per request
   */
  public static Service<Request, Response> app(
      TodoStore store, Assets assets, Duration keepAlive, Consumer<String> accessLog) {
    return app(store, assets, keepAlive, accessLog, null);
  }

  /**
   * {@return the application, with {@code GET /api/metrics} when {@code server} is given}
   *
   * @param store the todos
   * @param assets the page and its script
   * @param keepAlive how long an idle event stream waits before a keep-alive comment
   * @param accessLog receives one line per request
   * @param server the server's counters for {@code /api/metrics} ({@link HttpServer#metrics}), or
   *     null for no such route
   */
  public static Service<Request, Response> app(
      TodoStore store,
      Assets assets,
      Duration keepAlive,
      Consumer<String> accessLog,
      Supplier<ServerMetrics> server) {
    return Router.create()
        .scope(
            "/api",
            api ->
                api.get("/metrics")
                    .handle(
                        req -> {
                          if (server == null) throw Rejection.notFound();
                          return Json.response(metrics(server.get()));
                        })
                    .get("/todos", queryOptional("done", Parser.BOOLEAN))
                    .handle((req, done) -> Json.response(store.list(done)))
                    .post("/todos", TodoInput.BODY)
                    .handle((req, input) -> created(store.create(input)))
                    .get("/todos/{id}", ID)
                    .handle((req, id) -> Json.response(store.get(id)))
                    .put("/todos/{id}", ID, TodoInput.BODY)
                    .handle((req, id, input) -> Json.response(store.replace(id, input)))
                    .delete("/todos/{id}", ID)
                    .handle((req, id) -> deleted(store, id))
                    .get("/events")
                    .handle(req -> Sse.response(Sse.keepAlive(events(store), keepAlive, ""))))
        .get("/")
        .handleAsync(req -> assets.serve(req, "index.html"))
        .get("/static/{*file}", path("file"))
        .handleAsync(assets::serve)
        .recover(Todo::jsonError)
        .with(RequestId.layer())
        .with(AccessLog.to(accessLog))
        .with(Compression.create()) // gzip for clients that accept it; never the event stream
        .build();
  }

  /**
   * {@return the server's counters and the runtime's, for {@code /api/metrics}}
   *
   * @param server the server's counters
   */
  static Map<String, Object> metrics(ServerMetrics server) {
    RuntimeMetrics rt = Handle.current().metrics();
    Map<String, Object> runtime = new LinkedHashMap<>();
    runtime.put("workers", rt.numWorkers());
    runtime.put("aliveTasks", rt.numAliveTasks());
    runtime.put("spawnedTasks", rt.spawnedTasksCount());
    runtime.put("globalQueueDepth", rt.globalQueueDepth());
    runtime.put("blockingThreads", rt.numBlockingThreads());
    runtime.put("blockingPolls", rt.blockingPollCount());
    runtime.put("budgetForcedYields", rt.budgetForcedYieldCount());
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("server", server);
    all.put("runtime", runtime);
    return all;
  }

  private static Response created(Item item) {
    return Json.response(Status.CREATED, item).header("location", "/api/todos/" + item.id());
  }

  private static Response deleted(TodoStore store, long id) throws HttpException {
    store.delete(id);
    return Response.of(Status.NO_CONTENT);
  }

  /** {@return the store's changes as events: name = type, id = sequence, data = JSON} */
  private static Stream<Event> events(TodoStore store) {
    return store
        .changes()
        .map(
            c ->
                Event.data(MAPPER.writeValueAsString(c))
                    .event(c.type())
                    .id(Long.toString(c.seq())));
  }

  /**
   * The recover hook: every rejection and failure as {@code {"error": "..."}} with its status.
   *
   * @param request the request
   * @param error the rejection, the handler's {@link HttpException} or another failure
   * @return the JSON error response
   */
  static Response jsonError(Request request, Exception error) {
    if (!(error instanceof HttpException http)) {
      LOG.log(System.Logger.Level.ERROR, "request " + RequestId.of(request) + " failed", error);
      return error(Status.INTERNAL_SERVER_ERROR, "internal server error");
    }
    if (error instanceof Rejection r && r.isNotFound()) {
      return error(Status.NOT_FOUND, "no route for " + request.path());
    }
    if (error instanceof Rejection r && !r.allowed().isEmpty()) {
      StringJoiner allow = new StringJoiner(", ");
      r.allowed().forEach(m -> allow.add(m.name()));
      return error(
              Status.METHOD_NOT_ALLOWED,
              request.method() + " is not allowed on " + request.path() + "; use " + allow)
          .header("allow", allow.toString());
    }
    return error(http.status(), http.getMessage());
  }

  private static Response error(Status status, String message) {
    return Json.response(status, Map.of("error", message));
  }

  /**
   * Serves the todos until Ctrl-C or SIGTERM, then shuts down gracefully: the event streams end,
   * in-flight requests finish, and the program exits. The processor turns {@code @AsyncMain} into
   * the launcher {@code Todo_Main} (a multi-thread runtime named "todo").
   *
   * @param args optional {@code host:port} (default {@code 127.0.0.1:8080}), then an optional
   *     directory to serve the page from instead of the class path
   * @return a future that completes when the server has shut down
   */
  @AsyncMain(name = "todo")
  static Future<Void> run(String[] args) {
    String address = args.length > 0 ? args[0] : "127.0.0.1:8080";
    Assets assets = args.length > 1 ? Assets.dir(Path.of(args[1])) : Assets.classpath();
    TodoStore store = new TodoStore();
    return HttpServer.bind(address)
        .flatMap(
            server -> {
              Service<Request, Response> app =
                  app(
                      store,
                      assets,
                      Sse.DEFAULT_KEEP_ALIVE,
                      line -> System.out.println(line),
                      server::metrics);
              System.out.println("todo listening on http://" + hostPort(server) + "/");
              return server.serve(app, Signals.shutdown().inspect(v -> store.close()));
            })
        .inspect(v -> System.out.println("todo stopped"));
  }

  private static String hostPort(HttpServer server) {
    var a = server.localAddress();
    return a.getAddress().getHostAddress() + ":" + a.getPort();
  }

  /**
   * Starts the server through the generated launcher ({@code java -jar todo.jar}).
   *
   * @param args as for {@link #run}
   */
  public static void main(String[] args) {
    Todo_Main.main(args);
  }
}
