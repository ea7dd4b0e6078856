package dev.manycore.messaging;

import dev.manycore.messaging.internal.EngineSettings;
import dev.manycore.messaging.internal.sim.ProgramAgent;
import dev.manycore.messaging.internal.sim.ServiceTimes;
import dev.manycore.messaging.internal.sim.Simulation;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.CostModel;
import dev.manycore.numa.Topology;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * The engine that runs agents in deterministic virtual time on the calling thread
 * (ARCHITECTURE.md, "Engine ... Simulated"; issue 8): the same {@link Agent}s and
 * {@link AgentContext} contract as the {@link ThreadedEngine}, a discrete-event queue ordered by
 * (virtual time, sequence number), message latency from the {@link CostModel}, a service time per
 * handled message, and {@linkplain Fault fault injection}. A 1024-core chip runs on one host thread,
 * and a run is a function of its seed and inputs: the {@linkplain SimulationReport#traceHash() trace
 * hash} is the same on every run and machine.
 *
 * <h2>Time</h2>
 * <pre>
 *   agent cycle at t:  clock = t;  each send: arrival = clock + latency(hops, bytes) [+ link delay],
 *                                             no earlier than the route's previous arrival; clock += sendNanos
 *                                  each message handed over: clock += serviceTime(payload type)
 *                      core busy until clock + dutyCycleNanos; agents of one core take turns
 *   latency(hops, bytes) = CostModel.messageLatency(hops, bytes)                     (mailbox)
 *                        = channelFixedNanos + hops * perHop + bytes * perByte          (open channel)
 *   queueing at the receiver = the time its core is still busy when the message arrives
 * </pre>
 * {@link AgentContext#now()} is the agent's own clock during its cycle; {@link #clock()} is the
 * engine's time, the time of the event being processed. An agent is run when a message arrives for
 * it, when its last cycle reported work (&gt; 0, then again as soon as its core is free), or at a
 * requested {@link AgentContext#wakeAt(long) wake-up}. An agent whose cycle returns 0 waits, as a
 * parked worker would.
 *
 * <h2>Contract, as in the threaded engine</h2>
 * A send answers at once: DELIVERED (a slot of the receiver's mailbox, or of the open channel, is
 * reserved and the message is in flight; it will be received exactly once unless the mailbox closes
 * first), FULL (mailbox slots all reserved, or a {@link Fault.HoldMailboxFull} fault), CLOSED (no
 * such mailbox, crashed, or cut off by a {@link Fault.Partition}). DENIED does not occur: the
 * engine grants rights to its agents, as the threaded engine does, and this engine revokes none.
 * Per-sender order holds per (sender, receiver) pair across channel switches. Traffic is counted
 * at acceptance, per cluster pair, as in the threaded engine. Name caches are per core, CLOSED
 * invalidates and re-resolves once, {@link NameInvalidation}s are applied on the way.
 *
 * <p><b>Channels</b> are modelled honestly as a cheaper transport on the same route: a separate
 * pool of {@link Builder#channelCapacity(int) channelCapacity} slots and a smaller fixed latency (no kernel
 * mailbox on the path, fos report 4.2); opening one needs room in the mailbox, as the threaded
 * engine's opening marker does, but costs nothing else. Order across a switch is kept by the route's
 * arrival times.
 *
 * <h2>Threads, determinism and user programs</h2>
 * Everything runs on the thread that calls the run methods ({@link #runUntil}, {@link #runFor},
 * {@link #runUntilQuiescent}, {@link #step}); public methods are synchronized, so a call from
 * another thread waits for the running call to return and takes effect between runs. Determinism
 * holds when every input (spawns, injections, faults, actions) is given from the driving thread
 * between runs, or from agents and {@link #at(long, Runnable) scripted actions} during runs, and when agents use
 * only their context and seeded randomness ({@link #seedFor(Address)}). Agents must not block:
 * code that waits on a lock, a future completed by another thread or a sleep would stop virtual
 * time. User programs with blocking system calls run in virtual time through
 * {@link #spawnProgram}: one thread at a time, control handed back to the engine at every blocking
 * call of their {@link ProgramContext} and at every {@link #await} of a future that agents complete,
 * virtual time advanced only by what they declare; a program that blocks anywhere else is stopped
 * by a host-time watchdog with an error that says so. While a program has its turn, the engine's
 * thread waits on the engine's monitor, releasing it, so the program may call this engine (inject,
 * spawn) as an agent's code would. Host threads that are not programs (a test's main thread) must
 * not block on what agents complete while the engine is not running: drive the engine instead, or
 * wait with {@link #await}, which does.
 *
 * <p>{@link #shutdown()} calls {@link Agent#onClose()} of live agents and reports what was accepted
 * and never received; crashed agents' losses are in {@link #report()}.
 */
public final class SimulatedEngine implements Engine {

    private final Topology topology;
    private final CostModel costModel;
    private final long seed;
    private final Simulation sim;
    private final Clock clock;
    private final long programHandOffNanos;
    private boolean started;
    private boolean running;
    private long hostNanos;
    private ShutdownReport shutdownReport;
    /** Every program spawned, by address (for {@link #interruptProgram}). */
    private final Map<Address, ProgramAgent> programs = new java.util.HashMap<>();

    /** The most virtual time a driving thread's {@link #await} without a limit of its own runs the simulation. */
    public static final long DRIVER_WAIT_LIMIT_SECONDS = 600;

    private SimulatedEngine(Builder b) {
        this.topology = b.topology;
        this.costModel = b.costModel != null ? b.costModel : CostModel.tsar().withTopology(b.topology);
        this.seed = b.seed;
        long defaultService = b.defaultServiceNanos >= 0 ? b.defaultServiceNanos
                : Math.round(2 * costModel.localMemoryNanos());
        double channelFixed = b.channelFixedNanos >= 0 ? b.channelFixedNanos : costModel.messageFixedNanos() / 2;
        this.sim = new Simulation(topology, costModel, b.resolver, new ServiceTimes(defaultService, b.serviceTimes),
                b.mailboxCapacity, b.channelCapacity, b.checked, b.dutyCycleNanos, b.sendNanos, channelFixed, Envelope::view);
        this.clock = sim::now;
        this.programHandOffNanos = b.programHandOffMillis * 1_000_000;
    }

    /**
     * @param topology the simulated machine
     * @return a builder: seed 0, the TSAR cost figures over this topology, mailboxes of
     *         {@value Mailbox#DEFAULT_CAPACITY}, channels of {@value Endpoint#DEFAULT_CHANNEL_CAPACITY},
     *         checked mode, no name resolver, service time 2 local memory accesses, duty cycle 10 ns,
     *         send 0 ns of the sender's core, channel fixed latency half the mailbox's
     */
    public static Builder builder(Topology topology) {
        return new Builder(Objects.requireNonNull(topology, "topology is null"));
    }

    @Override
    public Topology topology() {
        return topology;
    }

    @Override
    public CostModel costModel() {
        return costModel;
    }

    /** @return the virtual clock: the time of the event being processed, or where the last run stopped */
    @Override
    public Clock clock() {
        return clock;
    }

    /** @return the current virtual time, in nanoseconds */
    public long now() {
        return sim.now();
    }

    /** @return the seed this engine was built with */
    public long seed() {
        return seed;
    }

    /**
     * A seed for one agent's random source, derived from the engine's seed and the address (the
     * finaliser of SplittableRandom's mixing), so every agent has its own reproducible stream.
     *
     * @param address an address
     * @return the derived seed
     */
    public long seedFor(Address address) {
        long z = seed ^ ((long) address.core().index() << 32 | address.mailbox()) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Places an agent. Its mailbox accepts messages at once; its factory runs at the current virtual
     * time, on the driving thread, when the engine runs.
     *
     * @throws IllegalArgumentException if the core is not in the topology
     * @throws IllegalStateException    if the engine is shut down or the core crashed
     */
    @Override
    public synchronized Address spawn(CoreId core, AgentFactory factory) {
        Objects.requireNonNull(core, "core is null");
        Objects.requireNonNull(factory, "factory is null");
        if (shutdownReport != null) {
            throw new IllegalStateException("engine is shut down: cannot spawn on " + core);
        }
        return sim.spawn(core, factory);
    }

    /**
     * Sends at the current virtual time, as if {@code from} sent it, with the latency from
     * {@code from}'s cluster; not counted in {@link #traffic()}. Per-sender order holds per
     * (from, to).
     *
     * @return DELIVERED, FULL, or CLOSED when no live mailbox has that address (or a partition cuts it off)
     */
    @Override
    public synchronized SendStatus inject(Address from, Address to, Object payload, long correlationId) {
        if (shutdownReport != null) {
            return SendStatus.CLOSED;
        }
        return sim.inject(from, to, payload, correlationId);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here it happens at the current virtual time, at once; messages still in flight to the
     * agent are counted as lost when they arrive, as for a crash.
     */
    @Override
    public synchronized java.util.concurrent.CompletableFuture<Long> retire(Address address) {
        Objects.requireNonNull(address, "address is null");
        if (shutdownReport != null) {
            throw new IllegalStateException("engine is shut down: cannot retire " + address);
        }
        return java.util.concurrent.CompletableFuture.completedFuture(sim.retire(address));
    }

    /**
     * Places a user program written with blocking calls, run in virtual time: one thread at a
     * time, control handed to the engine at every blocking call (see {@link ProgramContext} for the
     * design and the rules). The program starts at the current virtual time when the engine runs.
     *
     * @param core    a core of the topology
     * @param program the program
     * @return the address of the program's mailbox
     * @throws IllegalArgumentException if the core is not in the topology
     * @throws IllegalStateException    if the engine is shut down or the core crashed
     */
    public synchronized Address spawnProgram(CoreId core, BlockingProgram program) {
        return spawnProgram(core, program, null);
    }

    /**
     * Places a user program as {@link #spawnProgram(CoreId, BlockingProgram)} does, with an action
     * for when the hand-off watchdog stops it (it blocked outside its system calls): the action runs
     * on the engine thread, between events, right after the program's agent crashed; it may spawn,
     * inject or complete futures (a kernel reaps the program's process there).
     *
     * @param core        a core of the topology
     * @param program     the program
     * @param onAbandoned the action, or null
     * @return the address of the program's mailbox; {@link #interruptProgram} takes it
     * @throws IllegalArgumentException if the core is not in the topology
     * @throws IllegalStateException    if the engine is shut down or the core crashed
     */
    public synchronized Address spawnProgram(CoreId core, BlockingProgram program, Runnable onAbandoned) {
        Objects.requireNonNull(program, "program is null");
        ProgramAgent agent = new ProgramAgent(program, programHandOffNanos, this, onAbandoned);
        Address address = spawn(core, agent::bind);
        programs.put(address, agent);
        return address;
    }

    /**
     * Interrupts a program in virtual time, the deterministic counterpart of
     * {@link Thread#interrupt()} (which a program thread must not rely on here: the engine would
     * not see it): a program waiting in {@link #await} resumes at the current virtual time with an
     * {@link InterruptedException}; otherwise its next {@code await} throws at once. Call it between
     * runs, from a scripted action or from another program; it does nothing to a program that ended.
     *
     * @param program the address {@link #spawnProgram} returned
     * @throws IllegalArgumentException if no program of this engine has that address
     */
    public synchronized void interruptProgram(Address program) {
        ProgramAgent agent = programs.get(Objects.requireNonNull(program, "program is null"));
        if (agent == null) {
            throw new IllegalArgumentException(program + " is not the address of a program of this engine");
        }
        agent.interrupt();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here the wait is in virtual time, and what it does depends on the calling thread:
     * <ul>
     *   <li>the thread of a {@linkplain #spawnProgram program} of this engine, during its turn: it
     *       hands control back to the engine until an agent completes the future (the program then
     *       resumes at that moment of virtual time), the timeout passes, or
     *       {@link #interruptProgram} interrupts it; the engine meanwhile runs other agents and
     *       programs, one at a time;</li>
     *   <li>a thread outside every run (the thread that drives the simulation: a test, the thread
     *       that boots a kernel): it drives the simulation ({@link #runUntilDone}) until the future is
     *       done or the timeout passes, at most {@value #DRIVER_WAIT_LIMIT_SECONDS} s of virtual time
     *       when it has no limit of its own; such a wait fails with an {@link IllegalStateException}
     *       rather than hang when the events run out with the future pending (nothing can complete
     *       it) or that limit passes (a wait with a limit of its own returns false at its end);</li>
     *   <li>the engine's thread inside a run (an agent's duty cycle, a scripted action): refused with
     *       an {@link IllegalStateException}, because the future could only complete when the run
     *       goes on, which needs this very thread; chain a continuation instead.</li>
     * </ul>
     */
    @Override
    public boolean await(java.util.concurrent.CompletableFuture<?> future, long timeoutNanos) throws InterruptedException {
        Objects.requireNonNull(future, "future is null");
        if (timeoutNanos < 0) {
            throw new IllegalArgumentException("wait of " + timeoutNanos + " ns is negative");
        }
        ProgramAgent program = ProgramAgent.current();
        if (program != null) {
            if (!program.runsIn(sim)) {
                throw new IllegalStateException("a program of another simulated engine cannot wait on " + this);
            }
            return program.awaitFuture(future, timeoutNanos);
        }
        synchronized (this) {
            if (future.isDone()) {
                return true;
            }
            if (running) {
                throw new IllegalStateException("await called on the engine's thread inside a run (an agent's duty cycle"
                        + " or a scripted action): the future can only complete when the run goes on, so this wait"
                        + " would never end; chain a continuation on the future instead of blocking");
            }
            if (shutdownReport != null) {
                throw new IllegalStateException("engine is shut down: nothing can complete the future any more");
            }
            long limit = Math.min(timeoutNanos, DRIVER_WAIT_LIMIT_SECONDS * 1_000_000_000L);
            long start = sim.now();
            long end = start + limit < 0 ? Long.MAX_VALUE : start + limit;
            if (runUntilDone(future, end)) {
                return true;
            }
            if (limit < timeoutNanos && sim.counters()[11] == 0) {
                throw new IllegalStateException("the simulation ran out of events at " + sim.now() + " ns with the"
                        + " awaited future still pending: no agent is left to complete it (was the service it waits"
                        + " for started, or did it crash?)");
            }
            if (limit < timeoutNanos) {
                throw new IllegalStateException("the awaited future was not done after " + DRIVER_WAIT_LIMIT_SECONDS
                        + " s of virtual time (from " + start + " to " + sim.now() + " ns): the wait is given up"
                        + " rather than run the simulation forever");
            }
            runUntil(end);
            return false;
        }
    }

    /** Marks the engine started; runs start it too. Idempotent. */
    @Override
    public synchronized void start() {
        if (shutdownReport != null) {
            throw new IllegalStateException("engine is shut down: it cannot start again");
        }
        started = true;
    }

    /**
     * Runs every event up to and including virtual time {@code time}; the clock then reads {@code time}.
     *
     * @param time a virtual time, not before {@link #now()}
     * @return this engine's report after the run
     * @throws IllegalArgumentException if {@code time} is in the past
     * @throws IllegalStateException    if shut down, or called from inside a run
     */
    public synchronized SimulationReport runUntil(long time) {
        if (time < sim.now()) {
            throw new IllegalArgumentException("run until " + time + " ns is in the past: the engine's time is "
                    + sim.now() + " ns");
        }
        enterRun("runUntil");
        long t0 = System.nanoTime();
        try {
            sim.runUntil(time);
        } finally {
            exitRun(t0);
        }
        return report();
    }

    /**
     * Runs for {@code nanos} of virtual time.
     *
     * @param nanos 0 or more
     * @return the report after the run
     */
    public synchronized SimulationReport runFor(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("run for " + nanos + " ns is negative");
        }
        long end = sim.now() + nanos;
        return runUntil(end < 0 ? Long.MAX_VALUE : end);
    }

    /**
     * Runs until quiescent: no message in flight or queued, no agent with pending work or waiting to
     * start, no scripted fault or action pending. Only timer wake-ups of idle agents may remain (a
     * fleet's heartbeats), so this stops in the first quiet gap between them.
     *
     * @param timeLimit the latest virtual time to run to
     * @return true when quiescent, false when {@code timeLimit} came first
     */
    public synchronized boolean runUntilQuiescent(long timeLimit) {
        enterRun("runUntilQuiescent");
        long t0 = System.nanoTime();
        try {
            return sim.runUntilQuiescent(timeLimit);
        } finally {
            exitRun(t0);
        }
    }

    /**
     * Runs until a future is done (checked after every event: a reply that completes it stops the
     * run at that moment of virtual time), or until {@code timeLimit}: the way a driving thread
     * waits for an operation it submitted to agents (a fleet client's call, say).
     *
     * @param done      the future to wait for
     * @param timeLimit the latest virtual time to run to
     * @return true when the future is done
     */
    public synchronized boolean runUntilDone(java.util.concurrent.Future<?> done, long timeLimit) {
        Objects.requireNonNull(done, "future is null");
        enterRun("runUntilDone");
        long t0 = System.nanoTime();
        try {
            return sim.runUntil(done::isDone, timeLimit);
        } finally {
            exitRun(t0);
        }
    }

    /**
     * Processes the next event.
     *
     * @return false when no event was pending
     */
    public synchronized boolean step() {
        enterRun("step");
        long t0 = System.nanoTime();
        try {
            return sim.step();
        } finally {
            exitRun(t0);
        }
    }

    private void enterRun(String what) {
        if (shutdownReport != null) {
            throw new IllegalStateException("engine is shut down: " + what + " is not possible");
        }
        if (running) {
            throw new IllegalStateException(what + " called from inside a run: agents and actions must not run the engine");
        }
        started = true;
        running = true;
    }

    private void exitRun(long t0) {
        running = false;
        hostNanos += System.nanoTime() - t0;
    }

    /**
     * Schedules a fault (see {@link Fault} for what each kind does).
     *
     * @param fault a fault whose ids belong to this engine and whose time is not in the past
     * @throws IllegalArgumentException if not
     */
    public synchronized void schedule(Fault fault) {
        sim.schedule(fault);
    }

    /**
     * Schedules every fault of a plan.
     *
     * @param plan the plan
     */
    public synchronized void schedule(FaultPlan plan) {
        for (Fault f : Objects.requireNonNull(plan, "plan is null").faults()) {
            sim.schedule(f);
        }
    }

    /**
     * Draws faults from this engine's seed ({@link FaultPlan#random}) starting from now and
     * schedules them.
     *
     * @param crashable agents that may crash or be held full
     * @param window    the span in which the faults begin
     * @param count     how many
     * @return the plan that was scheduled
     */
    public synchronized FaultPlan scheduleRandomFaults(List<Address> crashable, long window, int count) {
        FaultPlan plan = FaultPlan.random(seed ^ 0x5DEECE66DL, topology, crashable, sim.now(), window, count);
        schedule(plan);
        return plan;
    }

    /**
     * Runs {@code action} on the driving thread at virtual time {@code time}, between events and
     * outside every agent's cycle (to inject, spawn, check or schedule at a precise time).
     *
     * @param time   not in the past
     * @param action the action
     */
    public synchronized void at(long time, Runnable action) {
        sim.at(time, action);
    }

    /**
     * @param address an address
     * @return true when an agent of this engine has it and has neither crashed nor been shut down
     */
    public synchronized boolean isLive(Address address) {
        return sim.isLive(Objects.requireNonNull(address, "address is null"));
    }

    /** @return the counters so far */
    public synchronized SimulationReport report() {
        long[] c = sim.counters();
        return new SimulationReport(sim.now(), c[0], c[1], c[2], c[3], c[4], c[5], c[6], sim.lostByAddress(), c[7],
                c[8], c[9], c[10], c[11], c[12], sim.traceHash(), hostNanos);
    }

    /** Exact between runs; during a run, per-counter fresh (the counters are opaque-written). */
    @Override
    public TrafficSnapshot traffic() {
        int pairs = topology.clusterCount() * topology.clusterCount();
        long[] messages = new long[pairs];
        long[] bytes = new long[pairs];
        long[] hopBytes = new long[pairs];
        sim.stripe().addTo(messages, bytes, hopBytes);
        return new TrafficSnapshot(costModel, messages, bytes, hopBytes);
    }

    /**
     * Stops every agent (live ones get {@link Agent#onClose()}), discards pending events and
     * counts the accepted messages that were never received. Does not advance virtual time.
     * Idempotent.
     */
    @Override
    public synchronized ShutdownReport shutdown() {
        if (shutdownReport != null) {
            return shutdownReport;
        }
        if (running) {
            throw new IllegalStateException("shutdown called from inside a run: shut the engine down after the run returns");
        }
        Map<Address, Long> undelivered = new LinkedHashMap<>();
        int agents = sim.shutdown(undelivered);
        long total = undelivered.values().stream().mapToLong(Long::longValue).sum();
        shutdownReport = new ShutdownReport(agents, total, undelivered, true);
        return shutdownReport;
    }

    /** @return true once {@link #start()} or a run was called */
    public synchronized boolean isStarted() {
        return started;
    }

    @Override
    public String toString() {
        return "SimulatedEngine[" + topology.name() + ", seed " + seed + ", t " + sim.now() + " ns]";
    }

    /** Configures a simulated engine. Not thread-safe. */
    public static final class Builder {
        private final Topology topology;
        private long seed;
        private CostModel costModel;
        private int mailboxCapacity = Mailbox.DEFAULT_CAPACITY;
        private int channelCapacity = Endpoint.DEFAULT_CHANNEL_CAPACITY;
        private boolean checked = true;
        private NameResolver resolver = NameResolver.NONE;
        private long dutyCycleNanos = 10;
        private long sendNanos;
        private double channelFixedNanos = -1;
        private long defaultServiceNanos = -1;
        private final Map<Class<?>, Object> serviceTimes = new LinkedHashMap<>();
        private long programHandOffMillis = 10_000;

        private Builder(Topology topology) {
            this.topology = topology;
        }

        /**
         * @param seed the seed of every random choice derived from this engine (agents' streams
         *             through {@link SimulatedEngine#seedFor}, random faults)
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * @param costModel latency and energy figures; its topology must be this engine's
         * @return this builder
         * @throws IllegalArgumentException if the model is for another topology
         */
        public Builder costModel(CostModel costModel) {
            this.costModel = EngineSettings.costModelFor(topology, costModel);
            return this;
        }

        /**
         * @param capacity each agent's mailbox slots, a power of two as for {@link Mailbox.Builder#capacity(int)}
         * @return this builder
         * @throws IllegalArgumentException if invalid
         */
        public Builder mailboxCapacity(int capacity) {
            Mailbox.builder(new Address(topology.core(0), 0)).capacity(capacity);
            this.mailboxCapacity = capacity;
            return this;
        }

        /**
         * @param capacity each channel's slots, a power of two from 2 to 2^24
         * @return this builder
         * @throws IllegalArgumentException if invalid
         */
        public Builder channelCapacity(int capacity) {
            if (capacity < 2 || capacity > Mailbox.MAX_CAPACITY || Integer.bitCount(capacity) != 1) {
                throw new IllegalArgumentException("channel capacity " + capacity
                        + " is invalid: it must be a power of two from 2 to " + Mailbox.MAX_CAPACITY);
            }
            this.channelCapacity = capacity;
            return this;
        }

        /**
         * @param checked check payload immutability, and that only an agent receives from its own
         *                mailbox during its cycle (the default)
         * @return this builder
         */
        public Builder checked(boolean checked) {
            this.checked = checked;
            return this;
        }

        /**
         * @param resolver resolves names on a name-cache miss
         * @return this builder
         */
        public Builder nameResolver(NameResolver resolver) {
            this.resolver = Objects.requireNonNull(resolver, "resolver is null");
            return this;
        }

        /**
         * @param nanos core time charged for every call of {@link Agent#doWork()}, 1 or more (so an
         *              agent that always reports work still advances virtual time)
         * @return this builder
         */
        public Builder dutyCycleNanos(long nanos) {
            if (nanos < 1) {
                throw new IllegalArgumentException("duty cycle " + nanos + " ns is not positive: every cycle costs time");
            }
            this.dutyCycleNanos = nanos;
            return this;
        }

        /**
         * @param nanos core time of the sender per accepted send, 0 or more (its share of the
         *              software send; the cost model's latency counts from the send)
         * @return this builder
         */
        public Builder sendNanos(long nanos) {
            this.sendNanos = nonNegative("send time", nanos);
            return this;
        }

        /**
         * @param nanos the fixed latency of a message through an open channel, 0 or more (default:
         *              half the cost model's fixed message cost)
         * @return this builder
         */
        public Builder channelFixedNanos(double nanos) {
            if (!Double.isFinite(nanos) || nanos < 0) {
                throw new IllegalArgumentException("channel fixed latency " + nanos + " ns must be finite and not negative");
            }
            this.channelFixedNanos = nanos;
            return this;
        }

        /**
         * @param nanos service time of payload types with no registration, 0 or more (default: two
         *              local memory accesses of the cost model)
         * @return this builder
         */
        public Builder defaultServiceNanos(long nanos) {
            this.defaultServiceNanos = nonNegative("default service time", nanos);
            return this;
        }

        /**
         * @param type  a payload class or interface; subtypes inherit it unless they have their own
         * @param nanos the time a core spends handling one such message, 0 or more
         * @return this builder
         */
        public Builder serviceTime(Class<?> type, long nanos) {
            serviceTimes.put(Objects.requireNonNull(type, "type is null"), nonNegative("service time of " + type.getName(), nanos));
            return this;
        }

        /**
         * @param type  a payload class or interface
         * @param nanos the service time as a function of the payload (for example per page requested);
         *              must return 0 or more
         * @return this builder
         */
        public <T> Builder serviceTime(Class<T> type, ToLongFunction<? super T> nanos) {
            Objects.requireNonNull(nanos, "service time function is null");
            serviceTimes.put(Objects.requireNonNull(type, "type is null"),
                    (ToLongFunction<Object>) payload -> nanos.applyAsLong(type.cast(payload)));
            return this;
        }

        /**
         * @param millis host time the engine waits for a {@link BlockingProgram} to reach its next
         *               blocking call before it stops it and crashes its agent, 1 or more (default 10 s)
         * @return this builder
         */
        public Builder programHandOffTimeoutMillis(long millis) {
            if (millis < 1 || millis > 86_400_000) {
                throw new IllegalArgumentException("program hand-off timeout " + millis
                        + " ms is out of range: 1 ms to one day");
            }
            this.programHandOffMillis = millis;
            return this;
        }

        private static long nonNegative(String what, long nanos) {
            if (nanos < 0) {
                throw new IllegalArgumentException(what + " " + nanos + " ns is negative");
            }
            return nanos;
        }

        /** @return the engine, at virtual time 0 */
        public SimulatedEngine build() {
            return new SimulatedEngine(this);
        }
    }
}
