package dev.manycore.messaging.internal.sim;

import java.util.Arrays;

/**
 * When each agent runs next, for the runs beyond the {@link EventWheel}'s window: an indexed 4-ary
 * min-heap with at most one entry per agent, ordered by (virtual time, sequence number), with
 * decrease-key. Keeping agents' runs apart from the message
 * events means a re-scheduled agent moves its one entry instead of leaving a stale event behind (a
 * client that re-arms a 1 ms timeout after every request would otherwise leave hundreds of
 * thousands of dead events in the queue), and the heap stays as small as the number of agents.
 *
 * <pre>
 *   slot i: keys[2i] time, keys[2i+1] sequence, agents[i];   position[agent] = slot, or -1 when not scheduled
 *   (time and sequence side by side, as in the EventQueue: a sift compares within one cache line)
 * </pre>
 *
 * <p>Sequence numbers come from the far {@link EventQueue}'s counter, so ties between a message
 * event and an agent run are broken by scheduling order, exactly as if both were in one queue.
 *
 * <p>Not thread-safe: owned by the simulation's host thread.
 */
final class RunQueue {

    private long[] keys = new long[128];
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
            if (keys[2 * i] <= time) {
                return false;
            }
        } else {
            if (size == agents.length) {
                keys = Arrays.copyOf(keys, 4 * size);
                agents = Arrays.copyOf(agents, 2 * size);
            }
            i = size++;
        }
        siftUp(i, time, seq, agent);
        return true;
    }

    /**
     * Sets an agent's entry to {@code (time, seq)}, earlier or later than it was, or adds it: the
     * run of the agent at the top reschedules it in place, one sift instead of a poll and an insert.
     *
     * @param agent the agent's index
     * @param time  the time
     * @param seq   a fresh sequence number
     */
    void reschedule(int agent, long time, long seq) {
        int i = agent < position.length ? position[agent] : -1;
        if (i < 0) {
            scheduleNoLaterThan(agent, time, seq);
        } else if (HeapKeys.before(time, seq, keys[2 * i], keys[2 * i + 1])) {
            siftUp(i, time, seq, agent);
        } else {
            siftDown(i, time, seq, agent);
        }
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
        long[] k = keys;
        long time = k[2 * n];
        long seq = k[2 * n + 1];
        int moved = agents[n];
        int parent = (i - 1) >>> 2;
        if (i > 0 && HeapKeys.before(time, seq, k[2 * parent], k[2 * parent + 1])) {
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
        return keys[0];
    }

    /** @return the sequence number of the earliest entry; only when not empty */
    long peekSeq() {
        return keys[1];
    }

    /** @return the agent of the earliest entry; only when not empty */
    int peekAgent() {
        return agents[0];
    }

    /** @return removes the earliest entry and returns its agent; only when not empty */
    int poll() {
        int agent = agents[0];
        position[agent] = -1;
        int n = --size;
        if (n > 0) {
            siftDown(0, keys[2 * n], keys[2 * n + 1], agents[n]);
        }
        return agent;
    }

    /** @return the number of agents scheduled */
    int size() {
        return size;
    }

    private void siftUp(int i, long time, long seq, int agent) {
        long[] k = keys;
        int[] a = agents;
        int[] pos = position;
        while (i > 0) {
            int parent = (i - 1) >>> 2;
            long pt = k[2 * parent];
            if (pt < time || (pt == time && k[2 * parent + 1] < seq)) {
                break;
            }
            k[2 * i] = pt;
            k[2 * i + 1] = k[2 * parent + 1];
            int moved = a[parent];
            a[i] = moved;
            pos[moved] = i;
            i = parent;
        }
        k[2 * i] = time;
        k[2 * i + 1] = seq;
        a[i] = agent;
        pos[agent] = i;
    }

    private void siftDown(int i, long time, long seq, int agent) {
        long[] k = keys;
        int[] a = agents;
        int[] pos = position;
        int n = size;
        while (true) {
            int first = (i << 2) + 1;
            if (first >= n) {
                break;
            }
            int best = HeapKeys.minChild(k, first, n);
            long bt = k[2 * best];
            long bs = k[2 * best + 1];
            if (time < bt || (time == bt && seq < bs)) {
                break;
            }
            k[2 * i] = bt;
            k[2 * i + 1] = bs;
            int moved = a[best];
            a[i] = moved;
            pos[moved] = i;
            i = best;
        }
        k[2 * i] = time;
        k[2 * i + 1] = seq;
        a[i] = agent;
        pos[agent] = i;
    }
}
