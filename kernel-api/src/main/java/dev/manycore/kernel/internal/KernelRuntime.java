package dev.manycore.kernel.internal;

import dev.manycore.dqdt.Dqdt;
import dev.manycore.fleets.Client;
import dev.manycore.fleets.names.NameService;
import dev.manycore.fleets.names.NameServiceClient;
import dev.manycore.fleets.pages.PageRun;
import dev.manycore.fleets.processes.MailboxRef;
import dev.manycore.fleets.processes.Mailboxes;
import dev.manycore.fleets.processes.NoSuchProcessException;
import dev.manycore.fleets.processes.ProcessManager;
import dev.manycore.fleets.processes.ProcessPlacement;
import dev.manycore.fleets.processes.ThreadPlacement;
import dev.manycore.kernel.Pages;
import dev.manycore.kernel.ProcessKilledException;
import dev.manycore.kernel.ProcessSpec;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.Clock;
import dev.manycore.messaging.Engine;
import dev.manycore.messaging.SimulatedEngine;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The running kernel behind {@link dev.manycore.kernel.Kernel}: the engine, the DQDT, the fleets,
 * the per-core libfos stubs, and the processes alive. It carries the libfos operations that span
 * several fleets (spawn, page allocation with locality accounting, thread launch) so that the
 * process runtime and the syscalls stay small.
 *
 * <p>Thread-safe.
 */
public final class KernelRuntime {

    /**
     * The user thread running now: bound by the kernel around every user thread's body, read by
     * {@link dev.manycore.kernel.ProcessContext#core()} and {@code syscalls()}.
     */
    static final ScopedValue<ThreadRuntime> CURRENT = ScopedValue.newInstance();

    private static final Logger LOG = LoggerFactory.getLogger(KernelRuntime.class);

    private final Engine engine;
    private final Dqdt dqdt;
    private final NameService names;
    private final PageService pages;
    private final ProcessManager processManager;
    private final Mailboxes mailboxes;
    private final CoreId kernelCore;
    private final Duration exitGrace;
    private final Set<CoreId> fleetCores;
    private final Map<String, List<CoreId>> fleetLayout;
    private final Latencies latencies = new Latencies();
    private final Map<CoreId, CoreServices> services = new ConcurrentHashMap<>();
    private final Map<Long, ProcessRuntime> processes = new ConcurrentHashMap<>();
    private final AtomicLong pagesTaken = new AtomicLong();
    private final AtomicLong localPagesTaken = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicInteger nextOrigin = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean closed;

    /**
     * @param engine         the running engine
     * @param dqdt           the DQDT
     * @param names          the name service
     * @param pages          the page allocator
     * @param processManager the process manager
     * @param mailboxes      the process mailboxes
     * @param kernelCore     the core the kernel's own requests leave from
     * @param exitGrace      how long an ending process waits for its threads
     * @param fleetLayout    every fleet's member cores, by fleet name
     */
    public KernelRuntime(Engine engine, Dqdt dqdt, NameService names, PageService pages, ProcessManager processManager,
                         Mailboxes mailboxes, CoreId kernelCore, Duration exitGrace,
                         Map<String, List<CoreId>> fleetLayout) {
        this.engine = engine;
        this.dqdt = dqdt;
        this.names = names;
        this.pages = pages;
        this.processManager = processManager;
        this.mailboxes = mailboxes;
        this.kernelCore = kernelCore;
        this.exitGrace = exitGrace;
        this.fleetLayout = Map.copyOf(new LinkedHashMap<>(fleetLayout));
        this.fleetCores = processManager.reservedCores();
    }

    // ---------------------------------------------------------------- parts

    /** @return the machine */
    public Topology topology() {
        return engine.topology();
    }

    /** @return the engine */
    public Engine engine() {
        return engine;
    }

    /** @return the DQDT */
    public Dqdt dqdt() {
        return dqdt;
    }

    /** @return the name service */
    public NameService names() {
        return names;
    }

    /** @return the page allocator */
    public PageService pages() {
        return pages;
    }

