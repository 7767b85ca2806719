package io.kyoto.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Poll;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BodyTest {
  @Test
  void aFullBodysChunkIsReadOnlySoAConstantBodyCannotBeChanged() {
    // A constant response (Response's javadoc allows one) shares its body's bytes with every
    // request: a reader of the body must not be able to write into them, as content() already
    // ensures.
    Response constant = Response.text("Hello");
    Body.Full body = (Body.Full) constant.body();
    Poll<ByteBuffer> p = body.pollNext(null);
    ByteBuffer chunk = p.value();
    assertEquals("Hello", StandardCharsets.UTF_8.decode(chunk.duplicate()).toString());
    assertTrue(chunk.isReadOnly(), "the chunk is a read-only view");
    assertThrows(ReadOnlyBufferException.class, () -> chunk.put(0, (byte) 'J'));
    assertEquals("Hello", StandardCharsets.UTF_8.decode(body.content()).toString());
  }
}
