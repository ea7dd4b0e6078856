package dev.manycore.messaging.internal.sim;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventWheelTest {

    /** A reference key: (time, fresh sequence number). */
    private record Key(long time, long seq) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    /**
     * Random one-shot events and agent runs (scheduled no later than, rescheduled either way,
     * removed), near (ties in one slot), beyond the window (the far heaps) and far beyond it, polled
     * in between: the wheel must give every event in the order of one sorted map keyed by (time,
     * fresh sequence number), where moving a run takes a fresh number and keeping it does not.
     */
    @Test
    void pollsInTimeThenSchedulingOrderLikeOneSortedMap() {
        for (long seed = 1; seed <= 30; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            int agents = 200;
            EventWheel wheel = new EventWheel();
            TreeMap<Key, Integer> reference = new TreeMap<>();
            Key[] runKey = new Key[agents];
            long seq = 0;
            long now = 0;
            int nextRef = 0;
            for (int op = 0; op < 40_000; op++) {
                int choice = random.nextInt(12);
                long t = now + switch (random.nextInt(4)) {
                    case 0 -> random.nextLong(4);
                    case 1 -> random.nextLong(3_000);
                    case 2 -> random.nextLong(20_000);
                    default -> random.nextLong(1_000_000);
                };
                if (choice < 4) {
                    int ref = (nextRef++ & 0xFFFFF) << Simulation.KIND_BITS | Simulation.DELIVER;
                    wheel.push(t, ref);
                    reference.put(new Key(t, seq++), ref);
                } else if (choice < 7) {
                    int a = random.nextInt(agents);
                    boolean noLater = choice < 6;
                    if (noLater) {
                        wheel.scheduleRunNoLaterThan(a, t);
                    } else {
                        wheel.rescheduleRun(a, t);
                    }
                    if (!noLater || runKey[a] == null || runKey[a].time() > t) {
                        // moved or added: a fresh sequence number
                        if (runKey[a] != null) {
                            reference.remove(runKey[a]);
                        }
                        runKey[a] = new Key(t, seq++);
                        reference.put(runKey[a], a << Simulation.KIND_BITS | EventWheel.RUN);
                    }
                } else if (choice < 8) {
                    int a = random.nextInt(agents);
                    wheel.removeRun(a);
                    if (runKey[a] != null) {
                        reference.remove(runKey[a]);
                        runKey[a] = null;
                    }
                } else {
                    int polls = random.nextInt(1, 6);
                    for (int p = 0; p < polls && !reference.isEmpty(); p++) {
                        var first = reference.pollFirstEntry();
                        String where = "seed " + seed + " op " + op;
                        assertFalse(wheel.isEmpty(), where);
                        assertEquals(first.getKey().time(), wheel.peekTime(), where);
                        assertEquals(first.getValue(), wheel.poll(), where);
                        now = first.getKey().time();
                        if ((first.getValue() & Simulation.KIND_MASK) == EventWheel.RUN) {
                            runKey[first.getValue() >>> Simulation.KIND_BITS] = null;
                        }
                    }
                }
                assertEquals(reference.size(), wheel.size(), "seed " + seed + " op " + op);
            }
            while (!reference.isEmpty()) {
                var first = reference.pollFirstEntry();
                assertEquals(first.getKey().time(), wheel.peekTime());
                assertEquals(first.getValue(), wheel.poll());
            }
            assertTrue(wheel.isEmpty());
        }
    }

    /** After the event of time 10 was taken, an event or a run at time 9 is refused, not misplaced. */
    @Test
    void refusesAnEventBeforeTheOneTakenLast() {
        EventWheel wheel = new EventWheel();
        wheel.push(10, Simulation.DELIVER);
        wheel.push(10 + (1 << 20), 8 | Simulation.DELIVER);
        assertEquals(Simulation.DELIVER, wheel.poll());
        assertThrows(IllegalStateException.class, () -> wheel.push(9, Simulation.DELIVER));
        assertThrows(IllegalStateException.class, () -> wheel.rescheduleRun(3, 9));
        wheel.push(10, 16 | Simulation.DELIVER);
        assertEquals(16 | Simulation.DELIVER, wheel.poll());
        assertEquals(10 + (1 << 20), wheel.peekTime());
    }

    /** A million events of one time (the memory study's shape) come out in the order they went in. */
    @Test
    void keepsInsertionOrderWithinOneTime() {
        EventWheel wheel = new EventWheel();
        int n = 1 << 20;
        for (int i = 0; i < n; i++) {
            wheel.push(5, i << Simulation.KIND_BITS | Simulation.DELIVER);
        }
        assertEquals(n, wheel.peak());
        for (int i = 0; i < n; i++) {
            assertEquals(5, wheel.peekTime());
            assertEquals(i << Simulation.KIND_BITS | Simulation.DELIVER, wheel.poll());
        }
        assertTrue(wheel.isEmpty());
    }
}
