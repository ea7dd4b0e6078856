package dev.manycore.messaging.internal.sim;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunQueueTest {

    /**
     * Random schedules (added, moved earlier, or kept when already earlier), reschedules (moved
     * either way), removals and polls,
     * checked against a plain table of every agent's entry: the queue must pop the least (time,
     * sequence) entry, times drawn from a narrow range so ties between siblings are frequent.
     */
    @Test
    void pollsTheLeastEntryByTimeThenSequenceLikeAReferenceTable() {
        for (long seed = 1; seed <= 20; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            int agents = 300;
            RunQueue queue = new RunQueue();
            long[] time = new long[agents];
            long[] seq = new long[agents];
            Arrays.fill(time, Long.MAX_VALUE);
            long nextSeq = 0;
            long now = 0;
            int size = 0;
            for (int op = 0; op < 20_000; op++) {
                int choice = random.nextInt(10);
                if (choice < 6 || size == 0) {
                    int a = random.nextInt(agents);
                    long t = now + random.nextLong(random.nextBoolean() ? 8 : 1000);
                    long s = nextSeq++;
                    boolean moved = queue.scheduleNoLaterThan(a, t, s);
                    boolean expected = time[a] > t;
                    assertEquals(expected, moved, "seed " + seed + " op " + op);
                    if (expected) {
                        size += time[a] == Long.MAX_VALUE ? 1 : 0;
                        time[a] = t;
                        seq[a] = s;
                    }
                } else if (choice < 7 && size > 0) {
                    int a = random.nextInt(agents);
                    long t = now + random.nextLong(random.nextBoolean() ? 8 : 1000);
                    long s = nextSeq++;
                    queue.reschedule(a, t, s);
                    size += time[a] == Long.MAX_VALUE ? 1 : 0;
                    time[a] = t;
                    seq[a] = s;
                } else if (choice < 8) {
                    int a = random.nextInt(agents);
                    queue.remove(a);
                    if (time[a] != Long.MAX_VALUE) {
                        size--;
                        time[a] = Long.MAX_VALUE;
                    }
                } else {
                    int best = -1;
                    for (int a = 0; a < agents; a++) {
                        if (time[a] != Long.MAX_VALUE && (best < 0 || time[a] < time[best]
                                || (time[a] == time[best] && seq[a] < seq[best]))) {
                            best = a;
                        }
                    }
                    assertEquals(time[best], queue.peekTime(), "seed " + seed + " op " + op);
                    assertEquals(seq[best], queue.peekSeq(), "seed " + seed + " op " + op);
                    assertEquals(best, queue.poll(), "seed " + seed + " op " + op);
                    now = time[best];
                    time[best] = Long.MAX_VALUE;
                    size--;
                }
                assertEquals(size, queue.size());
            }
            assertTrue(queue.size() >= 0);
        }
    }
}
