package dev.manycore.fleets.internal.processes;

import java.util.ArrayDeque;

/**
 * The PIDs one member hands out: a contiguous share of the fleet's PID space, taken and given
 * back locally, without messages. Confined to the member's thread.
 */
final class PidSource {

    private final ArrayDeque<Long> free = new ArrayDeque<>();

    /**
     * @param first the first PID of this member's share
     * @param count how many
     */
    PidSource(long first, long count) {
        for (long p = first; p < first + count; p++) {
            free.add(p);
        }
    }

    /** @return a free PID, or -1 if none is left */
    long take() {
        Long p = free.poll();
        return p == null ? -1 : p;
    }

    /** @param pid a PID taken from this source, now free again */
    void put(long pid) {
        free.add(pid);
    }

    /** @return the free PIDs */
    int free() {
        return free.size();
    }
}
