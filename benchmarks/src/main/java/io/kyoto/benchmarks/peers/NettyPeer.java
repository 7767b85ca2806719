package io.kyoto.benchmarks.peers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;

/**
 * Netty 4.2 on the native epoll transport: {@code http} serves the hello and JSON routes (with a
 * {@code date} header, as every other server sends), {@code echo} echoes bytes (flushed once per
 * read burst).
 *
 * <p>usage: {@code NettyPeer http|echo PORT [THREADS=2]}
 */
public final class NettyPeer {
  private NettyPeer() {}

  private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
  private static final AsciiString JSON_TYPE = AsciiString.cached("application/json");

  /** The {@code date} header value, refreshed every second (Kyoto, hyper and nginx send one). */
  private static volatile AsciiString date = now();

  private static AsciiString now() {
    return new AsciiString(
        DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)));
  }

  /**
   * Runs the server until killed.
   *
   * @param args mode, port and event-loop threads
   * @throws InterruptedException if interrupted while serving
   */
  public static void main(String[] args) throws InterruptedException {
    String mode = args.length > 0 ? args[0] : "http";
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 7011;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    boolean http = mode.equals("http");
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, EpollIoHandler.newFactory());
    group.scheduleAtFixedRate(() -> date = now(), 1, 1, TimeUnit.SECONDS);
    try {
      ServerBootstrap b =
          new ServerBootstrap()
              .group(group)
              .channel(EpollServerSocketChannel.class)
              .option(ChannelOption.SO_BACKLOG, 4096)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      if (http) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpHandler());
                      } else {
                        ch.pipeline().addLast(new EchoHandler());
                      }
                    }
                  });
      b.bind("127.0.0.1", port).sync().channel().closeFuture().sync();
    } finally {
      group.shutdownGracefully();
    }
  }

  private static final class HttpHandler extends FlushOnReadComplete {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof HttpRequest req) {
          boolean json = req.uri().equals("/json");
          byte[] body =
              json
                  ? ("{\"message\":\"" + "Hello, World!" + "\"}").getBytes(StandardCharsets.UTF_8)
                  : HELLO;
          FullHttpResponse res =
              new DefaultFullHttpResponse(
                  HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(body));
          res.headers()
              .set(HttpHeaderNames.CONTENT_TYPE, json ? JSON_TYPE : HttpHeaderValues.TEXT_PLAIN)
              .set(HttpHeaderNames.DATE, date)
              .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
          if (HttpUtil.isKeepAlive(req)) {
            ctx.write(res);
          } else {
            ctx.write(res).addListener(ChannelFutureListener.CLOSE);
          }
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }
  }

  @ChannelHandler.Sharable
  private static final class EchoHandler extends FlushOnReadComplete {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.write(msg);
    }
  }

  /** Writes during a read batch, flushes once at its end, closes on failure (Netty's idiom). */
  private abstract static class FlushOnReadComplete extends ChannelInboundHandlerAdapter {
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
