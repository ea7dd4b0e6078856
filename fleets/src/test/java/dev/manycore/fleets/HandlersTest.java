package dev.manycore.fleets;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HandlersTest {

    interface Shape {
    }

    record Square(int side) implements Shape {
    }

    record Circle(int radius) implements Shape {
    }

    @Test
    void exactTypeWinsThenInterfacesThenNothing() throws Exception {
        Handlers h = new Handlers();
        RequestHandler<Square> squares = (r, c) -> "square";
        RequestHandler<Shape> shapes = (r, c) -> "shape";
        h.on(Square.class, squares).on(Shape.class, shapes);
        assertSame(squares, (Object) h.find(Square.class));
        assertSame(shapes, (Object) h.find(Circle.class));
        assertNull(h.find(String.class));
        assertEquals(2, h.size());
    }

    @Test
    void aTypeHasOneHandler() {
        Handlers h = new Handlers().on(Square.class, (r, c) -> null);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> h.on(Square.class, (r, c) -> null));
        assertEquals(true, e.getMessage().contains(Square.class.getName()));
    }
}
