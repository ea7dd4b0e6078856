package dev.manycore.messaging.internal.sim;

import java.util.Arrays;

/**
 * Every pending event of a simulation, agent runs included, in one order by (virtual time,
 * sequence number): a hashed timing wheel of one-nanosecond slots over the near future (Varghese and
 * Lauck, "Hashed and hierarchical timing wheels", SOSP 1987), with two heaps for the far future.
 *
 * <p>Why a wheel: a busy simulation has several events per nanosecond of virtual time, nearly all
 * of them within a few microseconds of now (a message's latency, a duty cycle, a think time). A heap
 * pays a sift of log(n) levels, each a coin-toss branch, for every insert, move and removal; the
 * wheel pays a constant: a slot is a doubly-linked FIFO list of nodes, so insert, move (decrease-key
 * or increase-key of an agent's run) and removal are a few array writes, and finding the next event
 * is a scan of an occupancy bitmap that almost always stops in its first word.
 *
 * <pre>
 *   window: times [base, base + SLOTS); time t lives in slot t &amp; (SLOTS - 1); base = the time of the
 *           event taken last (no event is ever scheduled before it)
 *   node n: nodes[3n] next, nodes[3n+1] previous, nodes[3n+2] reference (12 bytes side by side, one
 *           cache line, no object); nodes 0 .. SLOTS-1 are the slots' sentinels (a circular list
 *           each), so unlinking a node needs no slot number; an unlinked node has next -1
 *   far:    events at or after base + SLOTS wait in an EventQueue, agent runs in a RunQueue (which
 *           can move or remove them); when base advances they move into the window, in (time, seq)
 *           order, before anything else can be scheduled at their times
 *   runs:   one node per agent (ref = agent &lt;&lt; 3 | RUN), linked at most once: scheduling an agent
 *           again moves its node, so a re-armed timer leaves no dead event behind
 * </pre>
 *
 * <p><b>Order.</b> Within a slot the list is in insertion order, and every insertion or move takes
 * the place of a fresh sequence number, so the order is exactly that of one heap keyed by (time,
 * fresh sequence number): two events of one time come out in the order they were scheduled. Events
 * from the far heaps enter a slot before any event can be scheduled directly into it (that needs
 * the slot's time inside the window, which happens only when the far events of that time have
 * moved in), and in sequence order, so they keep their place too.
 *
 * <p>Not thread-safe: owned by the simulation's host thread.
 */
final class EventWheel {

    /** The kind of an agent run's reference; the other kinds are the simulation's. */
    static final int RUN = 1;
    private static final int SLOT_BITS = 13;
    private static final int SLOTS = 1 << SLOT_BITS;
    private static final int MASK = SLOTS - 1;
    private static final int WORDS = SLOTS >>> 6;

    private int[] nodes;
    private final long[] occupied = new long[WORDS];
    private int highWater = SLOTS;
    private int freeHead = -1;

    /** Per agent: its run's node (0 until it first has one), and the time of its run or MAX_VALUE. */
    private int[] runNode = new int[64];
    private long[] runTime = filled(new long[64]);

    private final EventQueue far = new EventQueue(64);
    private final RunQueue farRuns = new RunQueue();
    private long base;
    private int linked;
    private int events;
    private int runs;
    private int peak;
    /** The reference of the event after the one taken last in its slot, or -1; see {@link #followingRef()}. */
    private int followingRef = -1;
    /** The slot that {@link #peekTime()} found first, or -1: valid until the wheel changes. */
    private int peeked = -1;

    EventWheel() {
        nodes = new int[3 * 2 * SLOTS];
        for (int s = 0; s < SLOTS; s++) {
            nodes[3 * s] = s;
            nodes[3 * s + 1] = s;
        }
    }

    // ---------------------------------------------------------------- one-shot events

    /**
     * Schedules an event that is not an agent run.
     *
     * @param time when, not before the time of the event taken last
     * @param r    the event's reference (index &lt;&lt; 3 | kind), opaque here; its kind is not {@link #RUN}
     */
    void push(long time, int r) {
        requireNotPast(time);
        if (++events > peak) {
            peak = events;
        }
        if (time - base >= SLOTS) {
            far.push(time, r);
            return;
        }
        int node = allocate();
        nodes[3 * node + 2] = r;
        link(node, (int) time & MASK);
    }

