/**
 * Framing: turning a byte stream into a stream of frames and back, as tokio-util's {@code codec}
 * module.
 *
 * <p>A {@link io.kyoto.runtime.codec.Decoder} cuts frames out of buffered bytes; an {@link
 * io.kyoto.runtime.codec.Encoder} appends a frame's bytes to a {@link
 * io.kyoto.runtime.codec.BytesBuffer}. {@link io.kyoto.runtime.codec.FramedRead} and {@link
 * io.kyoto.runtime.codec.FramedWrite} run them over an {@link io.kyoto.runtime.io.AsyncRead} and an
 * {@link io.kyoto.runtime.io.AsyncWrite}; {@link io.kyoto.runtime.codec.Framed} does both over one
 * stream. Ready-made codecs: {@link io.kyoto.runtime.codec.LinesCodec}, {@link
 * io.kyoto.runtime.codec.LengthDelimitedCodec}, {@link io.kyoto.runtime.codec.BytesCodec}.
 *
 * <p>Codecs that keep decoding state (all of the ready-made ones except {@code BytesCodec}) belong
 * to one stream: create one per connection. Bad input fails with a {@link
 * io.kyoto.runtime.codec.CodecException}, and every ready-made decoder bounds the bytes it buffers.
 */
package io.kyoto.runtime.codec;
