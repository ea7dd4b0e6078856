package dev.manycore.fleets.internal.processes;

import dev.manycore.fleets.internal.Nearest;
import dev.manycore.dqdt.Dqdt;
import dev.manycore.fleets.Caller;
import dev.manycore.fleets.Fleet;
import dev.manycore.fleets.FleetContext;
import dev.manycore.fleets.FleetServer;
import dev.manycore.fleets.Handlers;
import dev.manycore.fleets.RequestHandler;
import dev.manycore.fleets.MembershipView;
import dev.manycore.fleets.pool.DPool;
import dev.manycore.fleets.pool.DPoolConfig;
import dev.manycore.fleets.pool.DPoolDirectory;
import dev.manycore.fleets.internal.names.NameRequests.Delete;
import dev.manycore.fleets.internal.names.NameRequests.Move;
import dev.manycore.fleets.internal.names.NameRequests.Register;
import dev.manycore.fleets.internal.processes.ProcessRecord.OwnedName;
import dev.manycore.fleets.internal.processes.ProcessRequests.Census;
import dev.manycore.fleets.internal.processes.ProcessRequests.Done;
import dev.manycore.fleets.internal.processes.ProcessRequests.Exit;
import dev.manycore.fleets.internal.processes.ProcessRequests.Kill;
import dev.manycore.fleets.internal.processes.ProcessRequests.MemberCensus;
import dev.manycore.fleets.internal.processes.ProcessRequests.Migrate;
import dev.manycore.fleets.internal.processes.ProcessRequests.MigrationPlan;
import dev.manycore.fleets.internal.processes.ProcessRequests.MoveNames;
import dev.manycore.fleets.internal.processes.ProcessRequests.PagesChanged;
import dev.manycore.fleets.internal.processes.ProcessRequests.Publish;
import dev.manycore.fleets.internal.processes.ProcessRequests.RegisterName;
import dev.manycore.fleets.internal.processes.ProcessRequests.Spawn;
import dev.manycore.fleets.internal.processes.ProcessRequests.Spawned;
import dev.manycore.fleets.internal.processes.ProcessRequests.StartThread;
import dev.manycore.fleets.internal.processes.ProcessRequests.Stats;
import dev.manycore.fleets.internal.processes.ProcessRequests.ThreadExited;
import dev.manycore.fleets.internal.processes.ProcessRequests.ThreadMoved;
import dev.manycore.fleets.internal.processes.ProcessRequests.ThreadPlaced;
import dev.manycore.fleets.internal.processes.ProcessRequests.WaitFor;
import dev.manycore.fleets.names.NameFlags;
import dev.manycore.fleets.processes.ExitStatus;
import dev.manycore.fleets.processes.NoSuchProcessException;
import dev.manycore.fleets.processes.OutOfPidsException;
import dev.manycore.fleets.processes.ProcessManager;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.Name;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * One member of the process manager fleet (fos report 4.7.5, the Process Management Service):
 * it hands out PIDs from its partition of a dPool (fos report 4.8.1: the PMS keeps its PIDs in a
 * dPool), places processes and threads with the DQDT
 * (restricted to user cores), keeps the record of every process it spawned (threads, pages, names,
 * waiters), registers and deletes the processes' names in the name service by messages, and frees
 * everything it charged when a process exits. Pages and mailboxes are freed by the process's own
 * libfos layer before it reports the exit, so the PID goes back to the pool last and is never
 * reused while anything of the old process remains.
 *
 * <p>Membership changes (fos report 3.2, elasticity): while frozen, updates are held back and the
 * member is quiescent once the updates that wait for the name service are done; a leaving member
 * hands over its records with its PID partition, the coordinator of the next view adopts them, and a
 * request for a PID a member does not know is forwarded to the coordinator (it may have come through
 * a departed member's forwarding).
 *
 * <p>Thread-safety: confined to the member's thread.
 */
public final class ProcessManagerMember implements FleetServer {

    private final Dqdt dqdt;
    private final UserCores cores;
    private final Fleet names;
    private final Duration nameTimeout;
    private final DPoolDirectory<Long> pidDirectory;
    private final DPoolConfig pidConfig;
    private final List<Long> initialPids;
    private DPool<Long> pids;
    private final Map<Long, ProcessRecord> table = new HashMap<>();
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private boolean frozen;
    private int inFlight;
    private FleetContext ctx;
    private Topology topology;
    private NameUpdates nameUpdates;
    private long spawned;
    private long exited;

    /**
     * @param dqdt        the machine's DQDT
     * @param cores       user-core placement
     * @param names       the name service fleet
     * @param nameTimeout how long a name update may take
     * @param pidDirectory the PID pool's directory, shared by every member
     * @param pidConfig   the PID pool's scheme and settings
     * @param initialPids this member's first share of the PIDs (empty for a member that joins later)
     */
    public ProcessManagerMember(Dqdt dqdt, UserCores cores, Fleet names, Duration nameTimeout,
                                DPoolDirectory<Long> pidDirectory, DPoolConfig pidConfig, List<Long> initialPids) {
        this.dqdt = dqdt;
        this.cores = cores;
        this.names = names;
        this.nameTimeout = nameTimeout;
        this.pidDirectory = pidDirectory;
        this.pidConfig = pidConfig;
        this.initialPids = List.copyOf(initialPids);
    }

    @Override
    public void start(FleetContext context, Handlers handlers) {
        this.ctx = context;
        this.topology = context.topology();
        this.nameUpdates = new NameUpdates(names, nameTimeout);
        this.pids = DPool.create(context, handlers, pidDirectory, pidConfig, initialPids);
        handlers.on(Spawn.class, guarded((r, c) -> track(spawn(r))))
                .on(Publish.class, guarded((r, c) -> track(register(live(r.pid(), r.inc()),
                        ProcessManager.procName(r.pid()), ProcessManager.OWNER, r.host()))))
                .on(RegisterName.class, guarded((r, c) -> track(register(live(r.pid(), r.inc()), r.name(),
                        ownerOf(r.pid()), r.host()))))
                .on(PagesChanged.class, guarded((r, c) -> pagesChanged(r)))
                .on(StartThread.class, guarded((r, c) -> startThread(r)))
                .on(ThreadExited.class, guarded((r, c) -> threadExited(r)))
                .on(ThreadMoved.class, guarded((r, c) -> threadMoved(r)))
                .on(Migrate.class, guarded((r, c) -> migrate(r)))
                .on(MoveNames.class, guarded((r, c) -> track(moveNames(r))))
                .on(Kill.class, guarded((r, c) -> {
                    record(r.pid(), r.inc()).killed = true;
                    return new Done(r.pid());
                }))
                .on(Exit.class, guarded((r, c) -> track(exit(r))))
                .on(WaitFor.class, guarded(this::waitFor))
                .on(Stats.class, guarded((r, c) -> record(r.pid(), r.inc()).statistics(topology)))
                .on(Census.class, (r, c) -> census());
    }

    /**
     * Holds an update back while the member is frozen for a membership change (fos report 3.2:
     * state moves only at a quiescent point); {@link #thaw()} runs it, or forwards it if this member
     * has left.
     */
    private <Q> RequestHandler<Q> guarded(RequestHandler<Q> handler) {
        return (request, caller) -> {
            if (frozen) {
                @SuppressWarnings("unchecked")
                RequestHandler<Object> h = (RequestHandler<Object>) handler;
                held.add(new Held(request, caller, h));
                return null;
            }
            try {
                return handler.handle(request, caller);
            } catch (NoSuchProcessException e) {
                // Records of a member that left are adopted by the coordinator of the next view; a
                // request that reaches another member through the leaver's forwarding goes on there.
                Address coordinator = ctx.view().coordinator();
                if (ctx.isMember() && !ctx.isCoordinator() && coordinator != null) {
                    ctx.forward(coordinator, request, caller);
                    return null;
                }
                throw e;
            }
        };
    }

    /** Counts an update that waits for other services, so the member is not quiescent meanwhile. */
    private <T> CompletionStage<T> track(CompletionStage<T> stage) {
        inFlight++;
        return stage.whenComplete((v, f) -> inFlight--);
    }

    private record Held(Object request, Caller caller, RequestHandler<Object> handler) {
    }

    /**
     * @param pid a PID
     * @return the owner in whose name the process's own names are registered
     */
    public static String ownerOf(long pid) {
        return "pid-" + pid;
    }

    private CompletionStage<Spawned> spawn(Spawn r) {
        if (r.near() >= topology.clusterCount()) {
            throw new IllegalArgumentException("cluster " + r.near() + " is not in " + topology.name());
        }
        return pids.take().handle((pid, failure) -> {
            if (failure != null) {
                throw new OutOfPidsException("no free PID for " + r.name() + " at process manager " + ctx.address()
                        + ": the PID pool gave none (" + failure.getMessage() + "); " + table.size()
                        + " processes live here");
            }
            return place(r, pid);
        });
    }

    private Spawned place(Spawn r, long pid) {
        CoreId core = r.near() < 0 ? cores.placeProcess() : cores.placeProcess(topology.cluster(r.near()));
        spawned++;
        table.put(pid, new ProcessRecord(pid, spawned, r.name(), core, topology.clusterCount()));
        return new Spawned(pid, spawned, core);
    }

    private CompletionStage<Done> register(ProcessRecord p, Name name, String owner, Address host) {
        return nameUpdates.update(ctx, new Register(name, host, owner, NameFlags.single())).thenApply(v -> {
            p.names.add(new OwnedName(name, owner, host));
            return new Done(p.pid);
        });
    }

    private Done pagesChanged(PagesChanged r) {
        ProcessRecord p = record(r.pid(), r.inc());
        if (r.cluster() < 0 || r.cluster() >= topology.clusterCount()) {
            throw new IllegalArgumentException("cluster " + r.cluster() + " is not in " + topology.name());
        }
        p.pagesByCluster[r.cluster()] += r.pages();
        p.pages += r.pages();
        p.localPages += r.local();
        return new Done(r.pid());
    }

    private ThreadPlaced startThread(StartThread r) {
        ProcessRecord p = live(r.pid(), r.inc());
        CoreId core = cores.placeThread(topology.clusterOf(r.parentCore()));
        int tid = p.nextTid++;
        p.threads.put(tid, core);
        return new ThreadPlaced(r.pid(), tid, core);
    }

    private Done threadExited(ThreadExited r) {
        ProcessRecord p = record(r.pid(), r.inc());
        CoreId core = p.threads.remove(r.tid());
        if (core == null) {
            throw new IllegalArgumentException("process " + r.pid() + " has no thread " + r.tid());
        }
        dqdt.threadExited(core);
        return new Done(r.pid());
    }

    private Done threadMoved(ThreadMoved r) {
        ProcessRecord p = record(r.pid(), r.inc());
        CoreId from = p.threads.get(r.tid());
        if (from == null) {
            throw new IllegalArgumentException("process " + r.pid() + " has no thread " + r.tid());
        }
        if (!from.equals(r.to())) {
            dqdt.threadMigrated(from, r.to());
            p.threads.put(r.tid(), r.to());
        }
        return new Done(r.pid());
    }

    private MigrationPlan migrate(Migrate r) {
        ProcessRecord p = live(r.pid(), r.inc());
        ClusterId target = topology.cluster(r.cluster());
        List<CoreId> userCores = new ArrayList<>();
        for (CoreId c : topology.coresOf(target)) {
            if (cores.isUserCore(c)) {
                userCores.add(c);
            }
        }
        if (userCores.isEmpty()) {
            throw new IllegalArgumentException("cluster " + target + " has only fleet cores: no user thread may run there");
        }
        Map<CoreId, Long> planned = new HashMap<>();
        List<Integer> tids = new ArrayList<>();
        List<CoreId> to = new ArrayList<>();
        for (Map.Entry<Integer, CoreId> t : p.threads.entrySet()) {
            CoreId best = null;
            long bestLoad = Long.MAX_VALUE;
            for (CoreId c : userCores) {
                long load = dqdt.threads(c) + planned.getOrDefault(c, 0L);
                if (load < bestLoad) {
                    best = c;
                    bestLoad = load;
                }
            }
            planned.merge(best, 1L, Long::sum);
            tids.add(t.getKey());
            to.add(best);
        }
        return new MigrationPlan(r.pid(), tids, to);
    }

    private CompletionStage<Done> moveNames(MoveNames r) {
        ProcessRecord p = live(r.pid(), r.inc());
        CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
        for (int i = 0; i < p.names.size(); i++) {
            int index = i;
            OwnedName n = p.names.get(i);
            if (n.host().equals(r.from())) {
                chain = chain.thenCompose(x -> nameUpdates.update(ctx, new Move(n.name(), r.from(), r.to(), n.owner()))
                        .thenAccept(v -> p.names.set(index, new OwnedName(n.name(), n.owner(), r.to()))));
            }
        }
        return chain.thenApply(x -> new Done(r.pid()));
    }

    private CompletionStage<ExitStatus> exit(Exit r) {
        ProcessRecord p = record(r.pid(), r.inc());
        if (p.exiting) {
            throw new IllegalStateException("process " + r.pid() + " is already exiting: exit is reported once");
        }
        p.exiting = true;
        CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
        for (OwnedName n : List.copyOf(p.names)) {
            chain = chain.thenCompose(x -> nameUpdates.update(ctx, new Delete(n.name(), n.owner()))
                    .handle((v, f) -> {
                        if (f != null) {
                            ctx.logger().warn("process {}: name {} not deleted at exit: {}", p.pid, n.name(), f.toString());
                        }
                        return null;
                    }));
        }
        return chain.thenApply(x -> {
            for (CoreId core : p.threads.values()) {
                dqdt.threadExited(core);
            }
            p.threads.clear();
            table.remove(p.pid);
            pids.put(p.pid);
            exited++;
            ExitStatus status = new ExitStatus(p.pid, true, p.killed ? ExitStatus.KILLED : r.code(), p.killed);
            for (Caller w : p.waiters) {
                ctx.reply(w, status);
            }
            p.waiters.clear();
            return status;
        });
    }

    private Object waitFor(WaitFor r, Caller caller) {
        ProcessRecord p = record(r.pid(), r.inc());
        p.waiters.add(caller);
        ctx.schedule(Math.max(0, r.timeoutNs()), () -> {
            if (p.waiters.remove(caller)) {
                ctx.reply(caller, ExitStatus.running(p.pid));
            }
        });
        return null;
    }

    private MemberCensus census() {
        int threads = 0;
        for (ProcessRecord p : table.values()) {
            threads += p.threads.size();
        }
        return new MemberCensus(table.size(), threads, pids.localSize(), pids.inTransit(), spawned, exited);
    }

    private ProcessRecord record(long pid, long inc) {
        ProcessRecord p = table.get(pid);
        if (p == null || p.inc != inc) {
            throw new NoSuchProcessException("process " + pid + " is not managed by " + ctx.address()
                    + ": it was never spawned there or has exited");
        }
        return p;
    }

    private ProcessRecord live(long pid, long inc) {
        ProcessRecord p = record(pid, inc);
        if (p.killed || p.exiting) {
            throw new IllegalStateException("process " + pid + (p.killed ? " was killed" : " is exiting")
                    + ": it may start nothing new");
        }
        return p;
    }

    @Override
    public void viewChanged(MembershipView previous, MembershipView current) {
        pids.viewChanged(previous, current);
    }

    @Override
    public void freeze() {
        frozen = true;
        pids.freeze();
    }

    @Override
    public boolean isQuiescent() {
        return inFlight == 0 && pids.isQuiescent();
    }

    @Override
    public void thaw() {
        frozen = false;
        pids.thaw();
        List<Held> replay = new ArrayList<>(held);
        held.clear();
        for (Held h : replay) {
            if (!ctx.isMember()) {
                Address target = nearestMember();
                if (target != null) {
                    ctx.forward(target, h.request(), h.caller());
                    continue;
                }
            }
            replay(h);
        }
    }

    private void replay(Held h) {
        Object result;
        try {
            result = h.handler().handle(h.request(), h.caller());
        } catch (Exception e) {
            if (h.caller().expectsReply()) {
                ctx.replyError(h.caller(), e);
            }
            return;
        }
        if (result instanceof CompletionStage<?> stage) {
            stage.whenComplete((v, f) -> {
                if (!h.caller().expectsReply()) {
                    return;
                }
                if (f != null) {
                    ctx.replyError(h.caller(), f instanceof CompletionException && f.getCause() != null ? f.getCause() : f);
                } else if (v != null) {
                    ctx.reply(h.caller(), v);
                }
            });
        } else if (result != null && h.caller().expectsReply()) {
            ctx.reply(h.caller(), result);
        }
    }

    private Address nearestMember() {
        return Nearest.among(topology, ctx.cluster(), ctx.view().members(), ctx.address()::equals);
    }

    @Override
    public Object stateFor(Address joiner, MembershipView next) {
        return pids.stateFor(joiner, next);
    }

    @Override
    public void installState(Object state) {
        pids.installState(state);
    }

    /** What a leaving member hands over: its PID partition's token and a copy of its records. */
    record HandOver(Object pool, List<ProcessRecord.Image> records) {
        HandOver {
            records = List.copyOf(records);
        }
    }

    @Override
    public Object handOver(MembershipView next) {
        List<ProcessRecord.Image> images = new ArrayList<>();
        for (ProcessRecord p : table.values()) {
            images.add(p.image());
        }
        return new HandOver(pids.handOver(next), images);
    }

    @Override
    public void receiveHandOver(Address from, Object state) {
        if (state instanceof HandOver h) {
            pids.receiveHandOver(from, h.pool());
            for (ProcessRecord.Image image : h.records()) {
                table.putIfAbsent(image.pid(), ProcessRecord.of(image));
            }
            ctx.logger().info("processes: {} adopted {} process records of {}", ctx.address(), h.records().size(), from);
        } else {
            pids.receiveHandOver(from, state);
        }
    }

    @Override
    public void stop() {
        pids.stop();
    }

    @Override
    public String role() {
        return "processes";
    }
}
