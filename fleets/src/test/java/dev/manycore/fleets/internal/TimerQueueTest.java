package dev.manycore.fleets.internal;

import dev.manycore.fleets.ScheduledTimer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimerQueueTest {

    @Test
    void timersFireInDueOrderThenInTheOrderTheyWereSet() {
        TimerQueue q = new TimerQueue();
        List<String> fired = new ArrayList<>();
        q.add(20, 0, () -> fired.add("b"));
        q.add(10, 0, () -> fired.add("a"));
        q.add(20, 0, () -> fired.add("c"));
        assertEquals(10, q.nextDue());
        assertEquals(0, q.fire(9));
        assertEquals(3, q.fire(20));
        assertEquals(List.of("a", "b", "c"), fired);
        assertEquals(Long.MAX_VALUE, q.nextDue());
    }

    @Test
    void cancelledTimersNeverFireAndPeriodicOnesRepeat() {
        TimerQueue q = new TimerQueue();
        int[] ticks = {0};
        ScheduledTimer once = q.add(5, 0, () -> ticks[0] += 100);
        ScheduledTimer every = q.add(10, 10, () -> ticks[0]++);
        assertTrue(once.cancel());
        assertFalse(once.isPending());
        q.fire(10);
        q.fire(20);
        q.fire(30);
        assertEquals(3, ticks[0]);
        assertTrue(every.isPending());
        every.cancel();
        q.fire(100);
        assertEquals(3, ticks[0]);
        assertEquals(Long.MAX_VALUE, q.nextDue());
    }
}