    /** @return the process manager */
    public ProcessManager processManager() {
        return processManager;
    }

    /** @return the process mailboxes */
    public Mailboxes mailboxes() {
        return mailboxes;
    }

    /** @return syscall latencies per fleet */
    public Latencies latencies() {
        return latencies;
    }

    /** @return the cores the fleets occupy */
    public Set<CoreId> fleetCores() {
        return fleetCores;
    }

    /** @return each fleet's member cores at boot, by fleet name */
    public Map<String, List<CoreId>> fleetLayout() {
        return fleetLayout;
    }

    /** @return the kernel's own gateway */
    public Client kernelClient() {
        return services(kernelCore).client();
    }

    /** @return the kernel's own name service stub (reads only) */
    public NameServiceClient.Blocking kernelNames() {
        return services(kernelCore).names();
    }

    /**
     * The core a spawn from outside the processes is sent from: a core of the requested cluster, or
     * else the process manager members' cores in turn, so every member gets its share of spawns.
     *
     * @param near the cluster the spec asks for, or null
     * @return the origin core
     */
    public CoreId spawnOrigin(ClusterId near) {
        if (near != null) {
            return topology().coresOf(near).getFirst();
        }
        List<dev.manycore.messaging.Address> members = processManager.fleet().members();
        return members.get(Math.floorMod(nextOrigin.getAndIncrement(), members.size())).core();
    }

    Duration exitGrace() {
        return exitGrace;
    }

    /** @return how long close() waits for each process */
    public Duration exitGraceForClose() {
        return exitGrace;
    }

    /** @return pages taken by user threads since boot, and how many of them in the taker's cluster */
    public long[] pageLocality() {
        return new long[] {pagesTaken.get(), localPagesTaken.get()};
    }

    /** @return the processes alive now */
    public int processesAlive() {
        return processes.size();
    }

    // ---------------------------------------------------------------- services

    /**
     * @param core a core
     * @return its libfos stubs, opened on first use
     */
    CoreServices services(CoreId core) {
        return services.computeIfAbsent(core, c -> {
            Client client = Client.open(engine, c);
            return new CoreServices(c, client, names.client(c, "libfos").blocking(), processManager.client(client));
        });
    }

    /** @return the stubs of the calling user thread's core, or the kernel's */
    CoreServices callerServices() {
        if (CURRENT.isBound()) {
            return services(CURRENT.get().core);
        }
        return services(kernelCore);
    }

    /** Runs a call and records its round trip by the engine's clock (virtual time on the simulated engine). */
    <T> T timed(String fleet, Supplier<T> call) {
        Clock clock = engine.clock();
        long start = clock.nanos();
        try {
            return call.get();
        } finally {
            latencies.record(fleet, clock.nanos() - start);
        }
    }

    /**
     * @param d a duration
     * @return its nanoseconds, {@link Long#MAX_VALUE} when it is longer than that
     */
    static long nanos(Duration d) {
        return d.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : Math.max(0, d.toNanos());
    }

    /**
     * Waits for a future in the engine's time (see {@link Engine#await}).
     *
     * @return true when it is done
     */
    boolean await(java.util.concurrent.CompletableFuture<?> future, Duration timeout) throws InterruptedException {
        return engine.await(future, nanos(timeout));
    }

    /** Interrupts a user thread's program on the simulated engine. */
    void interruptProgram(Address program) {
        ((SimulatedEngine) engine).interruptProgram(program);
    }

    /** @throws IllegalStateException if the kernel was closed */
    public void checkOpen() {
        if (closed) {
            throw new IllegalStateException("kernel is closed: it was shut down by close() and accepts no call");
        }
    }

    // ---------------------------------------------------------------- libfos operations

