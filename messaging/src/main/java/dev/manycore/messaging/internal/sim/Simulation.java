package dev.manycore.messaging.internal.sim;

import dev.manycore.messaging.Address;
import dev.manycore.messaging.AgentFactory;
import dev.manycore.messaging.Envelope;
import dev.manycore.messaging.Fault;
import dev.manycore.messaging.MessageHandler;
import dev.manycore.messaging.NameCache;
import dev.manycore.messaging.NameInvalidation;
import dev.manycore.messaging.NameResolver;
import dev.manycore.messaging.SendStatus;
import dev.manycore.messaging.internal.PayloadCheck;
import dev.manycore.messaging.internal.PayloadSize;
import dev.manycore.messaging.internal.TrafficStripe;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.CostModel;
import dev.manycore.numa.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The discrete-event core of the simulated engine (ARCHITECTURE.md, "Simulated: one host thread, an
 * event queue ordered by (virtual time, sequence number); delivery time = send time + cost model
 * (hops, bytes) + queueing at the receiver; service time per handled message"; the transaction-level
 * modelling that anchors.md sets against cycle-accurate simulation of TSAR).
 *
 * <pre>
 *   event kinds (EventQueue ref = index &lt;&lt; 3 | kind)
 *     DELIVER m   message m reaches its receiver's mailbox queue; the receiver is scheduled
 *     (agent runs live in a RunQueue beside it: one entry per agent, moved earlier in place, so a
 *      re-armed timer leaves no stale event; a run that finds its core busy moves to when it is free)
 *     START a     agent a's factory runs, then its first duty cycle
 *     FAULT_BEGIN f / FAULT_END f, ACTION x: scripted faults and actions
 *
 *   a DELIVER's message lives in the MessageTable (struct of arrays, free list); link delays and
 *   partitions in NetworkFaults
 * </pre>
 *
 * <p><b>Time.</b> A duty cycle runs atomically, in host order, at its start time {@code t}: the
 * agent's clock starts at {@code t}, every send adds {@code sendNanos}, every message handed over
 * adds its service time, the cycle adds {@code dutyCycleNanos}; the core is busy until the clock's
 * final value, and agents of one core take turns. A send at agent time {@code s} arrives at
 * {@code s + latency(hops, bytes) + link delay}, never before an earlier message of the same route
 * (per-sender order). Queueing at the receiver is the time its core is still busy with earlier
 * messages. During a cycle the agent sees other agents' state as of {@code t}: the conservative
 * approximation of every transaction-level model, bounded by one cycle's length.
 *
 * <p><b>Capacity.</b> A send reserves a slot in the receiver's mailbox (or in the route's channel)
 * when it is accepted, so FULL is decided at send time, like credit-based flow control in a NoC,
 * and an accepted message is never refused at arrival: DELIVERED keeps its meaning ("received
 * exactly once unless the mailbox closes first").
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
    private static final int KIND_BITS = 3;
    private static final int KIND_MASK = 7;

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
    private final int clusters;
    private final int mailboxCapacity;
    private final int channelCapacity;
    private final boolean checked;
    private final long dutyCycleNanos;
    private final long sendNanos;
    private final double channelFixedNanos;
    private final EventQueue queue = new EventQueue(1024);
    private final RunQueue runs = new RunQueue();
    private final TrafficStripe stripe;
    private final long[] coreFree;
    private final boolean[] coreCrashed;
    private final NameCache[] nameCaches;

    private SimAgentContext[] agents = new SimAgentContext[64];
    private int agentCount;

    private final MessageTable messages = new MessageTable(Integer.MAX_VALUE >>> KIND_BITS);

    private final List<Fault> faults = new ArrayList<>();
    private final List<int[]> faultGroups = new ArrayList<>();
    private final NetworkFaults network;

    private Runnable[] actions = new Runnable[16];
    private int[] freeActions = new int[16];
    private int freeActionCount;
    private int actionHighWater;

    private final Map<InjectOrigin, Long> injectArrivals = new HashMap<>();
    private final Map<Address, Long> lostByAddress = new LinkedHashMap<>();

    /** Virtual time; written by the host thread (opaque), read by any thread through the engine's clock. */
    private long now;
    private SimAgentContext current;
    /** Re-runs of an agent that reported work may be done in place up to this time (not while stepping). */
    private long inlineLimit = Long.MIN_VALUE;

    long events;
    long dutyCycles;
    long sent;
    long received;
    long refusedFull;
    long refusedClosed;
    long lostToCrash;
    long heldByPartition;
    long faultTransitions;
    private long inFlight;
    private long queued;
    private int busyAgents;
    private int pendingStarts;
    private int pendingScripted;
    private long traceHash = 0x6a09e667f3bcc909L;

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
     */
    public Simulation(Topology topology, CostModel costModel, NameResolver resolver, ServiceTimes serviceTimes,
                      int mailboxCapacity, int channelCapacity, boolean checked, long dutyCycleNanos, long sendNanos,
                      double channelFixedNanos) {
        this.topology = topology;
        this.costModel = costModel;
        this.resolver = resolver;
        this.serviceTimes = serviceTimes;
        this.clusters = topology.clusterCount();
        this.mailboxCapacity = mailboxCapacity;
        this.channelCapacity = channelCapacity;
        this.checked = checked;
        this.dutyCycleNanos = dutyCycleNanos;
        this.sendNanos = sendNanos;
        this.channelFixedNanos = channelFixedNanos;
        int[] all = new int[clusters];
        Arrays.setAll(all, i -> i);
        this.stripe = new TrafficStripe(clusters, all);
        this.network = new NetworkFaults(clusters);
        this.coreFree = new long[topology.coreCount()];
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
        pendingStarts++;
        queue.push(now, index << KIND_BITS | START);
        return address;
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

    // ---------------------------------------------------------------- time and run control

    /** @return the virtual time; exact on the host thread, a racy but atomic read elsewhere */
    public long now() {
        return (long) NOW.getOpaque(this);
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
            NOW.setOpaque(this, limit);
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
        return !queue.isEmpty() || !runs.isEmpty();
    }

    /** @return the time of the next event; only when there is one */
    private long nextTime() {
        if (runs.isEmpty()) {
            return queue.peekTime();
        }
        return queue.isEmpty() ? runs.peekTime() : Math.min(queue.peekTime(), runs.peekTime());
    }

    /** @return true when the next event is an agent run: earlier, or as early and scheduled first */
    private boolean nextIsRun() {
        if (runs.isEmpty()) {
            return false;
        }
        if (queue.isEmpty()) {
            return true;
        }
        long rt = runs.peekTime();
        long qt = queue.peekTime();
        return rt < qt || (rt == qt && runs.peekSeq() < queue.peekSeq());
    }

    /**
     * @return true when no message is in flight or queued, no agent reported pending work, no agent
     *         waits to start and no scripted fault or action is pending
     */
    public boolean isQuiescent() {
        return inFlight == 0 && queued == 0 && busyAgents == 0 && pendingStarts == 0 && pendingScripted == 0;
    }

    private boolean processNext() {
        if (nextIsRun()) {
            long t = runs.peekTime();
            int agent = runs.poll();
            NOW.setOpaque(this, t);
            if (!runAgent(agents[agent], t)) {
                return false;
            }
            events++;
            return true;
        }
        long t = queue.peekTime();
        int ref = queue.peekRef();
        queue.removeFirst();
        NOW.setOpaque(this, t);
        int index = ref >>> KIND_BITS;
        switch (ref & KIND_MASK) {
            case DELIVER -> deliver(index, t);
            case START -> start(agents[index], t);
            case FAULT_BEGIN -> beginFault(index, t);
            case FAULT_END -> endFault(index, t);
            case ACTION -> runAction(index);
            default -> throw new IllegalStateException("unknown event kind in ref " + ref);
        }
        events++;
        return true;
    }

    private void schedule(SimAgentContext a, long time) {
        runs.scheduleNoLaterThan(a.index, time, queue.nextSequence());
    }

    private void setBusy(SimAgentContext a, boolean busy) {
        if (a.busy != busy) {
            a.busy = busy;
            busyAgents += busy ? 1 : -1;
        }
    }

    private void start(SimAgentContext a, long t) {
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
            crash(a);
            return;
        }
        current = null;
        a.state = SimAgentContext.LIVE;
        coreFree[a.coreIndex] = a.local;
        setBusy(a, true);
        schedule(a, a.local);
    }

    private boolean runAgent(SimAgentContext a, long t) {
        if (a.state != SimAgentContext.LIVE) {
            return false;
        }
        long free = coreFree[a.coreIndex];
        if (free > t) {
            schedule(a, free);
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
            dutyCycles++;
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
            if (next == Long.MAX_VALUE) {
                return true;
            }
            if (next == end && end <= inlineLimit && (!hasEvents() || end < nextTime())) {
                // the re-run would be the very next event (a fresh sequence number loses every tie):
                // run it here and spare the queue, with the same outcome
                t = end;
                NOW.setOpaque(this, t);
                events++;
                continue;
            }
            schedule(a, next);
            return true;
        }
    }

    /**
     * An agent asked for a wake-up. Inside its duty cycle the request is read when the cycle ends;
     * outside it (a factory, a test), it is scheduled at once.
     */
    void wakeRequested(SimAgentContext a, long time) {
        if (current != a && a.state == SimAgentContext.LIVE) {
            schedule(a, Math.max(time, Math.max(now, coreFree[a.coreIndex])));
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
        if (current != a && a.local < now) {
            a.local = now;
        }
        return a.local;
    }

    // ---------------------------------------------------------------- messages

    /**
     * Checks whether a message may be accepted on a route now and, when {@code reserve}, takes its slot.
     *
     * @return DELIVERED when accepted (or admissible), else FULL or CLOSED
     */
    SendStatus admit(SimAgentContext from, SimRoute route, boolean reserve) {
        SimAgentContext d = route.destination;
        if (d.state >= SimAgentContext.CRASHED) {
            refusedClosed++;
            return SendStatus.CLOSED;
        }
        if (network.cuts > 0 && network.cutEnd(from.cluster, d.cluster) >= 0) {
            refusedClosed++;
            return SendStatus.CLOSED;
        }
        if (d.heldFull > 0) {
            refusedFull++;
            return SendStatus.FULL;
        }
        if (route.channelOpen) {
            if (route.channelUsed >= channelCapacity) {
                refusedFull++;
                return SendStatus.FULL;
            }
            if (reserve) {
                route.channelUsed++;
            }
        } else {
            if (d.reserved >= d.capacity) {
                refusedFull++;
                return SendStatus.FULL;
            }
            if (reserve) {
                d.reserved++;
            }
        }
        return SendStatus.DELIVERED;
    }

    SendStatus send(SimAgentContext from, SimRoute route, Object payload, long correlationId) {
        if (payload == null) {
            throw new NullPointerException("payload is null: every message to " + route.destination.address
                    + " carries a payload");
        }
        if (checked && payload.getClass() != route.checkedClass) {
            PayloadCheck.requireImmutable(payload);
            route.checkedClass = payload.getClass();
        }
        SendStatus status = admit(from, route, true);
        if (status != SendStatus.DELIVERED) {
            return status;
        }
        long sendTime = timeOf(from);
        int bytes = route.size(payload, this);
        long arrival = sendTime + (route.channelOpen ? route.channelLatency() : route.mailboxLatency());
        if (network.linkDelays > 0) {
            arrival += network.extra(from.cluster, route.toCluster);
        }
        if (arrival < route.lastArrival) {
            arrival = route.lastArrival;
        }
        route.lastArrival = arrival;
        int m = messages.add(payload, from.address, correlationId, sendTime, route.destination.index,
                from.cluster << 12 | route.hops, route.channelOpen ? route : null);
        queue.push(arrival, m << KIND_BITS | DELIVER);
        inFlight++;
        sent++;
        stripe.record(from.cluster, route.toCluster, route.hops, bytes);
        from.local = sendTime + sendNanos;
        return SendStatus.DELIVERED;
    }

    /**
     * Sends from the edge of the system at the current time, as if {@code from} sent it; not counted
     * as traffic. Per-sender order holds per (from, to) pair.
     *
     * @return DELIVERED, FULL or CLOSED
     */
    public SendStatus inject(Address from, Address to, Object payload, long correlationId) {
        Objects.requireNonNull(from, "from is null");
        Objects.requireNonNull(to, "to is null");
        if (payload == null) {
            throw new NullPointerException("payload is null: every message to " + to + " carries a payload");
        }
        int fromCluster = topology.clusterOf(from.core()).index();
        SimAgentContext d = agentAt(to);
        if (d == null || d.state >= SimAgentContext.CRASHED || (network.cuts > 0 && network.cutEnd(fromCluster, d.cluster) >= 0)) {
            refusedClosed++;
            return SendStatus.CLOSED;
        }
        if (checked) {
            PayloadCheck.requireImmutable(payload);
        }
        if (d.heldFull > 0 || d.reserved >= d.capacity) {
            refusedFull++;
            return SendStatus.FULL;
        }
        d.reserved++;
        int hops = topology.distance(topology.cluster(fromCluster), topology.cluster(d.cluster));
        long arrival = now + costModel.messageLatency(hops, PayloadSize.bytes(payload));
        if (network.linkDelays > 0) {
            arrival += network.extra(fromCluster, d.cluster);
        }
        InjectOrigin origin = new InjectOrigin(from, d.index);
        Long last = injectArrivals.get(origin);
        if (last != null && arrival < last) {
            arrival = last;
        }
        injectArrivals.put(origin, arrival);
        int m = messages.add(payload, from, correlationId, now, d.index, fromCluster << 12 | hops, null);
        queue.push(arrival, m << KIND_BITS | DELIVER);
        inFlight++;
        sent++;
        return SendStatus.DELIVERED;
    }

    private record InjectOrigin(Address from, int to) {
    }

    private void deliver(int m, long t) {
        inFlight--;
        SimAgentContext a = agents[messages.to[m]];
        if (a.state >= SimAgentContext.CRASHED) {
            lose(a, 1);
            messages.free(m);
            return;
        }
        if (network.cuts > 0) {
            long heal = network.cutEnd(messages.fromCluster(m), a.cluster);
            if (heal >= 0) {
                if ((messages.origin[m] & MessageTable.HELD) == 0) {
                    messages.origin[m] |= MessageTable.HELD;
                    heldByPartition++;
                }
                queue.push(heal, m << KIND_BITS | DELIVER);
                inFlight++;
                return;
            }
        }
        a.enqueue(m);
        queued++;
        if (a.state == SimAgentContext.LIVE) {
            long start = Math.max(t, coreFree[a.coreIndex]);
            if (start == t && t <= inlineLimit && (!hasEvents() || t < nextTime())) {
                // the receiver's run would be the very next event: run it here. Any entry it has in the
                // run queue is a later wake-up, which its cycle re-derives from wakeAt.
                runs.remove(a.index);
                if (runAgent(a, t)) {
                    events++;
                }
            } else {
                schedule(a, start);
            }
        }
    }

    int receive(SimAgentContext a, MessageHandler<Object> handler, int limit) {
        int n = 0;
        while (n < limit && a.queueSize > 0) {
            int m = a.dequeue();
            queued--;
            MessageTable t = messages;
            Object payload = t.payload[m];
            SimRoute channel = t.channel[m];
            if (channel != null) {
                channel.channelUsed--;
            } else {
                a.reserved--;
            }
            Address sender = t.sender[m];
            long correlation = t.correlation[m];
            long sendTime = t.sendTime[m];
            int hops = t.origin[m] & MessageTable.HOPS_MASK;
            t.free(m);
            if (payload instanceof NameInvalidation invalidation) {
                a.nameCache.invalidate(invalidation.name(), invalidation.version());
                continue;
            }
            a.local += a.serviceNanos(payload);
            received++;
            long h = traceHash;
            h = TraceHash.mix(h, a.local);
            h = TraceHash.mix(h, TraceHash.of(sender));
            h = TraceHash.mix(h, a.index);
            h = TraceHash.mix(h, TraceHash.of(payload.getClass()));
            traceHash = TraceHash.mix(h, correlation);
            n++;
            handler.onMessage(Envelope.of(sender, a.address, correlation, payload, sendTime, hops));
        }
        return n;
    }




    long mailboxLatency(int hops, int bytes) {
        return costModel.messageLatency(hops, bytes);
    }

    long channelLatency(int hops, int bytes) {
        return Math.round(channelFixedNanos + hops * costModel.perHopNanos() + bytes * costModel.perByteNanos());
    }

    // ---------------------------------------------------------------- faults

    /**
     * Schedules a fault.
     *
     * @param fault the fault; its ids must be of this topology and engine, its time not in the past
     * @throws IllegalArgumentException if an id is unknown or the time is past
     */
    public void schedule(Fault fault) {
        Objects.requireNonNull(fault, "fault is null");
        if (fault.at() < now) {
            throw new IllegalArgumentException("fault " + fault + " begins at " + fault.at()
                    + " ns, in the past: the engine's time is " + now + " ns");
        }
        int[] groups = null;
        switch (fault) {
            case Fault.CrashAgent c -> requireAgent(c.agent());
            case Fault.HoldMailboxFull h -> requireAgent(h.agent());
            case Fault.CrashCore c -> topology.core(c.core().index());
            case Fault.DelayLink d -> topology.distance(d.a(), d.b());
            case Fault.Partition p -> {
                groups = new int[clusters];
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
        pendingScripted++;
        queue.push(fault.at(), index << KIND_BITS | FAULT_BEGIN);
    }

    private SimAgentContext requireAgent(Address address) {
        SimAgentContext a = agentAt(address);
        if (a == null) {
            throw new IllegalArgumentException("no agent at " + address + " in this engine: faults target spawned agents");
        }
        return a;
    }

    private void beginFault(int index, long t) {
        pendingScripted--;
        Fault fault = faults.get(index);
        switch (fault) {
            case Fault.CrashAgent c -> crash(agentAt(c.agent()));
            case Fault.CrashCore c -> {
                coreCrashed[c.core().index()] = true;
                for (int i = 0; i < agentCount; i++) {
                    if (agents[i].coreIndex == c.core().index()) {
                        crash(agents[i]);
                    }
                }
            }
            case Fault.DelayLink d -> network.addLinkDelay(d.a().index(), d.b().index(), d.extraNanos());
            case Fault.HoldMailboxFull h -> agentAt(h.agent()).heldFull++;
            case Fault.Partition p -> network.addCut(index, faultGroups.get(index), saturatedEnd(p));
        }
        faultTransitions++;
        traceHash = TraceHash.mix(TraceHash.mix(traceHash, t), 1L << 40 | index);
        if (fault.duration() != Long.MAX_VALUE) {
            pendingScripted++;
            queue.push(saturatedEnd(fault), index << KIND_BITS | FAULT_END);
        }
    }

    private void endFault(int index, long t) {
        pendingScripted--;
        switch (faults.get(index)) {
            case Fault.DelayLink d -> network.addLinkDelay(d.a().index(), d.b().index(), -d.extraNanos());
            case Fault.HoldMailboxFull h -> agentAt(h.agent()).heldFull--;
            case Fault.Partition p -> network.removeCut(index);
            default -> throw new IllegalStateException("fault " + faults.get(index) + " has no end");
        }
        faultTransitions++;
        traceHash = TraceHash.mix(TraceHash.mix(traceHash, t), 2L << 40 | index);
    }

    private static long saturatedEnd(Fault f) {
        long end = f.at() + f.duration();
        return end < 0 ? Long.MAX_VALUE : end;
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
        if (current != null) {
            throw new IllegalStateException("retire(" + address + ") called inside the cycle of " + current.address
                    + ": retire from outside the agents, or from an action scheduled with at()");
        }
        SimAgentContext a = requireAgent(address);
        if (a.state >= SimAgentContext.CRASHED) {
            return 0;
        }
        if (a.state == SimAgentContext.LIVE) {
            close(a);
        }
        int discarded = stop(a, SimAgentContext.CLOSED);
        traceHash = TraceHash.mix(TraceHash.mix(traceHash, now), 3L << 40 | a.index);
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

    private void crash(SimAgentContext a) {
        if (a.state >= SimAgentContext.CRASHED) {
            return;
        }
        int lost = stop(a, SimAgentContext.CRASHED);
        lose(a, lost);
        LOG.debug("agent {} crashed at {} ns, {} queued messages lost", a.address, now, lost);
    }

    /**
     * Takes an agent out of the run: the new state, no longer busy or scheduled, its queued
     * messages freed.
     *
     * @return the number of queued messages freed
     */
    private int stop(SimAgentContext a, int state) {
        a.state = state;
        setBusy(a, false);
        int discarded = a.queueSize;
        while (a.queueSize > 0) {
            messages.free(a.dequeue());
        }
        queued -= discarded;
        a.reserved = 0;
        runs.remove(a.index);
        a.wakeAt = Long.MAX_VALUE;
        return discarded;
    }

    /** Calls a live agent's onClose at the current time, inside its cycle; a failure is logged. */
    private void close(SimAgentContext a) {
        current = a;
        a.local = Math.max(a.local, now);
        try {
            a.agent.onClose();
        } catch (RuntimeException e) {
            LOG.error("agent {} at {} failed in onClose", a.agent.roleName(), a.address, e);
        } finally {
            current = null;
        }
    }

    private void lose(SimAgentContext a, long n) {
        if (n > 0) {
            lostToCrash += n;
            lostByAddress.merge(a.address, n, Long::sum);
        }
    }

    // ---------------------------------------------------------------- actions

    /**
     * Runs an action on the host thread at a virtual time, outside every agent's cycle.
     *
     * @param time   when, not in the past
     * @param action the action
     */
    public void at(long time, Runnable action) {
        Objects.requireNonNull(action, "action is null");
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
        pendingScripted++;
        queue.push(time, index << KIND_BITS | ACTION);
    }

    private void runAction(int index) {
        pendingScripted--;
        Runnable action = actions[index];
        actions[index] = null;
        freeActions[freeActionCount++] = index;
        action.run();
    }

    // ---------------------------------------------------------------- reports

    /** @return the traffic counters (every cluster is a sender cluster of this one stripe) */
    public TrafficStripe stripe() {
        return stripe;
    }

    /** @return the trace hash so far */
    public long traceHash() {
        return traceHash;
    }

    /** @return counters, in the order of the engine's report: events, cycles, sent, received, full, closed, lost, held, faults, in flight, queued, pending, peak */
    public long[] counters() {
        return new long[] {events, dutyCycles, sent, received, refusedFull, refusedClosed, lostToCrash, heldByPartition,
                faultTransitions, inFlight, queued, queue.size() + runs.size(), queue.peak()};
    }

    /** @return lost-to-crash counts per address, a copy */
    public Map<Address, Long> lostByAddress() {
        return new LinkedHashMap<>(lostByAddress);
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
                close(a);
            }
        }
        while (!runs.isEmpty()) {
            runs.poll();
        }
        while (!queue.isEmpty()) {
            int ref = queue.peekRef();
            queue.removeFirst();
            if ((ref & KIND_MASK) == DELIVER) {
                int m = ref >>> KIND_BITS;
                SimAgentContext a = agents[messages.to[m]];
                inFlight--;
                if (a.state >= SimAgentContext.CRASHED) {
                    lose(a, 1);
                } else {
                    undelivered.merge(a.address, 1L, Long::sum);
                }
                messages.free(m);
            }
        }
        for (int i = 0; i < agentCount; i++) {
            SimAgentContext a = agents[i];
            if (a.queueSize > 0) {
                undelivered.merge(a.address, (long) a.queueSize, Long::sum);
                queued -= a.queueSize;
                while (a.queueSize > 0) {
                    messages.free(a.dequeue());
                }
            }
            if (a.state < SimAgentContext.CRASHED) {
                a.state = SimAgentContext.CLOSED;
            }
            setBusy(a, false);
        }
        pendingStarts = 0;
        pendingScripted = 0;
        return agentCount;
    }

    /** @return approximate bytes of engine memory held per pending message: heap slot plus message-table slot */
    public static int bytesPerPendingMessage() {
        // heap: 2 longs + 1 int; table: payload, sender, channel refs (4 B compressed), correlation and
        // send time (8 B each), to and origin (4 B each), and a free-list int
        return EventQueue.bytesPerSlot() + 3 * 4 + 2 * 8 + 2 * 4 + 4;
    }
}
