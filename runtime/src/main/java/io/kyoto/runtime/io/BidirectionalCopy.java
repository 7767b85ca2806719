package io.kyoto.runtime.io;

/**
 * What {@link Io#copyBidirectional} moved in each direction.
 *
 * @param aToB the bytes read from {@code a} and written to {@code b}
 * @param bToA the bytes read from {@code b} and written to {@code a}
 */
public record BidirectionalCopy(long aToB, long bToA) {}