    /**
     * Spawns a process: PID and core from the process manager, a mailbox on that core registered as
     * {@code /proc/<pid>}, the initial pages near it, then the main thread. A failure undoes what
     * was done.
     *
     * @param spec   the program
     * @param parent the parent's PID, 0 for the kernel
     * @param origin the core the request leaves from
     * @return the running process
     */
    public ProcessRuntime spawn(ProcessSpec spec, long parent, CoreId origin) {
        checkOpen();
        CoreServices from = services(origin);
        ProcessPlacement placed = timed(Latencies.PROCESSES, () -> from.pm().spawn(spec.name(), parent, spec.near()));
        ProcessRuntime p = new ProcessRuntime(this, placed.process(), spec, placed.core());
        CoreServices at = services(placed.core());
        try {
            MailboxRef box = timed(Latencies.MAILBOXES, () -> mailboxes.open(at.client(), placed.core(), p.pid()));
            p.mailbox = box;
            p.mailboxes.add(box);
            timed(Latencies.MAILBOXES, () -> {
                mailboxes.bind(at.client(), box, ProcessManager.procName(p.pid()));
                return null;
            });
            timed(Latencies.PROCESSES, () -> {
                at.pm().publish(p.ref, box.host());
                return null;
            });
            if (spec.initialPages() > 0) {
                p.initialPages = takePages(p, at, spec.initialPages());
            }
        } catch (RuntimeException e) {
            undoSpawn(p, at);
            throw e;
        }
        processes.put(p.pid(), p);
        p.startMain();
        return p;
    }

    private void undoSpawn(ProcessRuntime p, CoreServices at) {
        try {
            pages.releaseOwner(at.core(), p.pid());
            for (MailboxRef m : p.mailboxes) {
                mailboxes.close(at.client(), m);
            }
            at.pm().exit(p.ref, 1);
        } catch (RuntimeException e) {
            LOG.warn("spawn of {} failed and could not be fully undone: {}", p.name(), e.toString());
        }
    }

    /**
     * Takes pages for a process from a core and records them with the process manager, counting
     * how many are in that core's cluster.
     */
    Pages takePages(ProcessRuntime p, CoreServices s, int count) {
        List<PageRun> runs = timed(Latencies.PAGES, () -> pages.allocate(s.core(), count, p.pid()));
        ClusterId home = topology().clusterOf(s.core());
        Map<ClusterId, int[]> byCluster = new LinkedHashMap<>();
        for (PageRun r : runs) {
            boolean local = r.cluster().equals(home);
            if (local) {
                p.localRuns.put(r, Boolean.TRUE);
            }
            int[] c = byCluster.computeIfAbsent(r.cluster(), k -> new int[2]);
            c[0] += r.pages();
            c[1] += local ? r.pages() : 0;
        }
        for (Map.Entry<ClusterId, int[]> e : byCluster.entrySet()) {
            pagesTaken.addAndGet(e.getValue()[0]);
            localPagesTaken.addAndGet(e.getValue()[1]);
            timed(Latencies.PROCESSES, () -> {
                s.pm().pagesChanged(p.ref, e.getKey(), e.getValue()[0], e.getValue()[1]);
                return null;
            });
        }
        return new Pages(p.pid(), runs);
    }

    /**
     * Starts the virtual thread of a thread the process manager admitted. If the process began to
     * end meanwhile, the thread runs nothing and only reports its end.
     *
     * @param p      the process
     * @param placed its id and core
     * @param body   what it runs
     * @return the running thread
     */
    ThreadRuntime launch(ProcessRuntime p, ThreadPlacement placed, Runnable body) {
        ThreadRuntime t = new ThreadRuntime(p, placed.tid(), placed.core());
        p.threads.put(t.tid, t);
        Runnable run = p.exiting || p.killed ? () -> { } : body;
        start(t, () -> runThread(t, run));
        return t;
    }

    /**
     * Starts a user thread's body: on the threaded engine a virtual thread; on the simulated engine
     * a program of the engine on the thread's core, which runs one at a time with the engine and
     * every other program and hands control back at each syscall (SimulatedEngine.spawnProgram).
     */
    void start(ThreadRuntime t, Runnable body) {
        if (engine instanceof SimulatedEngine sim) {
            t.program = sim.spawnProgram(t.core, ctx -> {
                t.programContext = ctx;
                t.thread = Thread.currentThread();
                body.run();
            }, () -> abandoned(t, sim));
        } else {
            Thread thread = Thread.ofVirtual().name(t.process.name() + "-" + t.process.pid() + "/" + t.tid)
                    .unstarted(body);
            t.thread = thread;
            thread.start();
        }
    }

