package dev.manycore.kernel;

import dev.manycore.dqdt.Dqdt;
import dev.manycore.fleets.Fleet;
import dev.manycore.fleets.names.NameService;
import dev.manycore.fleets.pages.PageAllocator;
import dev.manycore.fleets.pages.PagePolicy;
import dev.manycore.fleets.pool.DPoolConfig;
import dev.manycore.fleets.pool.DPoolScheme;
import dev.manycore.fleets.processes.Mailboxes;
import dev.manycore.fleets.processes.ProcessManager;
import dev.manycore.fleets.processes.UserPlacement;
import dev.manycore.kernel.internal.AllocatorPages;
import dev.manycore.kernel.internal.KernelRuntime;
import dev.manycore.messaging.Engine;
import dev.manycore.messaging.NameResolver;
import dev.manycore.messaging.SimulatedEngine;
import dev.manycore.messaging.ThreadedEngine;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.CostModel;
import dev.manycore.numa.Topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Configures and boots a {@link Kernel}: a topology, an engine, and three fleets on dedicated cores
 * (fos paper 3.1, space sharing): the name service, the page allocator and the process manager.
 * User threads never run on a fleet core.
 *
 * <pre>{@code
 * try (Kernel kernel = KernelBuilder.create().topology(Topology.tsar(4, 4)).start()) {
 *     UserProcess p = kernel.spawn(ProcessSpec.of("hello", ctx -> ctx.syscalls().allocPages(4)));
 *     p.waitFor(Duration.ofSeconds(10));
 *     log.info("{}", kernel.report());                     // the embedding program's SLF4J logger
 * }
 * }</pre>
 *
 * <p>Setters only record; {@link #start()} checks every setting and fails with an
 * {@link IllegalArgumentException} whose message names the setting and the rule.
 *
 * <h2>Engines</h2>
 * {@link #engine(KernelEngine)} chooses where the same fleets and user programs run:
 * <ul>
 *   <li>{@link Engines#threaded()} (the default): fleets on {@link #workers(int) host threads}, user
 *       threads on virtual threads, time from the host's clock, real concurrency.</li>
 *   <li>{@link Engines#simulated(long)}: deterministic virtual time on the thread that calls the
 *       kernel. The same seeds, settings and programs give the same run, to the last latency figure
 *       and trace hash of {@link Kernel#report()}.
 * <pre>{@code
 * try (Kernel kernel = KernelBuilder.create().topology(Topology.tsar(16, 16))
 *         .engine(Engines.simulated(7)).start()) {
 *     UserProcess p = kernel.spawn(ProcessSpec.of("worker", ctx -> {
 *         Pages pages = ctx.syscalls().allocPages(8);       // messages to the page fleet, in virtual time
 *         ctx.syscalls().compute(Duration.ofMillis(2));     // declared work: its core is busy 2 ms
 *         ctx.syscalls().freePages(pages);
 *     }));
 *     p.waitFor(Duration.ofSeconds(1));                     // runs the simulation until p ends
 *     log.info("{}", kernel.report());                     // virtual time, trace hash, latencies
 * }
 * }</pre>
 *   </li>
 * </ul>
 * <b>How user programs run in virtual time.</b> Each user thread is a program of the simulated
 * engine on its core: it runs only while the engine waits for it, one thread at a time, and every
 * syscall hands control back to the engine until the fleets' reply arrives (in virtual time), so
 * blocking code such as {@code allocPages}, {@code receive}, {@code join} or {@code waitFor} runs
 * unchanged. Host computation between syscalls takes no virtual time: declare it with
 * {@link Syscalls#compute}; wait with {@link Syscalls#sleep}, read time with {@link Syscalls#now}.
 * The thread that calls the kernel from outside ({@code start}, {@code spawn}, {@code waitFor},
 * {@code kill}, {@code report}, {@code close}) drives the simulation while it waits, so timeouts
 * such as {@code waitFor(Duration)} are virtual time too. What is refused, and why:
 * <ul>
 *   <li>a user thread that blocks outside its syscalls ({@link Thread#sleep}, a lock or latch
 *       shared with other threads, I/O, a future of its own): the engine cannot see such a wait, so
 *       it would stop virtual time. After the {@link KernelEngine.Simulated#withHandOffTimeout
 *       hand-off timeout} of host time (10 s by default) the thread is stopped, its process ends
 *       and gives everything back, and {@link UserProcess#waitFor} throws an
 *       {@link IllegalStateException} that says so;</li>
 *   <li>coordination between the embedding program and user threads through anything but the
 *       kernel (a latch the test thread waits on): the simulation runs only inside kernel calls, so
 *       such a wait would never end; coordinate with letters, {@code waitFor} and joins;</li>
 *   <li>calling the kernel from threads other than the one that drives it and the user threads:
 *       calls are serialised, but what they interleave with is then up to the host scheduler, so
 *       the run is no longer a function of its seed.</li>
 * </ul>
 *
 * <p>Not thread-safe; use one builder from one thread.
 */
public final class KernelBuilder {

    /** The shortest time the boot waits for each fleet. */
    private static final Duration BOOT_LIMIT = Duration.ofSeconds(30);

    private Topology topology;
    private int workers = 2;
    private CostModel costModel;
    private int nameServers = 2;
    private int processManagers = 1;
    private int pageClustersPerMember = 4;
    private PagePolicy pagePolicy = PagePolicy.locality();
    private int pageClientCache = 32;
    private int fleetCores = -1;
    private int maxProcesses = 65_536;
    private DPoolScheme pidPoolScheme = DPoolScheme.ON_DEMAND;
    private UserPlacement placement = UserPlacement.DQDT;
    private int mailboxCapacity = Mailboxes.DEFAULT_CAPACITY;
    private Duration callTimeout = Duration.ofSeconds(30);
    private Duration exitGrace = Duration.ofSeconds(10);
    private long seed = 42;
    private KernelEngine engineChoice = Engines.threaded();

    private KernelBuilder() {
    }

    /** @return a builder with the defaults (threaded engine with 2 workers, 2 name servers, 1 process manager, a page member per 4 clusters) */
    public static KernelBuilder create() {
        return new KernelBuilder();
    }

    /**
     * @param topology the machine (required)
     * @return this builder
     */
    public KernelBuilder topology(Topology topology) {
        this.topology = topology;
        return this;
    }

    /**
     * @param workers host threads of the threaded engine, at least 1 (default 2)
     * @return this builder
     */
    public KernelBuilder workers(int workers) {
        this.workers = workers;
        return this;
    }

    /**
     * @param engine the engine: {@link Engines#threaded()} (default) or {@link Engines#simulated(long)}
     * @return this builder
     */
    public KernelBuilder engine(KernelEngine engine) {
        this.engineChoice = engine;
        return this;
    }

    /**
     * @param costModel the cost model for traffic energy (default: the engine's for the topology)
     * @return this builder
     */
    public KernelBuilder costModel(CostModel costModel) {
        this.costModel = costModel;
        return this;
    }

    /**
     * @param count name service replicas, at least 1 (default 2)
     * @return this builder
     */
    public KernelBuilder nameServers(int count) {
        this.nameServers = count;
        return this;
    }

    /**
     * @param count process manager members, at least 1 (default 1)
     * @return this builder
     */
    public KernelBuilder processManagers(int count) {
        this.processManagers = count;
        return this;
    }

    /**
     * @param k clusters whose banks one page allocator member owns, 1 to the cluster count (default 4)
     * @return this builder
     */
    public KernelBuilder pageClustersPerMember(int k) {
        this.pageClustersPerMember = k;
        return this;
    }

    /**
     * @param policy the page allocator's policy: {@link PagePolicy#locality()} (default, ALMOS) or
     *               {@link PagePolicy#dpool} (fos: single pages pooled per member)
     * @return this builder
     */
    public KernelBuilder pagePolicy(PagePolicy policy) {
        this.pagePolicy = policy;
        return this;
    }

    /**
     * @param batch the per-core page cache's batch, 0 (off) or more (default 32)
     * @return this builder
     */
    public KernelBuilder pageClientCache(int batch) {
        this.pageClientCache = batch;
        return this;
    }

    /**
     * @param max the most cores the fleets may occupy together; start fails if they need more
     *            (default: any number that leaves at least one user core)
     * @return this builder
     */
    public KernelBuilder fleetCores(int max) {
        this.fleetCores = max;
        return this;
    }

    /**
     * @param max the size of the PID space, at least the number of process managers (default 65536)
     * @return this builder
     */
    public KernelBuilder maxProcesses(int max) {
        this.maxProcesses = max;
        return this;
    }

    /**
     * @param scheme how the process manager's PID dPool moves PIDs between members (default on demand)
     * @return this builder
     */
    public KernelBuilder pidPool(DPoolScheme scheme) {
        this.pidPoolScheme = scheme;
        return this;
    }

    /**
     * @param placement how processes and threads are placed on user cores: the DQDT (default) or
     *                  a locality-blind round robin, as a baseline
     * @return this builder
     */
    public KernelBuilder placement(UserPlacement placement) {
        this.placement = placement;
        return this;
    }

    /**
     * @param capacity unread letters a process mailbox keeps, at least 1 (default 4096)
     * @return this builder
     */
    public KernelBuilder mailboxCapacity(int capacity) {
        this.mailboxCapacity = capacity;
        return this;
    }

    /**
     * @param timeout how long one syscall request may wait for its answer, positive (default 30 s)
     * @return this builder
     */
    public KernelBuilder callTimeout(Duration timeout) {
        this.callTimeout = timeout;
        return this;
    }

    /**
     * @param grace how long an ending process waits for its other threads (and close() for each
     *              process), positive (default 10 s)
     * @return this builder
     */
    public KernelBuilder exitGrace(Duration grace) {
        this.exitGrace = grace;
        return this;
    }

    /**
     * @param seed the seed of the DQDT's tie-breaks and the fleets' random sources
     * @return this builder
     */
    public KernelBuilder seed(long seed) {
        this.seed = seed;
        return this;
    }

    /**
     * Checks every setting, starts the engine and the fleets, and waits until they serve.
     *
     * @return the running kernel
     * @throws IllegalArgumentException if a setting is invalid (the message names it)
     * @throws IllegalStateException    if the fleets did not come up
     */
    public Kernel start() {
        validate();
        int pageMembers = ceilDiv(topology.clusterCount(), pageClustersPerMember);
        NameResolver resolver = NameService.newResolver(topology);
        Engine engine = newEngine(resolver);
        Duration bootLimit = callTimeout.compareTo(BOOT_LIMIT) > 0 ? callTimeout : BOOT_LIMIT;
        PageAllocator allocator = null;
        try {
            engine.start();
            Dqdt dqdt = Dqdt.builder(topology).seed(seed).build();
            Set<CoreId> used = new HashSet<>();
            List<CoreId> nameCores = spread(nameServers, used, 0);
            NameService names = NameService.builder(engine).publishTo(resolver).cores(nameCores).seed(seed).start();
            awaitView(engine, names.fleet(), nameServers, "name service", bootLimit);
            allocator = PageAllocator.builder(engine, dqdt).clustersPerMember(pageClustersPerMember).policy(pagePolicy)
                    .clientCache(pageClientCache).nameService(names).seed(seed).requestTimeout(callTimeout).start();
            List<CoreId> pageCores = allocator.memberCores();
            for (CoreId c : pageCores) {
                if (nameCores.contains(c)) {
                    throw new IllegalArgumentException("topology " + topology.name() + ": page allocator member core " + c
                            + " is also a name server core; use clusters of at least 2 cores");
                }
            }
            used.addAll(pageCores);
            awaitView(engine, allocator.fleet(), pageMembers, "page allocator", bootLimit);
            awaitBoot(engine, allocator.ready(), "page allocator did not become ready", bootLimit);
            List<CoreId> pmCores = spread(processManagers, used, 1);
            Set<CoreId> reserved = new LinkedHashSet<>(nameCores);
            reserved.addAll(pageCores);
            ProcessManager pm = ProcessManager.builder(engine, dqdt, names).cores(pmCores).reservedCores(reserved)
                    .maxProcesses(maxProcesses).pidPool(DPoolConfig.of(pidPoolScheme)).placement(placement)
                    .timeout(callTimeout).seed(seed)
                    .start();
            awaitView(engine, pm.fleet(), processManagers, "process manager", bootLimit);
            Map<String, List<CoreId>> layout = new LinkedHashMap<>();
            layout.put("names", nameCores);
            layout.put("pages", pageCores);
            layout.put("processes", pmCores);
            for (List<CoreId> cores : layout.values()) {
                for (CoreId c : cores) {
                    dqdt.threadStarted(c);
                }
            }
            KernelRuntime runtime = new KernelRuntime(engine, dqdt, names, new AllocatorPages(allocator), pm,
                    Mailboxes.on(engine, mailboxCapacity, callTimeout), pmCores.getFirst(), exitGrace, layout);
            return new Kernel(runtime);
        } catch (RuntimeException e) {
            engine.shutdown();
            if (allocator != null) {
                allocator.close();
            }
            throw e;
        }
    }

    private void validate() {
        if (topology == null) {
            throw new IllegalArgumentException("topology is not set: call topology(Topology) before start()");
        }
        check(engineChoice != null, "engine is null: give Engines.threaded() or Engines.simulated(seed)");
        check(workers >= 1, "workers = " + workers + ": the engine needs at least 1 host thread");
        check(costModel == null || costModel.topology().equals(topology), "costModel is for topology '"
                + (costModel == null ? "" : costModel.topology().name()) + "', not '" + topology.name()
                + "': use costModel.withTopology(topology)");
        check(nameServers >= 1, "nameServers = " + nameServers + ": the name service needs at least 1 member");
        check(processManagers >= 1, "processManagers = " + processManagers + ": the process manager needs at least 1 member");
        check(pageClustersPerMember >= 1 && pageClustersPerMember <= topology.clusterCount(), "pageClustersPerMember = "
                + pageClustersPerMember + ": must be 1 to the " + topology.clusterCount() + " clusters of " + topology.name());
        check(pagePolicy != null, "pagePolicy is null: give PagePolicy.locality()");
        check(pageClientCache >= 0, "pageClientCache = " + pageClientCache + ": 0 (off) or more");
        check(maxProcesses >= processManagers, "maxProcesses = " + maxProcesses + ": at least one PID per process"
                + " manager (" + processManagers + ")");
        check(pidPoolScheme != null, "pidPool is null: give a DPoolScheme");
        check(placement != null, "placement is null: give UserPlacement.DQDT or ROUND_ROBIN");
        check(mailboxCapacity >= 1, "mailboxCapacity = " + mailboxCapacity + ": at least 1");
        check(callTimeout != null && callTimeout.isPositive(), "callTimeout = " + callTimeout + ": must be positive");
        check(exitGrace != null && exitGrace.isPositive(), "exitGrace = " + exitGrace + ": must be positive");
        int pageMembers = ceilDiv(topology.clusterCount(), pageClustersPerMember);
        int need = nameServers + processManagers + pageMembers;
        String split = "(" + nameServers + " name servers + " + processManagers + " process managers + " + pageMembers
                + " page allocator members)";
        if (fleetCores >= 0) {
            check(need <= fleetCores, "fleetCores = " + fleetCores + ": the fleets need " + need + " cores " + split);
        }
        check(need < topology.coreCount(), "the fleets need " + need + " cores " + split + " but " + topology.name()
                + " has " + topology.coreCount() + ": at least one core must remain for user threads"
                + " (lower nameServers, processManagers or raise pageClustersPerMember)");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /**
     * Spreads {@code n} members over the clusters (centres of equal bands of cluster indexes),
     * preferring a core that is not its cluster's last (the page allocator's homes are last cores).
     */
    private List<CoreId> spread(int n, Set<CoreId> used, int offset) {
        List<CoreId> out = new ArrayList<>();
        int clusters = topology.clusterCount();
        for (int i = 0; i < n; i++) {
            int start = (int) (((long) (2 * i + 1) * clusters) / (2L * n));
            CoreId chosen = null;
            for (int k = 0; k < clusters && chosen == null; k++) {
                ClusterId c = topology.cluster((start + k + offset) % clusters);
                List<CoreId> cores = topology.coresOf(c);
                for (int j = 0; j < cores.size(); j++) {
                    CoreId core = cores.get(j);
                    boolean last = j == cores.size() - 1 && cores.size() > 1;
                    if (!last && !used.contains(core)) {
                        chosen = core;
                        break;
                    }
                }
            }
            if (chosen == null) {
                throw new IllegalArgumentException("topology " + topology.name() + " has no free core left for a fleet member");
            }
            used.add(chosen);
            out.add(chosen);
        }
        return out;
    }

    private Engine newEngine(NameResolver resolver) {
        if (engineChoice instanceof KernelEngine.Simulated s) {
            SimulatedEngine.Builder b = SimulatedEngine.builder(topology).seed(s.seed()).nameResolver(resolver)
                    .programHandOffTimeoutMillis(s.handOffTimeout().toMillis());
            if (costModel != null) {
                b.costModel(costModel);
            }
            return b.build();
        }
        ThreadedEngine.Builder eb = ThreadedEngine.builder(topology).workers(workers).nameResolver(resolver);
        if (costModel != null) {
            eb.costModel(costModel);
        }
        return eb.build();
    }

    private static void awaitView(Engine engine, Fleet fleet, int size, String what, Duration limit) {
        awaitBoot(engine, fleet.whenView(v -> v.size() == size), what + " fleet did not install a view of " + size
                + " members", limit);
    }

    /** Waits for a boot step in the engine's time (virtual time on the simulated engine). */
    private static void awaitBoot(Engine engine, CompletableFuture<?> step, String failure, Duration limit) {
        try {
            if (!engine.await(step, limit.toNanos())) {
                throw new IllegalStateException(failure + " within " + limit);
            }
            step.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(failure + ": interrupted", e);
        } catch (CompletionException e) {
            throw new IllegalStateException(failure + ": " + e.getCause(), e.getCause());
        }
    }
}
