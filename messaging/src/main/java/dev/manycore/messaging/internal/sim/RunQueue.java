package dev.manycore.messaging.internal.sim;

import java.util.Arrays;

/**
 * When each agent runs next: an indexed 4-ary min-heap with at most one entry per agent, ordered by
 * (virtual time, sequence number), with decrease-key. Keeping agents' runs apart from the message
 * events means a re-scheduled agent moves its one entry instead of leaving a stale event behind (a
 * client that re-arms a 1 ms timeout after every request would otherwise leave hundreds of
 * thousands of dead events in the queue), and the heap stays as small as the number of agents.
 *
 * <pre>
 *   slot i: times[i], seqs[i], agents[i];   position[agent] = slot, or -1 when not scheduled
 * </pre>
 *
 * <p>Sequence numbers come from the {@link EventQueue}'s counter, so ties between a message event
 * and an agent run are broken by scheduling order, exactly as if both were in one queue.
 *
 * <p>Not thread-safe: owned by the simulation's host thread.
 */
final class RunQueue {

    private long[] times = new long[64];
    private long[] seqs = new long[64];
    private int[] agents = new int[64];
    private int[] position = new int[64];
    private int size;

    RunQueue() {
        Arrays.fill(position, -1);
    }

    /**
     * Schedules an agent at {@code time} unless it is already scheduled no later.
     *
     * @param agent the agent's index
     * @param time  the time
     * @param seq   a fresh sequence number, used when the entry is added or moved earlier
     * @return true when the agent's entry was added or moved
     */
    boolean scheduleNoLaterThan(int agent, long time, long seq) {
        if (agent >= position.length) {
            int old = position.length;
            position = Arrays.copyOf(position, Math.max(agent + 1, old * 2));
            Arrays.fill(position, old, position.length, -1);
        }
        int i = position[agent];
        if (i >= 0) {
            if (times[i] <= time) {
                return false;
            }
        } else {
            if (size == times.length) {
                times = Arrays.copyOf(times, size * 2);
                seqs = Arrays.copyOf(seqs, size * 2);
                agents = Arrays.copyOf(agents, size * 2);
            }
            i = size++;
        }
        siftUp(i, time, seq, agent);
        return true;
    }

    /** @param agent an agent's index: its entry, if any, is removed */
    void remove(int agent) {
        if (agent >= position.length || position[agent] < 0) {
            return;
        }
        int i = position[agent];
        position[agent] = -1;
        int n = --size;
        if (i == n) {
            return;
        }
        long time = times[n];
        long seq = seqs[n];
        int moved = agents[n];
        if (i > 0 && less(time, seq, times[(i - 1) >>> 2], seqs[(i - 1) >>> 2])) {
            siftUp(i, time, seq, moved);
        } else {
            siftDown(i, time, seq, moved);
        }
    }

    /** @return true when no agent is scheduled */
    boolean isEmpty() {
        return size == 0;
    }

    /** @return the time of the earliest entry; only when not empty */
    long peekTime() {
        return times[0];
    }

    /** @return the sequence number of the earliest entry; only when not empty */
    long peekSeq() {
        return seqs[0];
    }

    /** @return removes the earliest entry and returns its agent; only when not empty */
    int poll() {
        int agent = agents[0];
        position[agent] = -1;
        int n = --size;
        if (n > 0) {
            siftDown(0, times[n], seqs[n], agents[n]);
        }
        return agent;
    }

    /** @return the number of agents scheduled */
    int size() {
        return size;
    }

    private static boolean less(long t1, long s1, long t2, long s2) {
        return t1 < t2 || (t1 == t2 && s1 < s2);
    }

    private void siftUp(int i, long time, long seq, int agent) {
        while (i > 0) {
            int parent = (i - 1) >>> 2;
            long pt = times[parent];
            if (pt < time || (pt == time && seqs[parent] < seq)) {
                break;
            }
            place(i, times[parent], seqs[parent], agents[parent]);
            i = parent;
        }
        place(i, time, seq, agent);
    }

    private void siftDown(int i, long time, long seq, int agent) {
        int n = size;
        while (true) {
            int first = (i << 2) + 1;
            if (first >= n) {
                break;
            }
            int best = first;
            long bt = times[first];
            int last = Math.min(first + 4, n);
            for (int c = first + 1; c < last; c++) {
                long ct = times[c];
                if (ct < bt || (ct == bt && seqs[c] < seqs[best])) {
                    best = c;
                    bt = ct;
                }
            }
            if (time < bt || (time == bt && seq < seqs[best])) {
                break;
            }
            place(i, times[best], seqs[best], agents[best]);
            i = best;
        }
        place(i, time, seq, agent);
    }

    private void place(int i, long time, long seq, int agent) {
        times[i] = time;
        seqs[i] = seq;
        agents[i] = agent;
        position[agent] = i;
    }
}
