package dev.manycore.messaging;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.StringLength;

import static dev.manycore.messaging.Expect.thrown;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Properties of {@link Name} over generated text (jqwik): the examples are in {@link NameTest}.
 * Kept apart so that each JUnit engine writes its own surefire report.
 */
class NameProperties {

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
