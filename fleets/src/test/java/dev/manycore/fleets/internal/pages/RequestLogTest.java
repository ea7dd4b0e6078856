package dev.manycore.fleets.internal.pages;

import dev.manycore.fleets.internal.pages.PageRequests.RequestKey;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-client outcome log that makes retried page requests execute once. */
class RequestLogTest {

    @Test
    void theFirstDecisionWinsAndLaterOnesGetIt() {
        RequestLog log = new RequestLog();
        assertNull(log.lookup(1));
        Object first = "run A";
        assertSame(first, log.decide(1, first));
        assertSame(first, log.decide(1, "run B"), "a second attempt gets the first outcome");
        assertSame(first, log.lookup(1));
    }

    @Test
    void acknowledgingForgetsOlderOutcomesAndMakesTheirAttemptsStale() {
        RequestLog log = new RequestLog();
        for (long seq = 1; seq <= 100; seq++) {
            log.acknowledge(seq);
            log.decide(seq, seq);
            assertTrue(log.size() <= 1, () -> "the log holds only what the client still waits for: " + log.size());
        }
        assertSame(RequestLog.STALE, log.lookup(50));
        assertSame(RequestLog.STALE, log.decide(50, "late"));
        assertSame(RequestLog.STALE, log.lookupItem(50, "x"));
        log.acknowledge(10);
        assertEquals(100L, log.lookup(100), "the floor never moves down");
    }

    @Test
    void batchItemsAreRecordedOneByOne() {
        RequestLog log = new RequestLog();
        log.recordItem(3, "run 1", 1);
        log.recordItem(3, "run 2", "double free");
        assertEquals(1, log.lookupItem(3, "run 1"));
        assertEquals("double free", log.lookupItem(3, "run 2"));
        assertNull(log.lookupItem(3, "run 3"));
    }

    @Test
    void keysValidate() {
        assertThrows(IllegalArgumentException.class, () -> new RequestKey(-1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new RequestKey(1, 1, 2));
        assertTrue(new RequestKey(1, 2, 1).isKeyed());
        assertTrue(!RequestKey.NONE.isKeyed());
    }
}
