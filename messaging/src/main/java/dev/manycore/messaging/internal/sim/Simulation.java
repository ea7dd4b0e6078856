package dev.manycore.messaging.internal.sim;

import dev.manycore.messaging.Address;
import dev.manycore.messaging.AgentFactory;
import dev.manycore.messaging.Envelope;
import dev.manycore.messaging.Fault;
import dev.manycore.messaging.NameCache;
import dev.manycore.messaging.NameResolver;
import dev.manycore.messaging.SendStatus;
import dev.manycore.messaging.internal.TrafficStripe;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.CostModel;
import dev.manycore.numa.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;

/**
 * The discrete-event core of the simulated engine (ARCHITECTURE.md, "Simulated: one host thread, an
 * event queue ordered by (virtual time, sequence number); delivery time = send time + cost model
 * (hops, bytes) + queueing at the receiver; service time per handled message"; the transaction-level
 * modelling that anchors.md sets against cycle-accurate simulation of TSAR): the agent table, the
 * event loop and the run control, and the facade that {@code SimulatedEngine} calls. Its parts:
 *
 * <pre>
 *   event kinds (EventWheel ref = index &lt;&lt; 3 | kind), all in one EventWheel
 *     RUN a       agent a's duty cycle (one per agent, moved in place, so a re-armed timer leaves no
 *                 stale event; a run that finds its core busy moves to when it is free) AgentScheduler
 *     DELIVER m   message m reaches its receiver's mailbox queue           Delivery
 *     START a     agent a's factory runs, then its first duty cycle       AgentScheduler
 *     FAULT_BEGIN f / FAULT_END f, ACTION x: scripted faults and actions  FaultScript
 *   counters, losses, traffic and the trace hash: Ledger
 * </pre>
 *
 * <p><b>Time.</b> A duty cycle runs atomically, in host order, at its start time (see
 * {@link AgentScheduler}); a message arrives after the cost model's latency, in per-sender order
 * (see {@link Delivery}). During a cycle the agent sees other agents' state as of the cycle's start:
 * the conservative approximation of every transaction-level model, bounded by one cycle's length.
 *
 * <p>Not thread-safe: the {@code SimulatedEngine} serialises every call.
 */
public final class Simulation {

    private static final Logger LOG = LoggerFactory.getLogger(Simulation.class);

    static final int DELIVER = 0;
    static final int START = 2;
    static final int FAULT_BEGIN = 3;
    static final int FAULT_END = 4;
    static final int ACTION = 5;
    static final int KIND_BITS = 3;
    static final int KIND_MASK = 7;

    private static final VarHandle NOW;

