package io.kyoto.examples.todo;

/**
 * One change to the store, as the {@code /api/events} stream sends it: the SSE event name is {@link
 * #type}, its id {@link #seq} and its data the JSON of this record.
 *
 * @param seq the change's number, from 1, in the order the store applied the changes
 * @param type {@code created}, {@code updated} or {@code deleted}
 * @param item the todo after the change (before it, for {@code deleted})
 */
public record Change(long seq, String type, Item item) {}
