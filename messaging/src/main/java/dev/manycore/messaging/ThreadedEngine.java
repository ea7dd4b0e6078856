package dev.manycore.messaging;

import dev.manycore.messaging.internal.CoreAssignment;
import dev.manycore.messaging.internal.Directory;
import dev.manycore.messaging.internal.EngineSettings;
import dev.manycore.messaging.internal.ThreadedAgentContext;
import dev.manycore.messaging.internal.TrafficStripe;
import dev.manycore.messaging.internal.Worker;
import dev.manycore.numa.Affinity;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.CostModel;
import dev.manycore.numa.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine that runs agents on real host threads: a fixed number of workers (by default one per
 * host CPU, never more than the simulated cores), each owning a fixed group of simulated cores
 * chosen cluster by cluster, runs the duty cycles of the agents on them and backs off (spin, yield,
 * park) when idle (ARCHITECTURE.md "Engine"; fos report 4.3, the event-driven server loop). A
 * 1024-core topology on 2 workers runs 512 cores per worker: slower, never more threads.
 *
 * <pre>
 *   worker 0: clusters 0..k-1  (cores 0..4k-1)   agents A, B, ...   doorbell 0   traffic stripe 0
 *   worker 1: clusters k..2k-1                   agents ...         doorbell 1   traffic stripe 1
 *   every mailbox of a core rings its worker's doorbell; a parked worker uses no CPU
 * </pre>
 *
 * <p>Each agent has one mailbox (capacity {@link Builder#mailboxCapacity(int)}); a send to an
 * address for the first time obtains a send right from the engine's directory; later sends use the
 * cached right. Traffic is counted per worker and merged by {@link #traffic()}.
 *
 * <p>Thread-safe. {@link #shutdown()} stops the workers, joins them (waiting up to the builder's
 * shutdown timeout), then closes every mailbox and counts what was left in it.
 */
public final class ThreadedEngine implements Engine {

    private static final Logger LOG = LoggerFactory.getLogger(ThreadedEngine.class);

    private final Topology topology;
    private final CostModel costModel;
    private final Clock clock = Clock.system();
    private final NameResolver resolver;
    private final int mailboxCapacity;
    private final boolean checked;
    private final long shutdownTimeoutMillis;
    private final CoreAssignment assignment;
    private final Worker[] workers;
    private final Thread[] threads;
    private final NameCache[] nameCaches;
    private final Directory directory = new Directory();
    private final AtomicInteger nextMailbox = new AtomicInteger();
    private final Map<Address, Endpoint> endpoints = new LinkedHashMap<>();
    private int retiredCount;
    private boolean started;
    private ShutdownReport report;

    private ThreadedEngine(Builder b) {
        this.topology = b.topology;
        this.costModel = b.costModel != null ? b.costModel : CostModel.tsar().withTopology(b.topology);
        this.resolver = b.resolver;
        this.mailboxCapacity = b.mailboxCapacity;
        this.checked = b.checked;
        this.shutdownTimeoutMillis = b.shutdownTimeoutMillis;
        int n = Math.min(b.workers, topology.coreCount());
        this.assignment = CoreAssignment.byCluster(topology, n);
        this.workers = new Worker[n];
        this.threads = new Thread[n];
        int cpus = Affinity.cpuLimit();
        for (int w = 0; w < n; w++) {
            TrafficStripe stripe = new TrafficStripe(topology.clusterCount(), assignment.clustersOf(topology, w));
            workers[w] = new Worker(w, stripe, b.spins, b.yields, b.pin ? w % cpus : -1);
            threads[w] = new Thread(workers[w], "manycore-worker-" + w);
            threads[w].setDaemon(true);
        }
        this.nameCaches = new NameCache[topology.coreCount()];
    }

    /**
     * @param topology the simulated machine
     * @return a builder: one worker per host CPU, mailboxes of {@value Mailbox#DEFAULT_CAPACITY},
     *         checked mode, the TSAR cost figures over this topology, no name resolver
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

    @Override
    public Clock clock() {
        return clock;
    }

    /** @return the number of host worker threads */
    public int workerCount() {
        return workers.length;
    }

    /**
     * A racy snapshot for monitoring and tests: an idle engine has all its workers parked, using no
     * CPU.
     *
     * @return the number of workers parked (or about to park) on their doorbell
     */
    public int parkedWorkers() {
        int n = 0;
        for (Worker w : workers) {
            if (w.doorbell().isParked()) {
                n++;
            }
        }
        return n;
    }

    /**
     * @param core a core of the topology
     * @return the worker that runs it
     */
    public int workerOf(CoreId core) {
        return assignment.workerOf(topology.core(core.index()).index());
    }

    @Override
    public Address spawn(CoreId core, AgentFactory factory) {
        Objects.requireNonNull(factory, "factory is null");
        topology.core(core.index());
        Worker worker = workers[assignment.workerOf(core.index())];
        Address address = new Address(core, nextMailbox.getAndIncrement());
        Mailbox<Object> mailbox = Mailbox.builder(address).capacity(mailboxCapacity).checked(checked)
                .topology(topology).clock(clock).doorbell(worker.doorbell()).build();
        Endpoint endpoint = Endpoint.of(mailbox);
        synchronized (this) {
            if (report != null) {
                throw new IllegalStateException("engine is shut down: cannot spawn on " + core);
            }
            endpoints.put(address, endpoint);
            directory.add(mailbox);
        }
        worker.post(() -> startAgent(worker, endpoint, factory));
        return address;
    }

    private void startAgent(Worker worker, Endpoint endpoint, AgentFactory factory) {
        endpoint.mailbox().handOver(Thread.currentThread());
        int core = endpoint.address().core().index();
        NameCache cache = nameCaches[core];
        if (cache == null) {
            cache = new NameCache();
            nameCaches[core] = cache;
        }
        ThreadedAgentContext context = new ThreadedAgentContext(worker, topology, clock, directory, resolver, cache,
                endpoint);
        Agent agent = Objects.requireNonNull(factory.create(context), "agent factory returned null");
        context.start(agent);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here the agent's worker does it between two duty cycles (before the engine starts, the
     * future completes once it starts); the mailbox is closed first, so a send racing with the
     * retirement either is discarded and counted, or answers CLOSED. Retired agents are not
     * remembered one by one: an address whose mailbox number this engine has handed out and that
     * is no longer live counts as retired (0 discarded), whatever its core.
     */
    @Override
    public CompletableFuture<Long> retire(Address address) {
        Objects.requireNonNull(address, "address is null");
        Endpoint endpoint;
        synchronized (this) {
            if (report != null) {
                throw new IllegalStateException("engine is shut down: cannot retire " + address);
            }
            endpoint = endpoints.remove(address);
            if (endpoint == null) {
                if (address.mailbox() < nextMailbox.get()) {
                    return CompletableFuture.completedFuture(0L);
                }
                throw new IllegalArgumentException("no agent at " + address + " in this engine: retire takes an"
                        + " address that spawn returned");
            }
            retiredCount++;
        }
        endpoint.mailbox().close();
        directory.remove(address);
        Worker worker = workers[assignment.workerOf(address.core().index())];
        CompletableFuture<Long> done = new CompletableFuture<>();
        worker.post(() -> {
            worker.remove(address);
            endpoint.mailbox().handOver(Thread.currentThread());
            done.complete((long) endpoint.discardUndelivered());
        });
        return done;
    }

    @Override
    public SendStatus inject(Address from, Address to, Object payload, long correlationId) {
        Objects.requireNonNull(from, "from is null");
        Mailbox<Object> mailbox = directory.lookup(Objects.requireNonNull(to, "to is null"));
        if (mailbox == null) {
            return SendStatus.CLOSED;
        }
        return mailbox.send(mailbox.grant(from), payload, correlationId, clock.nanos());
    }

    @Override
    public synchronized void start() {
        if (report != null) {
            throw new IllegalStateException("engine is shut down: it cannot start again");
        }
        if (started) {
            return;
        }
        started = true;
        for (Thread t : threads) {
            t.start();
        }
        LOG.debug("threaded engine started: {} workers for {} cores of {}", workers.length, topology.coreCount(),
                topology.name());
    }

    @Override
    public TrafficSnapshot traffic() {
        int pairs = topology.clusterCount() * topology.clusterCount();
        long[] messages = new long[pairs];
        long[] bytes = new long[pairs];
        long[] hopBytes = new long[pairs];
        for (Worker w : workers) {
            w.stripe().addTo(messages, bytes, hopBytes);
        }
        return new TrafficSnapshot(costModel, messages, bytes, hopBytes);
    }

    @Override
    public synchronized ShutdownReport shutdown() {
        if (report != null) {
            return report;
        }
        for (Worker w : workers) {
            w.stop();
        }
        boolean joined = true;
        if (started) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(shutdownTimeoutMillis);
            for (Thread t : threads) {
                try {
                    long left = deadline - System.nanoTime();
                    t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (t.isAlive()) {
                    joined = false;
                    LOG.warn("worker thread {} did not stop within {} ms", t.getName(), shutdownTimeoutMillis);
                }
            }
        }
        long undelivered = 0;
        Map<Address, Long> byAddress = new LinkedHashMap<>();
        for (Endpoint e : endpoints.values()) {
            e.mailbox().close();
        }
        if (joined) {
            for (Endpoint e : endpoints.values()) {
                e.mailbox().handOver(Thread.currentThread());
                int n = e.discardUndelivered();
                if (n > 0) {
                    byAddress.put(e.address(), (long) n);
                    undelivered += n;
                }
                directory.remove(e.address());
            }
        }
        report = new ShutdownReport(endpoints.size() + retiredCount, undelivered, byAddress, joined);
        if (undelivered > 0) {
            LOG.info("threaded engine shut down: {} messages undelivered in {} mailboxes", undelivered, byAddress.size());
        }
        return report;
    }

    @Override
    public String toString() {
        return "ThreadedEngine[" + topology.name() + ", " + workers.length + " workers]";
    }

    /** Configures a threaded engine. Not thread-safe. */
    public static final class Builder {
        private final Topology topology;
        private int workers = Runtime.getRuntime().availableProcessors();
        private boolean pin;
        private int mailboxCapacity = Mailbox.DEFAULT_CAPACITY;
        private boolean checked = true;
        private CostModel costModel;
        private NameResolver resolver = NameResolver.NONE;
        private int spins = 100;
        private int yields = 20;
        private long shutdownTimeoutMillis = 30_000;

        private Builder(Topology topology) {
            this.topology = topology;
        }

        /**
         * @param workers host worker threads, 1 to 4096; capped at the topology's core count
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder workers(int workers) {
            if (workers < 1 || workers > 4096) {
                throw new IllegalArgumentException("workers " + workers + " is out of range: 1 to 4096 host threads");
            }
            this.workers = workers;
            return this;
        }

        /**
         * @param pin true to pin worker {@code w} to host CPU {@code w mod cpus} through {@link Affinity}
         * @return this builder
         */
        public Builder pinWorkers(boolean pin) {
            this.pin = pin;
            return this;
        }

        /**
         * @param capacity each agent's mailbox capacity, a power of two (see {@link Mailbox.Builder#capacity(int)})
         * @return this builder
         * @throws IllegalArgumentException if the capacity is invalid
         */
        public Builder mailboxCapacity(int capacity) {
            Mailbox.builder(new Address(topology.core(0), 0)).capacity(capacity);
            this.mailboxCapacity = capacity;
            return this;
        }

        /**
         * @param checked check payload immutability and receiving threads (the default)
         * @return this builder
         */
        public Builder checked(boolean checked) {
            this.checked = checked;
            return this;
        }

        /**
         * @param costModel the cost model for traffic energy; its topology must be this engine's
         * @return this builder
         * @throws IllegalArgumentException if the model is for another topology (by {@link Topology#equals})
         */
        public Builder costModel(CostModel costModel) {
            this.costModel = EngineSettings.costModelFor(topology, costModel);
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
         * @param spins  idle cycles spent spinning before yielding, 0 or more
         * @param yields idle cycles spent yielding before parking, 0 or more
         * @return this builder
         * @throws IllegalArgumentException if a count is negative
         */
        public Builder idle(int spins, int yields) {
            if (spins < 0 || yields < 0) {
                throw new IllegalArgumentException("idle spins " + spins + " and yields " + yields
                        + ": both must be 0 or more");
            }
            this.spins = spins;
            this.yields = yields;
            return this;
        }

        /**
         * @param millis how long {@link ThreadedEngine#shutdown()} waits for workers, 1 or more
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder shutdownTimeoutMillis(long millis) {
            if (millis < 1) {
                throw new IllegalArgumentException("shutdown timeout " + millis + " ms is not positive");
            }
            this.shutdownTimeoutMillis = millis;
            return this;
        }

        /** @return the engine, not started */
        public ThreadedEngine build() {
            return new ThreadedEngine(this);
        }
    }
}