    static {
        try {
            NOW = MethodHandles.lookup().findVarHandle(Simulation.class, "now", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Topology topology;
    final CostModel costModel;
    final NameResolver resolver;
    final ServiceTimes serviceTimes;
    final EventWheel queue = new EventWheel();
    final Ledger ledger;
    final AgentScheduler scheduler;
    final Delivery delivery;
    /** The message being handed over, which {@link #view} reads. */
    final HandOver handOver = new HandOver();
    /** The envelope that every handler gets, a view over {@link #handOver}. */
    final Envelope<Object> view;
    private final FaultScript script;
    private final int mailboxCapacity;
    private final boolean[] coreCrashed;
    private final NameCache[] nameCaches;

    private SimAgentContext[] agents = new SimAgentContext[64];
    private int agentCount;

    /**
     * Virtual time; written by the host thread (opaque, through {@link #advanceTo}), read by any
     * thread through {@link #now()}; the simulation's parts read the field on the host thread.
     */
    long now;
    /** A sink for the reads of {@link #warm}; never read. */
    private int warmth;
    /** Re-runs of an agent that reported work may be done in place up to this time (not while stepping). */
    private long inlineLimit = Long.MIN_VALUE;

    /**
     * @param topology          the machine
     * @param costModel         latency figures, over {@code topology}
     * @param resolver          resolves names on a cache miss
     * @param serviceTimes      service time per payload type
     * @param mailboxCapacity   each agent's mailbox slots
     * @param channelCapacity   each channel's slots
     * @param checked           check payload immutability and the receiving agent
     * @param dutyCycleNanos    the cost of one call of doWork, 1 or more
     * @param sendNanos         the sender's core time per accepted send, 0 or more
     * @param channelFixedNanos the fixed latency of a channel message (a mailbox message pays the cost model's fixed cost)
     * @param views             makes the envelope view over a hand-over (the factory is the messaging package's)
     */
    public Simulation(Topology topology, CostModel costModel, NameResolver resolver, ServiceTimes serviceTimes,
                      int mailboxCapacity, int channelCapacity, boolean checked, long dutyCycleNanos, long sendNanos,
                      double channelFixedNanos, Function<HandOver, Envelope<Object>> views) {
        this.topology = topology;
        this.costModel = costModel;
        this.resolver = resolver;
        this.serviceTimes = serviceTimes;
        this.mailboxCapacity = mailboxCapacity;
        this.view = views.apply(handOver);
        this.ledger = new Ledger(topology.clusterCount());
        this.scheduler = new AgentScheduler(this, topology.coreCount(), checked, dutyCycleNanos);
        this.delivery = new Delivery(this, channelCapacity, checked, sendNanos, channelFixedNanos);
        this.script = new FaultScript(this, delivery.network);
        this.coreCrashed = new boolean[topology.coreCount()];
        this.nameCaches = new NameCache[topology.coreCount()];
    }

    // ---------------------------------------------------------------- agents

    /**
     * Creates an agent's mailbox now and schedules its factory at the current time.
     *
     * @param core    a core of the topology, not crashed
     * @param factory creates the agent
     * @return the agent's address; its mailbox number is its index
     */
    public Address spawn(CoreId core, AgentFactory factory) {
        int c = topology.core(core.index()).index();
        if (coreCrashed[c]) {
            throw new IllegalStateException("core " + core + " crashed: a crashed core takes no new agent");
        }
        if (agentCount == agents.length) {
            agents = Arrays.copyOf(agents, agentCount * 2);
        }
        int index = agentCount++;
        Address address = new Address(core, index);
        NameCache cache = nameCaches[c];
        if (cache == null) {
            cache = new NameCache();
            nameCaches[c] = cache;
        }
        agents[index] = new SimAgentContext(this, index, address, topology.clusterOf(core).index(), mailboxCapacity,
                cache, factory);
        scheduler.pendingStarts++;
        queue.push(now, index << KIND_BITS | START);
        return address;
    }

    /** @return the agent with index {@code index}; only for an index below {@link #agentCount()} */
    SimAgentContext agent(int index) {
        return agents[index];
    }

    /**
     * @param address an address
     * @return the agent with that address (live or not), or null when none was spawned with it
     */
    SimAgentContext agentAt(Address address) {
        int i = address.mailbox();
        if (i >= agentCount) {
            return null;
        }
        SimAgentContext a = agents[i];
        return a.address.equals(address) ? a : null;
    }

    SimAgentContext requireAgent(Address address) {
        SimAgentContext a = agentAt(address);
        if (a == null) {
            throw new IllegalArgumentException("no agent at " + address + " in this engine: faults target spawned agents");
        }
        return a;
    }

    /**
     * @param address an address
     * @return true when a spawned agent has it and has not crashed or closed
     */
    public boolean isLive(Address address) {
        SimAgentContext a = agentAt(address);
        return a != null && a.state < SimAgentContext.CRASHED;
    }

    /** @return the number of agents spawned */
    public int agentCount() {
        return agentCount;
    }

    /**
     * Retires an agent at the current virtual time ({@code Engine.retire}): a live agent gets
     * {@link dev.manycore.messaging.Agent#onClose()}, its mailbox closes and its queued messages are
     * discarded. Messages still in flight to it are counted as lost when they arrive, as for a crash.
     *
     * @param address a spawned agent's address
     * @return the queued messages discarded; 0 if it had crashed or was retired already
     * @throws IllegalArgumentException if no agent has that address
     */
    public long retire(Address address) {
        if (scheduler.inCycle()) {
            throw new IllegalStateException("retire(" + address + ") called inside the cycle of "
                    + scheduler.current().address + ": retire from outside the agents, or from an action scheduled with at()");
        }
        SimAgentContext a = requireAgent(address);
        if (a.state >= SimAgentContext.CRASHED) {
            return 0;
        }
        if (a.state == SimAgentContext.LIVE) {
            scheduler.close(a);
        }
        int discarded = stop(a, SimAgentContext.CLOSED);
        ledger.transition(now, 3L << 40 | a.index);
        return discarded;
    }

    /**
     * Crashes an agent from inside the engine (a program that broke the hand-off rules), as a
     * {@code CrashAgent} fault would.
     *
     * @param a the agent
     */
    void crashAgent(SimAgentContext a) {
        crash(a);
    }

    void crash(SimAgentContext a) {
        if (a.state >= SimAgentContext.CRASHED) {
            return;
        }
        int lost = stop(a, SimAgentContext.CRASHED);
        ledger.lose(a.address, lost);
        LOG.debug("agent {} crashed at {} ns, {} queued messages lost", a.address, now, lost);
    }

    /** Crashes a core: it takes no new agent, and every agent on it crashes. */
    void crashCore(int core) {
        coreCrashed[core] = true;
        for (int i = 0; i < agentCount; i++) {
            if (agents[i].coreIndex == core) {
                crash(agents[i]);
            }
        }
    }

    /**
     * Takes an agent out of the run: the new state, no longer busy or scheduled, its queued
     * messages freed.
     *
     * @return the number of queued messages freed
     */
    private int stop(SimAgentContext a, int state) {
        a.state = state;
        scheduler.setBusy(a, false);
        int discarded = delivery.discardQueue(a);
        a.reserved = 0;
        queue.removeRun(a.index);
        a.wakeAt = Long.MAX_VALUE;
        return discarded;
    }

    // ---------------------------------------------------------------- time and run control

    /** @return the virtual time; exact on the host thread, a racy but atomic read elsewhere */
    public long now() {
        return (long) NOW.getOpaque(this);
    }

    /** Moves the clock to {@code t}, the time of the event being processed. */
    void advanceTo(long t) {
        NOW.setOpaque(this, t);
    }

    /**
     * Runs every event up to and including {@code limit}, then moves the clock to {@code limit}.
     *
     * @param limit a virtual time, not before {@link #now()}
     */
    public void runUntil(long limit) {
        inlineLimit = limit;
        while (hasEvents() && nextTime() <= limit) {
            processNext();
        }
        if (limit > now) {
            advanceTo(limit);
        }
    }

    /**
     * Runs until nothing is left to do but timer wake-ups of idle agents, or until {@code limit}.
     *
     * @param limit the latest virtual time to run to
     * @return true when quiescent
     */
    public boolean runUntilQuiescent(long limit) {
        if (isQuiescent()) {
            return true;
        }
        inlineLimit = limit;
        while (hasEvents() && nextTime() <= limit) {
            processNext();
            if (isQuiescent()) {
                return true;
            }
        }
        return isQuiescent();
    }

    /**
     * Runs until {@code done} answers true (checked after every event), until {@code limit}, or
     * until no event is left.
     *
     * @param done  the condition, read on the host thread between events
     * @param limit the latest virtual time to run to
     * @return true when the condition holds
     */
    public boolean runUntil(java.util.function.BooleanSupplier done, long limit) {
        if (done.getAsBoolean()) {
            return true;
        }
        inlineLimit = limit;
        while (hasEvents() && nextTime() <= limit) {
            processNext();
            if (done.getAsBoolean()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Processes events until one that is not stale was processed.
     *
     * @return false when no event is pending
     */
    public boolean step() {
        inlineLimit = Long.MIN_VALUE;
        while (hasEvents()) {
            if (processNext()) {
                return true;
            }
        }
        return false;
    }

    private boolean hasEvents() {
        return !queue.isEmpty();
    }

    /** @return the time of the next event; only when there is one */
    private long nextTime() {
        return queue.peekTime();
    }

    /**
     * @param t a time, not before the current one
     * @return true when a run scheduled now at {@code t} would be the very next event (a fresh
     *         sequence number loses every tie) and the run control allows running it in place
     */
    boolean wouldRunNext(long t) {
        return t <= inlineLimit && (queue.isEmpty() || t < queue.peekTime());
    }

    /**
     * @return true when no message is in flight or queued, no agent reported pending work, no agent
     *         waits to start and no scripted fault or action is pending
     */
    public boolean isQuiescent() {
        return ledger.inFlight == 0 && ledger.queued == 0 && scheduler.busyAgents == 0 && scheduler.pendingStarts == 0
                && script.pending == 0;
    }

    private boolean processNext() {
        long t = queue.peekTime();
        int ref = queue.poll();
        warm(queue.followingRef());
        advanceTo(t);
        int index = ref >>> KIND_BITS;
        switch (ref & KIND_MASK) {
            case EventWheel.RUN -> {
                if (!scheduler.run(agents[index], t)) {
                    return false;
                }
            }
            case DELIVER -> delivery.deliver(index, t);
            case START -> scheduler.start(agents[index], t);
            case FAULT_BEGIN -> script.begin(index, t);
            case FAULT_END -> script.end(index, t);
            case ACTION -> script.runAction(index);
            default -> throw new IllegalStateException("unknown event kind in ref " + ref);
        }
        ledger.events++;
        return true;
    }

    /**
     * Loads the lines that the event after this one will read first (its agent, or its message and
     * receiver), so that their cache misses overlap this event's work instead of following it: the
     * agents are touched in an order that no cache predicts, and the next event is known one event
     * early. A read only; what it reads is folded into a field so that the loads are not dropped.
     */
    private void warm(int ref) {
        if (ref < 0) {
            return;
        }
        int index = ref >>> KIND_BITS;
        int kind = ref & KIND_MASK;
        if (kind == EventWheel.RUN) {
            warmth += agents[index].state;
        } else if (kind == DELIVER) {
            warmth += agents[delivery.messages.to(index)].state;
        }
    }

    // ---------------------------------------------------------------- messages, faults, actions

    /**
     * Sends from the edge of the system at the current time, as if {@code from} sent it; not counted
     * as traffic. Per-sender order holds per (from, to) pair.
     *
     * @return DELIVERED, FULL or CLOSED
     */
    public SendStatus inject(Address from, Address to, Object payload, long correlationId) {
        return delivery.inject(from, to, payload, correlationId);
    }

    /**
     * Schedules a fault.
     *
     * @param fault the fault; its ids must be of this topology and engine, its time not in the past
     * @throws IllegalArgumentException if an id is unknown or the time is past
     */
    public void schedule(Fault fault) {
        script.schedule(fault);
    }

    /**
     * Runs an action on the host thread at a virtual time, outside every agent's cycle.
     *
     * @param time   when, not in the past
     * @param action the action
     */
    public void at(long time, Runnable action) {
        script.at(time, action);
    }

    // ---------------------------------------------------------------- reports

    /** @return the traffic counters (every cluster is a sender cluster of this one stripe) */
    public TrafficStripe stripe() {
        return ledger.stripe();
    }

    /** @return the trace hash so far */
    public long traceHash() {
        return ledger.traceHash();
    }

    /** @return counters, in the order of the engine's report: events, cycles, sent, received, full, closed, lost, held, faults, in flight, queued, pending, peak */
    public long[] counters() {
        return ledger.counters(queue.size(), queue.peak());
    }

    /** @return lost-to-crash counts per address, a copy */
    public Map<Address, Long> lostByAddress() {
        return ledger.lostByAddress();
    }

    /**
     * Stops every agent: live ones get {@link dev.manycore.messaging.Agent#onClose()}; every mailbox
     * closes. Counts what was accepted and never received, per receiving address: messages queued or
     * in flight to an agent that was live (undelivered), and in flight to a crashed one (lost).
     *
     * @param undelivered receives the undelivered counts per address
     * @return the number of agents
     */
    public int shutdown(Map<Address, Long> undelivered) {
        for (int i = 0; i < agentCount; i++) {
            SimAgentContext a = agents[i];
            if (a.state == SimAgentContext.LIVE) {
                scheduler.close(a);
            }
        }
        while (!queue.isEmpty()) {
            int ref = queue.poll();
            if ((ref & KIND_MASK) == DELIVER) {
                delivery.abandon(ref >>> KIND_BITS, undelivered);
            }
        }
        for (int i = 0; i < agentCount; i++) {
            SimAgentContext a = agents[i];
            if (a.queueSize > 0) {
                undelivered.merge(a.address, (long) a.queueSize, Long::sum);
                delivery.discardQueue(a);
            }
            if (a.state < SimAgentContext.CRASHED) {
                a.state = SimAgentContext.CLOSED;
            }
            scheduler.setBusy(a, false);
        }
        scheduler.pendingStarts = 0;
        script.pending = 0;
        return agentCount;
    }

    /** @return approximate bytes of engine memory held per pending message: event node plus message-table slot */
    public static int bytesPerPendingMessage() {
        // event node: 3 ints; table: payload, sender, channel refs (4 B compressed), correlation,
        // send time and (to, origin) (8 B each), and a free-list int
        return EventWheel.bytesPerNode() + 3 * 4 + 3 * 8 + 4;
    }
}
