package dev.manycore.messaging.sim;

import dev.manycore.messaging.internal.sim.EventQueue;
import org.junit.jupiter.api.Test;

import java.util.PriorityQueue;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventQueueTest {

    record Ref(long time, long seq, int ref) implements Comparable<Ref> {
        @Override
        public int compareTo(Ref o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    @Test
    void popsInTimeThenSchedulingOrderLikeAReferenceQueue() {
        for (long seed = 1; seed <= 20; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            EventQueue queue = new EventQueue(1);
            PriorityQueue<Ref> reference = new PriorityQueue<>();
            long seq = 0;
            long now = 0;
            for (int op = 0; op < 20_000; op++) {
                if (reference.isEmpty() || random.nextInt(3) > 0) {
                    long time = now + random.nextLong(50);
                    int ref = random.nextInt(1 << 20);
                    queue.push(time, ref);
                    reference.add(new Ref(time, seq++, ref));
                } else {
                    Ref expected = reference.poll();
                    assertEquals(expected.time(), queue.peekTime(), "seed " + seed);
                    assertEquals(expected.ref(), queue.peekRef(), "seed " + seed + ": ties in scheduling order");
                    queue.removeFirst();
                    now = expected.time();
                }
                assertEquals(reference.size(), queue.size());
            }
            assertTrue(queue.peak() >= queue.size());
        }
    }
}