    // ---------------------------------------------------------------- agent runs

    /**
     * Schedules an agent's run at {@code time} unless it is already scheduled no later.
     *
     * @param agent the agent's index
     * @param time  when, not before the time of the event taken last
     */
    void scheduleRunNoLaterThan(int agent, long time) {
        requireNotPast(time);
        if (agent >= runTime.length) {
            growAgents(agent);
        }
        long at = runTime[agent];
        if (at <= time) {
            return;
        }
        if (at != Long.MAX_VALUE) {
            unlinkRun(agent);
        } else {
            runs++;
        }
        linkRun(agent, time);
    }

    /**
     * Schedules an agent's run at {@code time}, earlier or later than it was, as a fresh event.
     *
     * @param agent the agent's index
     * @param time  when, not before the time of the event taken last
     */
    void rescheduleRun(int agent, long time) {
        requireNotPast(time);
        if (agent >= runTime.length) {
            growAgents(agent);
        }
        if (runTime[agent] != Long.MAX_VALUE) {
            unlinkRun(agent);
        } else {
            runs++;
        }
        linkRun(agent, time);
    }

    /** @param agent an agent's index: its run, if scheduled, is removed */
    void removeRun(int agent) {
        if (agent < runTime.length && runTime[agent] != Long.MAX_VALUE) {
            unlinkRun(agent);
            runTime[agent] = Long.MAX_VALUE;
            runs--;
        }
    }

    // ---------------------------------------------------------------- taking events

    /** @return true when no event or run is pending */
    boolean isEmpty() {
        return linked == 0 && far.isEmpty() && farRuns.isEmpty();
    }

    /** @return the time of the earliest event; only when not empty */
    long peekTime() {
        if (linked > 0) {
            int start = (int) base & MASK;
            int slot = peeked >= 0 ? peeked : (peeked = firstSlot(start));
            return base + ((slot - start) & MASK);
        }
        return farTime();
    }

    /**
     * Removes the earliest event (read its time first with {@link #peekTime()}); only when not empty.
     * An agent run taken this way leaves the agent unscheduled.
     *
     * @return its reference
     */
    int poll() {
        if (linked == 0) {
            advance(farTime());
        }
        int start = (int) base & MASK;
        int slot = peeked >= 0 ? peeked : firstSlot(start);
        if (slot != start) {
            advance(base + ((slot - start) & MASK));
        }
        int[] w = nodes;
        int node = w[3 * slot];
        unlink(node);
        int r = w[3 * node + 2];
        int following = w[3 * slot];
        followingRef = following != slot ? w[3 * following + 2] : -1;
        if ((r & Simulation.KIND_MASK) == RUN) {
            runTime[r >>> Simulation.KIND_BITS] = Long.MAX_VALUE;
            runs--;
        } else {
            w[3 * node] = freeHead;
            freeHead = node;
            events--;
        }
        return r;
    }

    /**
     * @return the reference of the event that followed the one taken last in its slot when it was
     *         taken, or -1: a hint of what comes next (it may have been moved since), for warming caches
     */
    int followingRef() {
        return followingRef;
    }

    /** @return the events and runs pending */
    int size() {
        return events + runs;
    }

    /** @return the most events (agent runs not counted) ever pending at once */
    int peak() {
        return peak;
    }

    /** @return bytes of array slots per pending event: next, previous and reference, three ints */
    static int bytesPerNode() {
        return 3 * Integer.BYTES;
    }

    // ---------------------------------------------------------------- internals

    /** Moves the window to start at {@code time}, taking in the far events that it now covers. */
    private void advance(long time) {
        base = time;
        while (true) {
            boolean e = !far.isEmpty() && far.peekTime() - time < SLOTS;
            boolean r = !farRuns.isEmpty() && farRuns.peekTime() - time < SLOTS;
            if (e && (!r || HeapKeys.before(far.peekTime(), far.peekSeq(), farRuns.peekTime(), farRuns.peekSeq()))) {
                int node = allocate();
                nodes[3 * node + 2] = far.peekRef();
                link(node, (int) far.peekTime() & MASK);
                far.removeFirst();
            } else if (r) {
                long t = farRuns.peekTime();
                int agent = farRuns.poll();
                link(runNodeOf(agent), (int) t & MASK);
            } else {
                return;
            }
        }
    }

