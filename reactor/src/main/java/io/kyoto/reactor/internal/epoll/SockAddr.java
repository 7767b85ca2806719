package io.kyoto.reactor.internal.epoll;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Encodes and decodes {@code sockaddr_in}, {@code sockaddr_in6} and {@code sockaddr_un} in native
 * memory. Family fields are in host order; ports in network (big-endian) order.
 */
final class SockAddr {
  private static final int SUN_PATH_MAX = 108;

  private SockAddr() {}

  static int family(InetSocketAddress address) {
    return address.getAddress() instanceof Inet6Address ? Syscalls.AF_INET6 : Syscalls.AF_INET;
  }

  /**
   * Writes {@code address} into {@code out} (at least 28 bytes).
   *
   * @return the length to pass as {@code socklen_t}
   */
  static int encode(InetSocketAddress address, MemorySegment out) {
    InetAddress ip = address.getAddress();
    byte[] bytes = ip.getAddress();
    short port = (short) address.getPort();
    out.set(JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2, port);
    if (ip instanceof Inet4Address) {
      out.set(JAVA_SHORT, 0, (short) Syscalls.AF_INET);
      MemorySegment.copy(bytes, 0, out, JAVA_BYTE, 4, 4);
      out.asSlice(8, 8).fill((byte) 0);
      return 16;
    }
    out.set(JAVA_SHORT, 0, (short) Syscalls.AF_INET6);
    out.set(JAVA_INT, 4, 0);
    MemorySegment.copy(bytes, 0, out, JAVA_BYTE, 8, 16);
    out.set(JAVA_INT, 24, ((Inet6Address) ip).getScopeId());
    return 28;
  }

  /**
   * Writes a Unix socket {@code path} into {@code out} (at least 110 bytes).
   *
   * @return the length to pass as {@code socklen_t}
   * @throws SocketException if the path does not fit {@code sun_path}
   */
  static int encode(Path path, MemorySegment out) throws SocketException {
    byte[] bytes = path.toString().getBytes(StandardCharsets.UTF_8);
    if (bytes.length >= SUN_PATH_MAX) {
      throw new SocketException(
          "Unix socket path is "
              + bytes.length
              + " bytes; at most "
              + (SUN_PATH_MAX - 1)
              + " fit: "
              + path);
    }
    out.set(JAVA_SHORT, 0, (short) Syscalls.AF_UNIX);
    MemorySegment.copy(bytes, 0, out, JAVA_BYTE, 2, bytes.length);
    out.set(JAVA_BYTE, 2 + bytes.length, (byte) 0);
    return 2 + bytes.length + 1;
  }

  /** Decodes the address in {@code in} of {@code len} bytes. */
  static SocketAddress decode(MemorySegment in, int len) throws IOException {
    int family = in.get(JAVA_SHORT, 0);
    int port = Short.toUnsignedInt(in.get(JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2));
    switch (family) {
      case Syscalls.AF_INET -> {
        byte[] ip = new byte[4];
        MemorySegment.copy(in, JAVA_BYTE, 4, ip, 0, 4);
        return new InetSocketAddress(InetAddress.getByAddress(ip), port);
      }
      case Syscalls.AF_INET6 -> {
        byte[] ip = new byte[16];
        MemorySegment.copy(in, JAVA_BYTE, 8, ip, 0, 16);
        int scope = in.get(JAVA_INT, 24);
        InetAddress address = InetAddress.getByAddress(ip); // IPv4-mapped -> Inet4Address
        if (address instanceof Inet6Address && scope != 0) {
          address = Inet6Address.getByAddress(null, ip, scope);
        }
        return new InetSocketAddress(address, port);
      }
      case Syscalls.AF_UNIX -> {
        int n = 0;
        while (2 + n < len && in.get(JAVA_BYTE, 2 + n) != 0) {
          n++;
        }
        byte[] path = new byte[n];
        MemorySegment.copy(in, JAVA_BYTE, 2, path, 0, n);
        return UnixDomainSocketAddress.of(new String(path, StandardCharsets.UTF_8));
      }
      default -> throw new SocketException("unsupported address family " + family);
    }
  }
}
