package io.kyoto.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Interest} and {@link Token} are plain values, independent of any backend. */
class InterestTest {
  @Test
  @Timeout(5)
  void addAndRemoveStayWithinTheThreeSharedInstances() {
    assertSame(Interest.READABLE_WRITABLE, Interest.READABLE.add(Interest.WRITABLE));
    assertSame(Interest.READABLE, Interest.READABLE.add(Interest.READABLE));
    assertSame(Interest.WRITABLE, Interest.READABLE_WRITABLE.remove(Interest.READABLE));
    assertSame(Interest.READABLE, Interest.READABLE_WRITABLE.remove(Interest.WRITABLE));
    assertNull(Interest.READABLE.remove(Interest.READABLE), "interest is never empty");
    assertNull(Interest.READABLE_WRITABLE.remove(Interest.READABLE_WRITABLE));
    assertSame(Interest.READABLE, Interest.READABLE.remove(Interest.WRITABLE));
  }

  @Test
  @Timeout(5)
  void predicatesAndNames() {
    assertTrue(Interest.READABLE.isReadable());
    assertFalse(Interest.READABLE.isWritable());
    assertTrue(Interest.WRITABLE.isWritable());
    assertFalse(Interest.WRITABLE.isReadable());
    assertTrue(Interest.READABLE_WRITABLE.isReadable() && Interest.READABLE_WRITABLE.isWritable());
    assertEquals("READABLE | WRITABLE", Interest.READABLE_WRITABLE.toString());
  }

  @Test
  @Timeout(5)
  void tokensAreValues() {
    assertEquals(new Token(Long.MIN_VALUE), Token.of(Long.MIN_VALUE));
    assertEquals(Token.of(7).hashCode(), new Token(7).hashCode());
    assertEquals(-1, Token.of(-1).value());
  }
}
