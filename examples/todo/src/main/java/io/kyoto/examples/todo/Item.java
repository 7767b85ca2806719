package io.kyoto.examples.todo;

/**
 * A todo as the API shows it: {@code {"id": 1, "title": "milk", "done": false}}.
 *
 * @param id the id the store gave it, from 1
 * @param title the title, 1 to {@value TodoInput#MAX_TITLE} characters
 * @param done whether it is done
 */
public record Item(long id, String title, boolean done) {}
