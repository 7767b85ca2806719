package io.kyoto.examples.todo;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Task;
import io.kyoto.web.HttpException;
import io.kyoto.web.Request;
import io.kyoto.web.Response;
import io.kyoto.web.Status;
import io.kyoto.web.fs.StaticFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The page and its script: from the class path ({@code /static/…} inside {@code todo.jar}) by
 * default, or from a directory through {@link StaticFiles} when one is given (edit and reload,
 * without rebuilding).
 *
 * <p>{@link StaticFiles} serves a directory {@link Path} only, and resources inside a jar are not
 * one, so class-path assets are read here: on the blocking pool, once each, then kept in memory
 *
 * <p>(they are a few kilobytes). Names are restricted to plain relative paths, so no {@code ..} can
 * reach other resources.
 */
public final class Assets {
  private static final Pattern NAME =
      Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*");

  private final StaticFiles dir;
  private final String resourcePrefix;
  private final Map<String, Optional<byte[]>> cache = new ConcurrentHashMap<>();

  private Assets(StaticFiles dir, String resourcePrefix) {
    this.dir = dir;
    this.resourcePrefix = resourcePrefix;
  }

  /** {@return the assets packaged under {@code /static/} on the class path} */
  public static Assets classpath() {
    return new Assets(null, "/static/");
  }

  /**
   * {@return the assets in {@code dir}, served by {@link StaticFiles} (ETag, ranges, 304s)}
   *
   * @param dir the directory holding {@code index.html} and {@code app.js}
   */
  public static Assets dir(Path dir) {
    return new Assets(StaticFiles.dir(dir), null);
  }

  /**
   * {@return the response for the asset {@code name}}; 404 when there is none
   *
   * @param request the request (its conditional and range headers count for directories)
   * @param name the asset's path under the root, e.g. {@code app.js}
   */
  public Future<Response> serve(Request request, String name) {
    if (!NAME.matcher(name).matches()) {
      return Futures.failed(new HttpException(Status.NOT_FOUND, "no asset " + name));
    }
    if (dir != null) {
      // StaticFiles answers a missing file with a plain-text 404 *response*, which the router's
      // recover hook never sees; turn it back into an error so that it becomes JSON like the rest.
      return dir.serve(request, name) // name is decoded text: not decoded again
          .map(
              r -> {
                if (r.status().code() != 404) return r;
                r.body().cancel();
                throw new HttpException(Status.NOT_FOUND, "no asset " + name);
              });
    }
    Optional<byte[]> cached = cache.get(name);
    Future<Optional<byte[]>> bytes =
        cached != null ? Futures.ready(cached) : Task.spawnBlocking(() -> load(name));
    return bytes.map(
        b ->
            b.map(content -> Response.bytes(content, StaticFiles.contentType(name)))
                .orElseThrow(() -> new HttpException(Status.NOT_FOUND, "no asset " + name)));
  }

  private Optional<byte[]> load(String name) throws IOException {
    try (InputStream in = Assets.class.getResourceAsStream(resourcePrefix + name)) {
      if (in == null) return Optional.empty(); // not cached: unknown names must not fill memory
      Optional<byte[]> bytes = Optional.of(in.readAllBytes());
      cache.put(name, bytes);
      return bytes;
    }
  }
}
