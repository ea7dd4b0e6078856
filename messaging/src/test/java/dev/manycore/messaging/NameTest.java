package dev.manycore.messaging;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.constraints.Chars;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.manycore.messaging.Expect.thrown;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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

    @Property
    void validSegmentsRoundTripThroughText(@ForAll @AlphaChars @NumericChars @Chars({'.', '_', '-'})
                                           @StringLength(min = 1, max = 64) String tail) {
        String segment = "a" + tail.toLowerCase().substring(0, Math.min(tail.length(), 63));
        Name name = Name.of("/svc/" + segment);
        assertEquals(name, Name.of(name.toString()));
        assertEquals(segment, name.segments().get(1));
        assertEquals(name.hashCode(), Name.of("/svc/" + segment).hashCode());
    }

    @Property
    void namesWithAnUpperCaseLetterAreAlwaysRefused(@ForAll @AlphaChars @StringLength(min = 1, max = 20) String s) {
        String text = "/x" + s;
        boolean hasUpper = !s.equals(s.toLowerCase());
        if (hasUpper) {
            thrown(IllegalArgumentException.class, () -> Name.of(text), "[a-z0-9][a-z0-9._-]*");
        } else {
            assertNotEquals(null, Name.of(text));
        }
    }
}
