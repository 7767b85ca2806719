package io.kyoto.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The {@link Events} buffer on its own; filling it is the contract suite's business. */
class EventsTest {
  @Test
  @Timeout(5)
  void capacityMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> Events.withCapacity(0));
    assertThrows(IllegalArgumentException.class, () -> Events.withCapacity(-1));
    assertEquals(1, Events.withCapacity(1).capacity());
  }

  @Test
  @Timeout(5)
  void aNewBufferIsEmptyAndGuardsItsBounds() {
    Events events = Events.withCapacity(4);
    assertTrue(events.isEmpty());
    assertEquals(0, events.size());
    assertThrows(IndexOutOfBoundsException.class, () -> events.get(0));
    assertThrows(IndexOutOfBoundsException.class, () -> events.get(-1));
    assertFalse(events.iterator().hasNext());
    assertThrows(NoSuchElementException.class, () -> events.iterator().next());
    events.clear();
    assertEquals("Events[]", events.toString());
  }
}
