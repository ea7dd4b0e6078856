package dev.manycore.examples;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CustomFleetTest {

    @Test
    void keysSurviveGrowAndShrinkWhileClientsReadTheirWrites() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            CustomFleet.main(new String[0]);
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        Matcher tally = Pattern.compile("(\\d+) keys written, (\\d+) held, (\\d+) lost").matcher(out);
        assertTrue(tally.find(), out);
        assertEquals("256", tally.group(1), out);
        assertEquals("256", tally.group(2), out);
        assertEquals("0", tally.group(3), out);
        assertTrue(out.contains("every read saw the client's last write"), out);
        assertEquals(3, Pattern.compile("(?m)^  core\\d+/mb\\d+: \\d+ keys$").matcher(out).results().count(), out);
    }
}
