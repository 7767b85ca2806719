package io.kyoto.web.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class UnreadBodiesTest {
  @Test
  void theWarningNamesTheRequestAndSaysWhatToDo() {
    assertEquals(
        "the response body of GET /dropped from 127.0.0.1:8080 was garbage-collected unread:"
            + " neither read to its end nor cancelled, it held its connection open until now"
            + " (closed). Read every response body (body().string(), bytes(), drain()) or cancel"
            + " it (body().cancel())",
        UnreadBodies.message("GET /dropped from 127.0.0.1:8080"));
  }
}
