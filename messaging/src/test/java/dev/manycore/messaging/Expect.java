package dev.manycore.messaging;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.function.Executable;

/** Assertions on exceptions: the type, and fragments the message must contain. */
final class Expect {

    private Expect() {
    }

    static <X extends Throwable> X thrown(Class<X> type, Executable call, String... fragments) {
        X e = assertThrows(type, call);
        for (String f : fragments) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(f),
                    () -> "message '" + e.getMessage() + "' should contain '" + f + "'");
        }
        return e;
    }
}
