package io.kyoto.runtime.net;

/**
 * The two halves of a split stream, for a reading task and a writing task.
 *
 * @param reader the read half
 * @param writer the write half
 */
public record Split(OwnedReadHalf reader, OwnedWriteHalf writer) {}
