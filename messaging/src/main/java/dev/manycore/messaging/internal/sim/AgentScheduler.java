package dev.manycore.messaging.internal.sim;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;

/**
 * The agents' side of the simulation: when each agent runs, on which core time, and its duty cycle
 * (the Agrona duty-cycle model of CONVENTIONS.md, played in virtual time).
 *
 * <p>A duty cycle runs atomically, in host order, at its start time {@code t}: the agent's clock
 * starts at {@code t}, every send adds the simulation's send time, every message handed over adds
 * its service time, the cycle adds {@code dutyCycleNanos}; the core is busy until the clock's final
 * value ({@link #coreFree(int)}), and agents of one core take turns. An agent that reported work runs
 * again when its cycle ends; an idle one runs again at its wake-up time or when a message reaches
 * it. Runs are kept in the simulation's {@link EventWheel}, one entry per agent.
 *
 * <p>Not thread-safe: owned by the simulation's host thread.
 */
final class AgentScheduler {

    private static final Logger LOG = LoggerFactory.getLogger(AgentScheduler.class);

    private final Simulation sim;
    private final Ledger ledger;
    private final EventWheel queue;
    private final boolean checked;
    private final long dutyCycleNanos;
    private final long[] coreFree;
    /** The agent whose cycle (or factory, or onClose) is running, or null. */
    private SimAgentContext current;
    /** Agents whose last duty cycle reported work. */
    int busyAgents;
    /** Agents spawned whose factory has not run yet. */
    int pendingStarts;

    AgentScheduler(Simulation sim, int cores, boolean checked, long dutyCycleNanos) {
        this.sim = sim;
        this.ledger = sim.ledger;
        this.queue = sim.queue;
        this.checked = checked;
        this.dutyCycleNanos = dutyCycleNanos;
        this.coreFree = new long[cores];
    }

    /** @return true while some agent's cycle, factory or onClose is running */
    boolean inCycle() {
        return current != null;
    }

    /** @return the agent whose cycle, factory or onClose is running, or null */
    SimAgentContext current() {
        return current;
    }

    /** @return the virtual time at which a core finishes the work it has been given */
    long coreFree(int core) {
        return coreFree[core];
    }

    /** Schedules an agent's run at {@code time} unless it is already scheduled no later. */
    void schedule(SimAgentContext a, long time) {
        queue.scheduleRunNoLaterThan(a.index, time);
    }

    void setBusy(SimAgentContext a, boolean busy) {
        if (a.busy != busy) {
            a.busy = busy;
            busyAgents += busy ? 1 : -1;
        }
    }

    /** Runs an agent's factory at {@code t} (or when its core is free), then schedules its first cycle. */
    void start(SimAgentContext a, long t) {
        pendingStarts--;
        if (a.state != SimAgentContext.NEW) {
            return;
        }
        a.local = Math.max(t, coreFree[a.coreIndex]);
        current = a;
        try {
            a.agent = Objects.requireNonNull(a.factory.create(a), "agent factory returned null");
        } catch (RuntimeException e) {
            current = null;
            LOG.error("agent factory for {} failed; the agent is treated as crashed", a.address, e);
            sim.crash(a);
            return;
        }
        current = null;
        a.state = SimAgentContext.LIVE;
        coreFree[a.coreIndex] = a.local;
        setBusy(a, true);
        schedule(a, a.local);
    }

    /**
     * Runs an agent's duty cycle at {@code t}, or moves its run to when its core is free; re-runs it
     * in place while that re-run would be the very next event. The run being processed was taken
     * from the event wheel (or, for a run in place on a delivery, removed from it), so the agent is
     * unscheduled while its cycle runs; when the cycle ends its next run, if any, is scheduled as a
     * fresh event.
     *
     * @return false when the agent is not live (a stale run)
     */
    boolean run(SimAgentContext a, long t) {
        if (a.state != SimAgentContext.LIVE) {
            queue.removeRun(a.index);
            return false;
        }
        long free = coreFree[a.coreIndex];
        if (free > t) {
            queue.rescheduleRun(a.index, free);
            return true;
        }
        while (true) {
            if (a.wakeAt <= t) {
                a.wakeAt = Long.MAX_VALUE;
            }
            a.local = t;
            current = a;
            int work;
            try {
                work = a.agent.doWork();
            } catch (RuntimeException e) {
                LOG.error("agent {} at {} failed in doWork; it stays scheduled", a.agent.roleName(), a.address, e);
                work = 1;
            } finally {
                current = null;
            }
            ledger.dutyCycles++;
            long end = a.local + dutyCycleNanos;
            coreFree[a.coreIndex] = end;
            if (a.state != SimAgentContext.LIVE) {
                return true;
            }
            setBusy(a, work > 0);
            long next = work > 0 ? end : Long.MAX_VALUE;
            if (a.wakeAt != Long.MAX_VALUE) {
                next = Math.min(next, Math.max(a.wakeAt, end));
            }
            // a run scheduled during the cycle (from outside it) is superseded by the one derived here
            queue.removeRun(a.index);
            if (next == Long.MAX_VALUE) {
                return true;
            }
            if (next == end && sim.wouldRunNext(end)) {
                // the re-run would be the very next event (a fresh sequence number loses every tie, so
                // it is first only when strictly earlier than every other event): run it here
                t = end;
                sim.advanceTo(t);
                ledger.events++;
                continue;
            }
            queue.rescheduleRun(a.index, next);
            return true;
        }
    }

    /** Calls a live agent's onClose at the current time, inside its cycle; a failure is logged. */
    void close(SimAgentContext a) {
        current = a;
        a.local = Math.max(a.local, sim.now);
        try {
            a.agent.onClose();
        } catch (RuntimeException e) {
            LOG.error("agent {} at {} failed in onClose", a.agent.roleName(), a.address, e);
        } finally {
            current = null;
        }
    }

    /**
     * An agent asked for a wake-up. Inside its duty cycle the request is read when the cycle ends;
     * outside it (a factory, a test), it is scheduled at once.
     */
    void wakeRequested(SimAgentContext a, long time) {
        if (current != a && a.state == SimAgentContext.LIVE) {
            schedule(a, Math.max(time, Math.max(sim.now, coreFree[a.coreIndex])));
        }
    }

    void checkInCycle(SimAgentContext a, String operation) {
        if (checked && current != a) {
            throw new IllegalStateException(operation + " on " + a.address
                    + " outside its agent's duty cycle: only the agent may receive, from doWork");
        }
    }

    /** @return the agent's clock, never behind the engine's when read outside its cycle */
    long timeOf(SimAgentContext a) {
        if (current != a && a.local < sim.now) {
            a.local = sim.now;
        }
        return a.local;
    }
}
