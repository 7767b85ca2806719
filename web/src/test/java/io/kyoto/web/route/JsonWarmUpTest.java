package io.kyoto.web.route;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kyoto.web.Response;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.annotation.JsonDeserialize;

class JsonWarmUpTest {
  static final AtomicInteger DESERIALIZERS_MADE = new AtomicInteger();

  /** Counts how often Jackson instantiates it: once, when the type's binding is built. */
  public static final class CountingDeserializer extends ValueDeserializer<Tagged> {
    public CountingDeserializer() {
      DESERIALIZERS_MADE.incrementAndGet();
    }

    @Override
    public Tagged deserialize(JsonParser p, DeserializationContext ctxt) {
      return new Tagged(p.getValueAsString());
    }
  }

  @JsonDeserialize(using = CountingDeserializer.class)
  record Tagged(String tag) {}

  @Test
  void aJsonBodyFilterBuildsItsTypesBindingWhenTheRouteIsDefinedNotInTheFirstRequest() {
    Filter<Tagged> body = Json.body(Tagged.class);
    // The binding exists before any request: the first request's poll does not build it.
    assertEquals(1, DESERIALIZERS_MADE.get(), "the deserializer was not built with the route");
    try (TestClient c =
        TestClient.of(
            Router.create().post("/t", body).handle((req, t) -> Response.text(t.tag())).build())) {
      assertEquals("x", c.postJson("/t", "\"x\"").assertStatus(200).text());
      assertEquals("y", c.postJson("/t", "\"y\"").assertStatus(200).text());
    }
    assertEquals(1, DESERIALIZERS_MADE.get(), "requests rebuilt the binding");
  }
}