    /**
     * The simulated engine stopped a user thread that ran its hand-off timeout of host time without
     * a syscall (it blocked outside them): the process ends with that error, and what the thread
     * would have done at its end is done by a fresh program on its core. Runs on the engine thread.
     */
    private void abandoned(ThreadRuntime t, SimulatedEngine sim) {
        ProcessRuntime p = t.process;
        t.abandoned = true;
        p.abandon("thread " + t.tid + " of process " + p.pid() + " (" + p.name() + ") did not reach a syscall within"
                + " the simulated engine's hand-off timeout of host time and was stopped: on the simulated engine a user"
                + " thread may block only in its syscalls (not in Thread.sleep, a lock, I/O or a future of its own;"
                + " use Syscalls.sleep and the kernel's mailboxes)");
        sim.spawnProgram(t.core, ctx -> ScopedValue.where(CURRENT, t).run(() -> {
            if (t == p.main) {
                p.finishAbandoned();
            } else {
                threadEnded(t);
            }
        }), null);
    }

    private void runThread(ThreadRuntime t, Runnable body) {
        try {
            ScopedValue.where(CURRENT, t).run(body);
        } catch (ProcessExit | ProcessKilledException e) {
            LOG.debug("thread {}/{} stops: {}", t.process.pid(), t.tid, e.getMessage());
        } catch (RuntimeException | Error e) {
            LOG.warn("thread {}/{} of {} failed: {}", t.process.pid(), t.tid, t.process.name(), e.toString());
        } finally {
            if (!t.abandoned) {
                threadEnded(t);
            }
        }
    }

    /** Reports a thread's end to the process manager and completes its join. */
    private void threadEnded(ThreadRuntime t) {
        try {
            timed(Latencies.PROCESSES, () -> {
                services(t.core).pm().threadExited(t.process.ref, t.tid);
                return null;
            });
        } catch (NoSuchProcessException | IllegalStateException e) {
            LOG.debug("thread {}/{} exit report: {}", t.process.pid(), t.tid, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("thread {}/{} exit report failed: {}", t.process.pid(), t.tid, e.toString());
        } finally {
            t.process.threads.remove(t.tid);
            t.finished.complete(null);
        }
    }

    void forget(ProcessRuntime p) {
        processes.remove(p.pid(), p);
    }

    // ---------------------------------------------------------------- shutdown

    /**
     * Kills every process, waits for them to end (at most {@code grace} each), then stops the engine.
     * Afterwards every call fails with {@link IllegalStateException}.
     *
     * @param grace how long to wait for each process
     * @return the processes that did not end in time
     * @throws IllegalStateException if called from a user thread (it would wait for its own process)
     */
    public int shutdown(Duration grace) {
        if (CURRENT.isBound()) {
            throw new IllegalStateException("close() called by thread " + CURRENT.get().tid + " of process "
                    + CURRENT.get().process.pid() + ": a process cannot stop the kernel it runs on; close it from outside");
        }
        if (!closing.compareAndSet(false, true)) {
            return 0;
        }
        int stuck = 0;
        for (ProcessRuntime p : List.copyOf(processes.values())) {
            try {
                p.kill();
            } catch (RuntimeException e) {
                LOG.debug("close: kill of {}: {}", p.pid(), e.toString());
            }
        }
        for (ProcessRuntime p : List.copyOf(processes.values())) {
            try {
                if (!await(p.exit, grace)) {
                    stuck++;
                    LOG.warn("close: process {} ({}) did not end within {}", p.pid(), p.name(), grace);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stuck++;
            } catch (IllegalStateException e) {
                stuck++;
                LOG.warn("close: process {} ({}): {}", p.pid(), p.name(), e.getMessage());
            }
        }
        closed = true;
        engine.shutdown();
        pages.close();
        return stuck;
    }

    /** @return true once shut down */
    public boolean isClosed() {
        return closed;
    }
}
