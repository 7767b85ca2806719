package io.kyoto.web.route;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.service.Service;
import io.kyoto.web.Body;
import io.kyoto.web.Headers;
import io.kyoto.web.Method;
import io.kyoto.web.Request;
import io.kyoto.web.Response;
import java.util.Objects;

/**
 * Calls a {@code Service<Request, Response>} in process, without a socket: warp's {@code
 * warp::test}. Each call runs the service to completion, reads the whole response body and returns
 * a {@link TestResponse}.
 *
 * {@snippet :
 * try (TestClient client = TestClient.of(app)) {
 *   TestResponse r = client.get("/users/7").assertStatus(200);
 *   assertEquals("text/plain; charset=utf-8", r.header("content-type"));
 *   assertEquals("user 7", r.text());
 * }
 * }
 *
 * <p>{@link #of(Service)} creates a current-thread runtime with time enabled for the blocking
 * methods, at the first of them, and closes it in {@link #close()}; {@link #of(Service, Runtime)}
 * borrows one. The blocking methods must be called from outside the runtime; inside a task (an
 * {@code @AsyncTest}) use {@link #sendAsync}, which runs where it is awaited and needs no runtime
 * of the client's: a client used only that way creates none, so leaving it unclosed leaks nothing.
 *
 * <p><b>Thread safety:</b> not thread safe.
 */
public final class TestClient implements AutoCloseable {
  private final Service<Request, Response> service;
  private Runtime runtime; // of(service): created by the first blocking send
  private final boolean ownsRuntime;
  private final Headers defaults = new Headers();

  private TestClient(Service<Request, Response> service, Runtime runtime, boolean owns) {
    this.service = Objects.requireNonNull(service, "service");
    this.runtime = runtime;
    this.ownsRuntime = owns;
  }

  /**
   * {@return a client with its own current-thread runtime (time enabled), created by the first
   * blocking send}
   *
   * @param service the application
   */
  public static TestClient of(Service<Request, Response> service) {
    return new TestClient(service, null, true);
  }

  /**
   * {@return a client that runs requests on {@code runtime}, which it does not close}
   *
   * @param service the application
   * @param runtime the runtime
   */
  public static TestClient of(Service<Request, Response> service, Runtime runtime) {
    return new TestClient(service, Objects.requireNonNull(runtime, "runtime"), false);
  }

  /**
   * Adds a header to every request this client sends.
   *
   * @param name the name
   * @param value the value
   * @return this
   */
  public TestClient defaultHeader(String name, String value) {
    defaults.add(name, value);
    return this;
  }

  /**
   * {@return a request builder}
   *
   * @param method the method
   * @param target the request target, e.g. {@code /users?page=2}
   */
  public TestRequest request(Method method, String target) {
    return new TestRequest(this, method, target);
  }

  /**
   * {@return the response to {@code GET target}}
   *
   * @param target the request target
   */
  public TestResponse get(String target) {
    return request(Method.GET, target).send();
  }

  /**
   * {@return the response to {@code DELETE target}}
   *
   * @param target the request target
   */
  public TestResponse delete(String target) {
    return request(Method.DELETE, target).send();
  }

  /**
   * {@return the response to {@code OPTIONS target}}
   *
   * @param target the request target
   */
  public TestResponse options(String target) {
    return request(Method.OPTIONS, target).send();
  }

  /**
   * {@return the response to a POST of {@code body} with {@code contentType}}
   *
   * @param target the request target
   * @param contentType the media type
   * @param body the body, UTF-8
   */
  public TestResponse post(String target, String contentType, String body) {
    return request(Method.POST, target).body(contentType, body).send();
  }

  /**
   * {@return the response to a POST of JSON text}
   *
   * @param target the request target
   * @param json the JSON text
   */
  public TestResponse postJson(String target, String json) {
    return request(Method.POST, target).json(json).send();
  }

  /**
   * {@return the response to a POST of a urlencoded form}
   *
   * @param target the request target
   * @param form {@code a=1&b=two}
   */
  public TestResponse postForm(String target, String form) {
    return request(Method.POST, target).form(form).send();
  }

  /**
   * {@return the response to {@code request}, body read whole}
   *
   * @param request the request
   * @throws IllegalStateException if the service's future fails (it should answer instead), or when
   *     called on a runtime thread
   */
  public TestResponse send(Request request) {
    try {
      Runtime rt = runtime;
      if (rt == null) {
        runtime = rt = Runtime.builder().currentThread().enableTime().build();
      }
      return rt.blockOn(sendAsync(request));
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("the service failed instead of answering: " + e, e);
    }
  }

  /**
   * {@return a future of the response to {@code request}, body read whole} For use inside a running
   * task.
   *
   * @param request the request
   */
  public Future<TestResponse> sendAsync(Request request) {
    defaults.forEach(
        (n, v) -> {
          if (!request.headers().contains(n)) request.header(n, v);
        });
    // A handle per request: readiness belongs to one caller, and requests may be sent at once
    // from several tasks (a stateless service returns itself).
    return service
        .newHandle()
        .oneshot(request)
        .flatMap(r -> r.body().bytes(Integer.MAX_VALUE - 8).map(b -> new TestResponse(r, b)));
  }

  /** Closes the runtime if this client created it. */
  @Override
  public void close() {
    Runtime rt = runtime;
    if (ownsRuntime && rt != null) {
      runtime = null;
      rt.close();
    }
  }

  /** A request under construction; {@link #send()} sends it. */
  public static final class TestRequest {
    private final TestClient client;
    private final Request request;

    private TestRequest(TestClient client, Method method, String target) {
      this.client = client;
      this.request = Request.of(method, target);
    }

    /**
     * Adds a header.
     *
     * @param name the name
     * @param value the value
     * @return this
     */
    public TestRequest header(String name, String value) {
      request.header(name, value);
      return this;
    }

    /**
     * Sets the body (with its {@code Content-Length}) and its content type.
     *
     * @param contentType the media type
     * @param body the body, UTF-8
     * @return this
     */
    public TestRequest body(String contentType, String body) {
      return body(contentType, Body.of(body));
    }

    /**
     * Sets the body and its content type; a body of known length also sets {@code Content-Length}.
     *
     * @param contentType the media type
     * @param body the body
     * @return this
     */
    public TestRequest body(String contentType, Body body) {
      request.headers().set("content-type", contentType);
      if (body.contentLength() >= 0) {
        request.headers().set("content-length", Long.toString(body.contentLength()));
      }
      request.body(body);
      return this;
    }

    /**
     * Sets a JSON body.
     *
     * @param json the JSON text
     * @return this
     */
    public TestRequest json(String json) {
      return body("application/json", json);
    }

    /**
     * Sets a urlencoded form body.
     *
     * @param form {@code a=1&b=two}
     * @return this
     */
    public TestRequest form(String form) {
      return body("application/x-www-form-urlencoded", form);
    }

    /** {@return the request as built so far (mutable)} */
    public Request build() {
      return request;
    }

    /** {@return the response} */
    public TestResponse send() {
      return client.send(request);
    }
  }
}
