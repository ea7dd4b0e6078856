package dev.manycore.messaging.internal.sim;

import dev.manycore.messaging.Address;
import dev.manycore.messaging.Fault;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.Topology;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What is scripted into a simulation's time line (fos report 3.2.4, fault tolerance): faults, each
 * a FAULT_BEGIN event and, unless it lasts forever, a FAULT_END event; and host actions, each an
 * ACTION event that runs outside every agent's cycle. Every fault transition is folded into the
 * trace hash.
 *
 * <pre>
 *   CrashAgent, CrashCore   the simulation crashes the agents (no end)
 *   DelayLink, Partition    NetworkFaults gains (and later loses) a delay or a cut
 *   HoldMailboxFull         the agent's heldFull depth goes up (and later down)
 * </pre>
 *
 * <p>Not thread-safe: owned by the simulation's host thread.
 */
final class FaultScript {

    private final Simulation sim;
    private final Topology topology;
    private final EventWheel queue;
    private final NetworkFaults network;
    private final List<Fault> faults = new ArrayList<>();
    private final List<int[]> faultGroups = new ArrayList<>();

    private Runnable[] actions = new Runnable[16];
    private int[] freeActions = new int[16];
    private int freeActionCount;
    private int actionHighWater;

    /** Fault transitions and actions scheduled and not yet run. */
    int pending;

    FaultScript(Simulation sim, NetworkFaults network) {
        this.sim = sim;
        this.topology = sim.topology;
        this.queue = sim.queue;
        this.network = network;
    }

    /**
     * Schedules a fault.
     *
     * @param fault the fault; its ids must be of this topology and engine, its time not in the past
     * @throws IllegalArgumentException if an id is unknown or the time is past
     */
    void schedule(Fault fault) {
        Objects.requireNonNull(fault, "fault is null");
        long now = sim.now;
        if (fault.at() < now) {
            throw new IllegalArgumentException("fault " + fault + " begins at " + fault.at()
                    + " ns, in the past: the engine's time is " + now + " ns");
        }
        int[] groups = null;
        switch (fault) {
            case Fault.CrashAgent c -> sim.requireAgent(c.agent());
            case Fault.HoldMailboxFull h -> sim.requireAgent(h.agent());
            case Fault.CrashCore c -> topology.core(c.core().index());
            case Fault.DelayLink d -> topology.distance(d.a(), d.b());
            case Fault.Partition p -> {
                groups = new int[topology.clusterCount()];
                int g = 1;
                for (Set<ClusterId> group : p.groups()) {
                    for (ClusterId c : group) {
                        topology.distance(c, c);
                        groups[c.index()] = g;
                    }
                    g++;
                }
            }
        }
        int index = faults.size();
        faults.add(fault);
        faultGroups.add(groups);
        pending++;
        queue.push(fault.at(), index << Simulation.KIND_BITS | Simulation.FAULT_BEGIN);
    }

    /** A FAULT_BEGIN event at {@code t}. */
    void begin(int index, long t) {
        pending--;
        Fault fault = faults.get(index);
        switch (fault) {
            case Fault.CrashAgent c -> sim.crash(agent(c.agent()));
            case Fault.CrashCore c -> sim.crashCore(c.core().index());
            case Fault.DelayLink d -> network.addLinkDelay(d.a().index(), d.b().index(), d.extraNanos());
            case Fault.HoldMailboxFull h -> agent(h.agent()).heldFull++;
            case Fault.Partition p -> network.addCut(index, faultGroups.get(index), saturatedEnd(p));
        }
        sim.ledger.faultTransitions++;
        sim.ledger.transition(t, 1L << 40 | index);
        if (fault.duration() != Long.MAX_VALUE) {
            pending++;
            queue.push(saturatedEnd(fault), index << Simulation.KIND_BITS | Simulation.FAULT_END);
        }
    }

    /** A FAULT_END event at {@code t}. */
    void end(int index, long t) {
        pending--;
        switch (faults.get(index)) {
            case Fault.DelayLink d -> network.addLinkDelay(d.a().index(), d.b().index(), -d.extraNanos());
            case Fault.HoldMailboxFull h -> agent(h.agent()).heldFull--;
            case Fault.Partition p -> network.removeCut(index);
            default -> throw new IllegalStateException("fault " + faults.get(index) + " has no end");
        }
        sim.ledger.faultTransitions++;
        sim.ledger.transition(t, 2L << 40 | index);
    }

    private SimAgentContext agent(Address address) {
        return sim.agentAt(address);
    }

    private static long saturatedEnd(Fault f) {
        long end = f.at() + f.duration();
        return end < 0 ? Long.MAX_VALUE : end;
    }

    /**
     * Runs an action on the host thread at a virtual time, outside every agent's cycle.
     *
     * @param time   when, not in the past
     * @param action the action
     */
    void at(long time, Runnable action) {
        Objects.requireNonNull(action, "action is null");
        long now = sim.now;
        if (time < now) {
            throw new IllegalArgumentException("action at " + time + " ns is in the past: the engine's time is " + now + " ns");
        }
        int index;
        if (freeActionCount > 0) {
            index = freeActions[--freeActionCount];
        } else {
            if (actionHighWater == actions.length) {
                actions = Arrays.copyOf(actions, actionHighWater * 2);
                freeActions = Arrays.copyOf(freeActions, actionHighWater * 2);
            }
            index = actionHighWater++;
        }
        actions[index] = action;
        pending++;
        queue.push(time, index << Simulation.KIND_BITS | Simulation.ACTION);
    }

    /** An ACTION event. */
    void runAction(int index) {
        pending--;
        Runnable action = actions[index];
        actions[index] = null;
        freeActions[freeActionCount++] = index;
        action.run();
    }
}