    /**
     * An event before the one taken last would land in a slot of the far end of the window: refuse
     * it. The message is built elsewhere, so that this check stays small enough to be inlined on
     * every scheduling path.
     */
    private void requireNotPast(long time) {
        if (time < base) {
            throw pastEvent(time);
        }
    }

    private IllegalStateException pastEvent(long time) {
        return new IllegalStateException("event at " + time + " ns scheduled after the event of " + base
                + " ns was taken: the simulation never schedules into its past");
    }

    private long farTime() {
        if (farRuns.isEmpty()) {
            return far.peekTime();
        }
        return far.isEmpty() ? farRuns.peekTime() : Math.min(far.peekTime(), farRuns.peekTime());
    }

    /** @return the first occupied slot at or after {@code start}, circularly; only when one is */
    private int firstSlot(int start) {
        long[] o = occupied;
        int w = start >>> 6;
        long bits = o[w] & (-1L << start);
        if (bits != 0) {
            return w << 6 | Long.numberOfTrailingZeros(bits);
        }
        for (int i = 1; i < WORDS; i++) {
            int j = (w + i) & (WORDS - 1);
            if (o[j] != 0) {
                return j << 6 | Long.numberOfTrailingZeros(o[j]);
            }
        }
        return w << 6 | Long.numberOfTrailingZeros(o[w]);
    }

    private void linkRun(int agent, long time) {
        runTime[agent] = time;
        if (time - base >= SLOTS) {
            farRuns.reschedule(agent, time, far.nextSequence());
        } else {
            link(runNodeOf(agent), (int) time & MASK);
        }
    }

    private void unlinkRun(int agent) {
        int node = runNode[agent];
        if (node != 0 && nodes[3 * node] >= 0) {
            unlink(node);
        } else {
            farRuns.remove(agent);
        }
    }

    private int runNodeOf(int agent) {
        int node = runNode[agent];
        if (node == 0) {
            node = allocate();
            nodes[3 * node + 2] = agent << Simulation.KIND_BITS | RUN;
            runNode[agent] = node;
        }
        return node;
    }

    private void link(int node, int slot) {
        int[] w = nodes;
        int tail = w[3 * slot + 1];
        w[3 * tail] = node;
        w[3 * node + 1] = tail;
        w[3 * node] = slot;
        w[3 * slot + 1] = node;
        occupied[slot >>> 6] |= 1L << slot;
        linked++;
        peeked = -1;
    }

    private void unlink(int node) {
        int[] w = nodes;
        int p = w[3 * node + 1];
        int n = w[3 * node];
        w[3 * p] = n;
        w[3 * n + 1] = p;
        w[3 * node] = -1;
        if (p == n) {
            // the node was its slot's only one: p is the sentinel, whose number is the slot's
            occupied[p >>> 6] &= ~(1L << p);
        }
        linked--;
        peeked = -1;
    }

    private int allocate() {
        int node = freeHead;
        if (node >= 0) {
            freeHead = nodes[3 * node];
            return node;
        }
        if (3 * highWater == nodes.length) {
            // grow by half (as ArrayList does): the sentinels make the node count just above a power of
            // two exactly when the messages pending are at one, where doubling would waste half
            int n = highWater + (highWater >> 1);
            if (n > Integer.MAX_VALUE / 3 - 8 || n < highWater) {
                throw new IllegalStateException("more than " + highWater + " events pending: the event wheel cannot grow");
            }
            nodes = Arrays.copyOf(nodes, 3 * n);
        }
        return highWater++;
    }

    private void growAgents(int agent) {
        int n = Math.max(agent + 1, runTime.length * 2);
        runNode = Arrays.copyOf(runNode, n);
        int old = runTime.length;
        runTime = Arrays.copyOf(runTime, n);
        Arrays.fill(runTime, old, n, Long.MAX_VALUE);
    }

    private static long[] filled(long[] a) {
        Arrays.fill(a, Long.MAX_VALUE);
        return a;
    }
}
