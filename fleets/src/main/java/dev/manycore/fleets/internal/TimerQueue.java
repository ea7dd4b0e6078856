package dev.manycore.fleets.internal;

import dev.manycore.fleets.ScheduledTimer;

import java.util.PriorityQueue;

/**
 * The timers of one server: a binary heap ordered by (due time, sequence number), so timers due at
 * the same time fire in the order they were set, on both engines. The runtime fires due timers at
 * the start of each duty cycle and asks the engine to wake it at the earliest due time.
 *
 * <p>Not thread-safe: confined to the server's thread.
 */
final class TimerQueue {

    private final PriorityQueue<Entry> heap = new PriorityQueue<>();
    private long sequence;

    ScheduledTimer add(long due, long period, Runnable action) {
        Entry e = new Entry(due, period, sequence++, action);
        heap.add(e);
        return e;
    }

    /** @return the earliest due time of a pending timer, or Long.MAX_VALUE */
    long nextDue() {
        Entry e;
        while ((e = heap.peek()) != null && e.cancelled) {
            heap.poll();
        }
        return e == null ? Long.MAX_VALUE : e.due;
    }

    /**
     * Fires every timer due at {@code now}; periodic ones are set again one period later.
     *
     * @return the number fired
     */
    int fire(long now) {
        int fired = 0;
        Entry e;
        while ((e = heap.peek()) != null && (e.cancelled || e.due <= now)) {
            heap.poll();
            if (e.cancelled) {
                continue;
            }
            if (e.period > 0) {
                e.due = Math.max(e.due + e.period, now);
                e.sequence = sequence++;
                heap.add(e);
            } else {
                e.fired = true;
            }
            fired++;
            e.action.run();
        }
        return fired;
    }

    private static final class Entry implements ScheduledTimer, Comparable<Entry> {
        private long due;
        private final long period;
        private long sequence;
        private final Runnable action;
        private boolean cancelled;
        private boolean fired;

        Entry(long due, long period, long sequence, Runnable action) {
            this.due = due;
            this.period = period;
            this.sequence = sequence;
            this.action = action;
        }

        @Override
        public boolean cancel() {
            boolean was = isPending();
            cancelled = true;
            return was;
        }

        @Override
        public boolean isPending() {
            return !cancelled && !fired;
        }

        @Override
        public int compareTo(Entry o) {
            int c = Long.compare(due, o.due);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }
}
