package io.kyoto.runtime.service;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.ThrowingBiFunction;
import java.util.Objects;

/**
 * {@link Service#wrap}: a middleware around one handle of an inner service, forwarding readiness,
 * release and new handles to it.
 */
final class Wrapped<Req, Res, InReq, InRes> implements Service<Req, Res> {
  private final Service<InReq, InRes> inner;
  private final ThrowingBiFunction<
          ? super Req, ? super Service<InReq, InRes>, ? extends Future<Res>>
      call;

  Wrapped(
      Service<InReq, InRes> inner,
      ThrowingBiFunction<? super Req, ? super Service<InReq, InRes>, ? extends Future<Res>> call) {
    this.inner = Objects.requireNonNull(inner, "inner");
    this.call = Objects.requireNonNull(call, "call");
  }

  @Override
  public Poll<Void> pollReady(Context cx) throws Exception {
    return inner.pollReady(cx);
  }

  @Override
  public Future<Res> call(Req request) {
    Future<Res> f;
    try {
      f = call.apply(request, inner);
    } catch (Exception e) {
      // Thrown before inner was called (the contract): give its reservation back.
      inner.release();
      return Futures.failed(e);
    }
    if (f == null) {
      inner.release();
      return Futures.failed(new NullPointerException("the wrapping function returned null"));
    }
    return f;
  }

  @Override
  public void release() {
    inner.release();
  }

  @Override
  public Service<Req, Res> newHandle() {
    Service<InReq, InRes> handle = inner.newHandle();
    return handle == inner ? this : new Wrapped<>(handle, call);
  }

  @Override
  public String toString() {
    return "Service.wrap(" + inner + ")";
  }
}
