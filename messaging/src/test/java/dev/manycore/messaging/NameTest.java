package dev.manycore.messaging;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.manycore.messaging.Expect.thrown;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NameTest {

    @Test
    void parsesSegmentsAndNavigates() {
        Name pages = Name.of("/sys/pages");
        assertEquals(List.of("sys", "pages"), pages.segments());
        assertEquals(2, pages.depth());
        assertEquals(Name.of("/sys"), pages.parent());
        assertSame(Name.root(), Name.of("/sys").parent());
        assertSame(Name.root(), Name.of("/"));
        assertEquals(pages, Name.of("/sys").child("pages"));
        assertTrue(Name.of("/sys").contains(pages));
        assertFalse(pages.contains(Name.of("/sys")));
        assertFalse(Name.of("/sy").contains(pages));
        assertTrue(Name.root().contains(pages));
        assertEquals("/sys/pages", pages.toString());
    }

    @Test
    void relativeNameIsRefused() {
        thrown(IllegalArgumentException.class, () -> Name.of("sys/pages"), "'sys/pages'", "not absolute");
        thrown(IllegalArgumentException.class, () -> Name.of(""), "not absolute");
    }

    @Test
    void emptySegmentIsRefusedNamingItsPosition() {
        thrown(IllegalArgumentException.class, () -> Name.of("/sys//pages"), "empty segment at position 1");
        thrown(IllegalArgumentException.class, () -> Name.of("/sys/"), "empty segment", "trailing");
    }

    @Test
    void badCharacterIsRefusedNamingTheSegmentAndTheRule() {
        thrown(IllegalArgumentException.class, () -> Name.of("/sys/Pages"), "segment 'Pages'", "[a-z0-9][a-z0-9._-]*");
        thrown(IllegalArgumentException.class, () -> Name.of("/sys/-pages"), "segment '-pages'", "index 0");
        thrown(IllegalArgumentException.class, () -> Name.of("/sys/pa ges"), "segment 'pa ges'");
    }

    @Test
    void longSegmentIsRefused() {
        String s65 = "a".repeat(65);
        thrown(IllegalArgumentException.class, () -> Name.of("/" + s65), "65 characters", "at most 64");
        assertEquals(1, Name.of("/" + "a".repeat(64)).depth());
    }

    @Test
    void tooManySegmentsOrCharactersAreRefused() {
        thrown(IllegalArgumentException.class, () -> Name.of("/a".repeat(17)), "17 segments", "at most 16");
        assertEquals(16, Name.of("/a".repeat(16)).depth());
        String long256 = ("/" + "b".repeat(63)).repeat(4);
        thrown(IllegalArgumentException.class, () -> Name.of(long256), "256 characters", "at most 255");
    }

    @Test
    void nullTextIsRefused() {
        thrown(NullPointerException.class, () -> Name.of(null), "name text is null");
    }
}
