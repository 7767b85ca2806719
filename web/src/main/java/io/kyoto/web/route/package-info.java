/**
 * Routing for HTTP services: warp's typed filters without its type-level pain. Routes are a method,
 * a path pattern and typed {@link io.kyoto.web.route.Filter}s whose values reach the handler as
 * ordinary arguments; the {@link io.kyoto.web.route.Router} compiles them into a trie and answers
 * what no handler takes with the right status (404, 405 + {@code Allow}, 400, 411, 413, 415).
 * Middleware comes as layers: {@link io.kyoto.web.route.Cors}, {@link
 * io.kyoto.web.route.AccessLog}, {@link io.kyoto.web.route.RequestId}. {@link
 * io.kyoto.web.route.TestClient} calls a service in process for tests.
 *
 * {@snippet :
 * import static io.kyoto.web.route.Filters.*;
 *
 * record Greeting(String to) {}
 *
 * Service<Request, Response> app = Router.create()
 *     .get("/").handle(req -> Response.text("hello\n"))
 *     .get("/hello/{name}", path("name")).handle((req, name) -> Response.text("hello " + name))
 *     .get("/sum/{a}/{b}", path("a", Parser.INT), path("b", Parser.INT))
 *         .handle((req, a, b) -> Response.text(Integer.toString(a + b)))
 *     .post("/greet", Json.body(Greeting.class)).handle((req, g) -> Json.response(g))
 *     .with(AccessLog.toLogger())
 *     .build();
 * }
 *
 * <p>Handlers that wait for something use {@code handleAsync} and return a {@code Future<Response>}
 * ({@code db.find(id).map(Response::json)}); no {@code Future} subclass is ever needed.
 */
package io.kyoto.web.route;
