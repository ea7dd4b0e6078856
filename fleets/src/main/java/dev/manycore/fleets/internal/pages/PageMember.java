package dev.manycore.fleets.internal.pages;

import dev.manycore.dqdt.Dqdt;
import dev.manycore.fleets.Caller;
import dev.manycore.fleets.FleetContext;
import dev.manycore.fleets.FleetServer;
import dev.manycore.fleets.Handlers;
import dev.manycore.fleets.MembershipView;
import dev.manycore.fleets.UndeliverableException;
import dev.manycore.fleets.internal.pages.PageRequests.Allocate;
import dev.manycore.fleets.internal.pages.PageRequests.AllocateBatch;
import dev.manycore.fleets.internal.pages.PageRequests.Allocation;
import dev.manycore.fleets.internal.pages.PageRequests.Free;
import dev.manycore.fleets.internal.pages.PageRequests.FreeBatch;
import dev.manycore.fleets.internal.pages.PageRequests.Freed;
import dev.manycore.fleets.internal.pages.PageRequests.Granted;
import dev.manycore.fleets.internal.pages.PageRequests.Lend;
import dev.manycore.fleets.internal.pages.PageRequests.Refused;
import dev.manycore.fleets.internal.pages.PageRequests.ReleaseOwner;
import dev.manycore.fleets.internal.pages.PageRequests.RequestKey;
import dev.manycore.fleets.pages.AllocationPriority;
import dev.manycore.fleets.pages.DoubleFreeException;
import dev.manycore.fleets.pages.PageOwnershipException;
import dev.manycore.fleets.pages.PageAllocatorException;
import dev.manycore.fleets.pages.PageBank;
import dev.manycore.fleets.pages.PageRun;
import dev.manycore.fleets.pool.DPool;
import dev.manycore.messaging.Address;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.Topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * One member of the page allocator fleet (fos report 4.7.2, routing by resource affinity; ALMOS
 * {@code kernel/mm/ppm.c}, the locality policy). It serves the banks of its group of clusters
 * ({@link BankGroups}) and keeps the DQDT's free-page and free-block indicators of those banks
 * current (each bank reports its free-list changes to {@code Dqdt.freeBlocksChanged}).
 *
 * <h2>Locality policy</h2>
 * An allocation is tried in the requester's cluster first. When that bank refuses (below its
 * watermark, or no block of the order), the member asks the DQDT for the nearest cluster with
 * enough free memory ({@link Dqdt#findMemory}); if the DQDT's answer was tried already (its inner
 * nodes may lag), it scans the clusters by distance for one whose exact free counts fit. A cluster
 * this member serves is tried at once; another member's cluster gets the request forwarded to
 * that member, which answers the client directly. Every request carries the clusters it tried and
 * its hop count, so it ends: with pages, or with a {@link Refused} reply once no untried cluster
 * fits (or the hop budget is spent), never a loop.
 *
 * <h2>dPool policy</h2>
 * (fos report 4.7.2 and 4.8.1.) At start the member moves a share of its banks' frames, as order-0
 * runs held by {@link Owners#POOL}, into its partition of a {@link DPool}. An ordinary order-0
 * request (or a cache refill) that reaches it first takes pages from its partition
 * ({@link DPool#tryTake()}, no messages) or through {@link DPool#take()}, which fetches from other
 * members as the scheme says; the pages, of any cluster, are then recorded as lent to the owner in
 * the {@link BankSlot} of their cluster (a {@link Lend} to the member serving it when that is
 * another), and a free puts them back into the partition of the member serving their cluster.
 * Orders above 0, priority requests, forwarded requests and requests that find every partition
 * empty take the locality path from the buddy banks.
 *
 * <h2>Failure</h2>
 * Which member serves which cluster is a function of the membership view ({@link BankGroups#assign}).
 * When a view drops a member, the member now assigned its banks takes them over through the banks'
 * holder tokens ({@link BankSlot}: safe against a member that is only slow); a request that reaches
 * a member for a bank it does not hold goes on to the holder.
 *
 * <h2>Retries</h2>
 * A client asks again when a member does not answer in time, so a request may arrive twice, or be
 * executed by one member while its retry reaches another. Client requests carry a
 * {@link RequestKey} (the client's id and the request's sequence, the same in every retry), and the
 * outcome of each is recorded in the client's {@link RequestLog}, which lives in cluster memory
 * with the banks: a duplicate, wherever it arrives (after forwards, after a bank takeover), is
 * answered with the recorded outcome instead of being executed again. Frees record their outcome
 * (or error) while their bank's slot is entered, so two attempts cannot both execute; batches
 * record each run or cluster they did; an allocation, which any bank may serve, decides its outcome
 * by a CAS after allocating, and an attempt that loses gives its pages back and answers the
 * winner's outcome. Attempts of a request the client no longer waits for are not executed.
 *
 * <p>Not thread-safe: confined to the member's thread, like every server.
 */
public final class PageMember implements FleetServer {

    private static final Object NOT_HELD = new Object();
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
    private static final long RETRY_NANOS = 100_000;

    private final PageFleetState shared;
    private final Topology topology;
    private final Dqdt dqdt;
    private final int hopBudget;
    private final ClusterId[][] nearestFirst;
    private FleetContext ctx;
    private int me;
    private Address[] route;
    private final Map<Integer, Address> holders = new HashMap<>();
    private boolean takeOverScheduled;
    private DPool<PageRun> pool;

    /**
     * @param shared the fleet's banks and settings
     */
    public PageMember(PageFleetState shared) {
        this.shared = shared;
        this.topology = shared.topology();
        this.dqdt = shared.dqdt();
        this.hopBudget = PageRequests.hopBudget(topology.clusterCount());
        this.nearestFirst = new ClusterId[topology.clusterCount()][];
    }

    @Override
    public void start(FleetContext context, Handlers handlers) {
        this.ctx = context;
        this.me = BankSlot.holderIdOf(context.core().index());
        handlers.on(Allocate.class, this::allocate)
                .on(AllocateBatch.class, this::allocate)
                .on(Free.class, this::free)
                .on(FreeBatch.class, this::freeBatch)
                .on(ReleaseOwner.class, this::release)
                .on(Lend.class, this::lend);
        if (shared.pool() != null) {
            pool = DPool.create(context, handlers, shared.pool(), shared.poolConfig(), carvePool());
        }
        if (shared.groups().homes().contains(context.core())) {
            shared.memberStarted();
        }
    }

    /** dPool policy: moves the pool's share of this member's banks into its first partition. */
    private List<PageRun> carvePool() {
        List<PageRun> initial = new ArrayList<>();
        int home = shared.groups().homes().indexOf(ctx.core());
        if (home < 0) {
            return initial;
        }
        for (ClusterId c : shared.groups().groups().get(home)) {
            BankSlot slot = shared.slot(c);
            if (!slot.enter(me)) {
                continue;
            }
            try {
                int want = (int) (slot.bank().totalPages() * shared.policy().poolShare());
                for (int i = 0; i < want; i++) {
                    PageRun run = slot.bank().allocate(0, Owners.POOL, AllocationPriority.ORDINARY, false);
                    if (run == null) {
                        break;
                    }
                    slot.addPoolFrames(1);
                    initial.add(run);
                }
            } finally {
                slot.exit(me);
            }
        }
        return initial;
    }

    @Override
    public void freeze() {
        if (pool != null) {
            pool.freeze();
        }
    }

    @Override
    public boolean isQuiescent() {
        return pool == null || pool.isQuiescent();
    }

    @Override
    public void thaw() {
        if (pool != null) {
            pool.thaw();
        }
    }

    @Override
    public Object handOver(MembershipView next) {
        return pool == null ? null : pool.handOver(next);
    }

    @Override
    public void receiveHandOver(Address from, Object state) {
        if (pool != null) {
            pool.receiveHandOver(from, state);
        }
    }

    @Override
    public void stop() {
        if (pool != null) {
            pool.stop();
        }
    }

    @Override
    public void viewChanged(MembershipView previous, MembershipView current) {
        if (pool != null) {
            pool.viewChanged(previous, current);
        }
        if (!current.contains(ctx.address())) {
            return;
        }
        route = shared.groups().assign(current);
        holders.clear();
        for (Address a : current.members()) {
            holders.put(BankSlot.holderIdOf(a.core().index()), a);
        }
        takeOverAssigned();
    }

    @Override
    public String role() {
        return "pages";
    }

    // ---------------------------------------------------------------- bank holding

    private void takeOverAssigned() {
        boolean pending = false;
        for (ClusterId c : topology.clusters()) {
            if (ctx.address().equals(route[c.index()]) && !acquire(c)) {
                pending = true;
            }
        }
        if (pending && !takeOverScheduled) {
            takeOverScheduled = true;
            ctx.schedule(RETRY_NANOS, () -> {
                takeOverScheduled = false;
                if (route != null) {
                    takeOverAssigned();
                }
            });
        }
    }

    /** Takes the bank of a cluster this member is assigned; false if its old holder is busy right now. */
    private boolean acquire(ClusterId c) {
        BankSlot slot = shared.slot(c);
        int holder = slot.holderId();
        if (holder == me) {
            return true;
        }
        boolean taken = slot.takeOver(holder, me);
        if (taken) {
            ctx.logger().info("pages: {} takes over the bank of {} from holder {} (view {})", ctx.address(), c,
                    holder - 1, ctx.view().epoch());
        }
        return taken;
    }

    /**
     * @return null if this member holds the cluster's bank now; {@link #NOT_HELD} if it is assigned
     *         the bank but its old holder is inside an operation; else the member to forward to
     */
    private Object serverOf(ClusterId c) {
        BankSlot slot = shared.slot(c);
        int holder = slot.holderId();
        if (holder == me) {
            return null;
        }
        Address assigned = route == null ? null : route[c.index()];
        if (ctx.address().equals(assigned)) {
            return acquire(c) ? null : NOT_HELD;
        }
        Address a = holders.get(holder);
        return a != null ? a : assigned;
    }

    /** Runs a handler again shortly, answering its caller then (a bank being taken over). */
    private Object later(Caller caller, Supplier<Object> again) {
        ctx.schedule(RETRY_NANOS, () -> answer(caller, again));
        return null;
    }

    private void answer(Caller caller, Supplier<Object> handler) {
        Object result;
        try {
            result = handler.get();
        } catch (RuntimeException e) {
            ctx.replyError(caller, e);
            return;
        }
        if (result instanceof CompletionStage<?> stage) {
            stage.whenComplete((v, e) -> {
                if (e != null) {
                    ctx.replyError(caller, e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                            ? e.getCause() : e);
                } else {
                    ctx.reply(caller, v);
                }
            });
        } else if (result != null) {
            ctx.reply(caller, result);
        }
    }

    private void checkCluster(ClusterId c) {
        if (c.index() >= topology.clusterCount()) {
            throw new IllegalArgumentException(c + " is not a cluster of " + topology.name() + " (it has "
                    + topology.clusterCount() + " clusters)");
        }
    }

    // ---------------------------------------------------------------- retries

    /** @return the client's log (after moving its floor to the key's ack), or null for a request with no key */
    private RequestLog admit(RequestKey key) {
        if (!key.isKeyed()) {
            return null;
        }
        RequestLog log = shared.log(key.client());
        log.acknowledge(key.ack());
        return log;
    }

    /** @return a recorded outcome as a reply; throws a recorded error, or for a stale attempt */
    private static Object replay(Object outcome, RequestKey key) {
        if (outcome == RequestLog.STALE) {
            throw stale(key);
        }
        if (outcome instanceof RequestLog.Failed f) {
            throw f.error();
        }
        return outcome;
    }

    private static IllegalStateException stale(RequestKey key) {
        return new IllegalStateException("request " + key.seq() + " of client " + key.client() + " is a late attempt:"
                + " the client waits only for requests from " + key.ack() + " on, so it is not executed again");
    }

    /**
     * Decides an allocation's outcome: this attempt's, unless another attempt decided first.
     *
     * @return the outcome to answer (this one, or the one recorded before: then the caller undoes its own)
     */
    private static Object decide(RequestLog log, RequestKey key, Object outcome) {
        if (log == null) {
            return outcome;
        }
        Object won = log.decide(key.seq(), outcome);
        if (won == RequestLog.STALE) {
            throw stale(key);
        }
        return won;
    }

    // ---------------------------------------------------------------- allocation

    private Object allocate(Allocation request, Caller caller) {
        checkCluster(request.origin());
        checkCluster(request.target());
        RequestLog log = admit(request.key());
        if (log != null) {
            Object done = log.lookup(request.key().seq());
            if (done != null) {
                return replay(done, request.key());
            }
        }
        if (pool != null && request.hops() == 0 && request.order() == 0
                && request.priority() == AllocationPriority.ORDINARY && !pool.isClosed()) {
            return fromPool(request, caller);
        }
        return fromBanks(request, caller);
    }

    /** dPool policy: pages from this member's partition, or fetched per the scheme; banks when all are empty. */
    private Object fromPool(Allocation request, Caller caller) {
        int want = request instanceof AllocateBatch b ? b.count() : 1;
        List<PageRun> got = new ArrayList<>(want);
        takeLocal(got, want);
        if (!got.isEmpty()) {
            return lendAndAnswer(request, caller, got);
        }
        return pool.take().handle((run, failure) -> {
            if (failure != null) {
                // every partition asked was empty (or this one was adopted): the buddy banks serve
                return fromBanks(request, caller);
            }
            List<PageRun> taken = new ArrayList<>(want);
            taken.add(run);
            takeLocal(taken, want);
            return lendAndAnswer(request, caller, taken);
        }).thenCompose(PageMember::stageOf);
    }

    private void takeLocal(List<PageRun> into, int want) {
        while (into.size() < want) {
            Optional<PageRun> run = pool.tryTake();
            if (run.isEmpty()) {
                return;
            }
            into.add(run.get());
        }
    }

    /**
     * Records pooled pages as lent to the owner (in their clusters' slots), then answers with them.
     * The pages are lent one cluster at a time, so each group is lent entirely or not at all: a
     * group whose slot holder could not be reached (it crashed or is cut off, and the view has not
     * yet changed) is certainly not lent, goes back to the pool, and the request is answered with
     * the groups that were lent; when none was, the buddy banks serve it, as when the pool is empty.
     * Any other failure (a lend that timed out) leaves the outcome unknown and is answered as an
     * error; the slots' lent tables refuse to lend a page twice, so nothing is ever handed out twice.
     */
    private CompletionStage<Object> lendAndAnswer(Allocation request, Caller caller, List<PageRun> runs) {
        Map<ClusterId, List<PageRun>> byCluster = new LinkedHashMap<>();
        for (PageRun run : runs) {
            byCluster.computeIfAbsent(run.cluster(), c -> new ArrayList<>()).add(run);
        }
        List<List<PageRun>> groups = List.copyOf(byCluster.values());
        List<CompletableFuture<?>> lends = new ArrayList<>(groups.size());
        for (List<PageRun> group : groups) {
            lends.add(stageOf(lend(new Lend(List.copyOf(group), request.owner(), 0), null)));
        }
        return CompletableFuture.allOf(lends.toArray(CompletableFuture[]::new)).<CompletionStage<Object>>handle((v, ignored) -> {
            List<PageRun> lent = new ArrayList<>(runs.size());
            List<PageRun> unreached = new ArrayList<>();
            Throwable unknown = null;
            for (int i = 0; i < groups.size(); i++) {
                CompletableFuture<?> f = lends.get(i);
                if (!f.isCompletedExceptionally()) {
                    lent.addAll(groups.get(i));
                } else if (f.exceptionNow() instanceof UndeliverableException) {
                    unreached.addAll(groups.get(i));
                } else {
                    unreached.addAll(groups.get(i));
                    unknown = f.exceptionNow();
                }
            }
            if (!unreached.isEmpty()) {
                ctx.logger().debug("pages: {} pooled pages could not be lent to owner {} and went back to the pool",
                        unreached.size(), request.owner());
                pool.putAll(unreached);
            }
            if (!lent.isEmpty()) {
                return answerLent(request, lent);
            }
            if (unknown != null) {
                ctx.logger().warn("pages: lending {} pooled pages to owner {} failed: {}", runs.size(), request.owner(),
                        unknown.toString());
                return CompletableFuture.failedFuture(unknown);
            }
            return stageOf(fromBanks(request, caller));
        }).thenCompose(stage -> stage);
    }

    /** @return a handler's result (a value, or a stage of one) as a future */
    private static CompletableFuture<Object> stageOf(Object result) {
        return result instanceof CompletionStage<?> s ? s.toCompletableFuture().thenApply(v -> (Object) v)
                : CompletableFuture.completedFuture(result);
    }

    /** Answers an allocation with pooled pages now lent to its owner, unless another attempt decided first. */
    private CompletionStage<Object> answerLent(Allocation request, List<PageRun> runs) {
        Object mine = request instanceof Allocate ? runs.getFirst() : new Granted(runs);
        Object won;
        try {
            won = decide(admit(request.key()), request.key(), mine);
        } catch (RuntimeException e) {
            won = e;
        }
        if (won != mine) {
            // another attempt of this request decided first (or the client stopped waiting): give ours back
            Object back = freeBatch(new FreeBatch(runs, request.owner(), 0), null);
            if (back instanceof CompletionStage<?> st) {
                st.whenComplete((ok, e) -> {
                    if (e != null) {
                        ctx.logger().warn("pages: giving back {} pooled pages of a duplicate allocation failed: {}",
                                runs.size(), e.toString());
                    }
                });
            }
        }
        return won instanceof RuntimeException e ? CompletableFuture.failedFuture(e)
                : CompletableFuture.completedFuture(won);
    }

    private Object lend(Lend request, Caller caller) {
        return splitByServer(caller, request.runs(), PageRun::cluster, request.hops(), RequestKey.NONE,
                (runs) -> new Lend(runs, request.owner(), request.hops() + 1),
                (runs) -> () -> lend(new Lend(runs, request.owner(), request.hops()), caller),
                (slot, run) -> {
                    PageBank bank = slot.bank();
                    if (!bank.isAllocated(run) || bank.ownerOf(run) != Owners.POOL) {
                        throw new IllegalStateException(run + " is not a pooled page: the pool handed out a frame"
                                + " it does not hold");
                    }
                    Long before = slot.lent().putIfAbsent(run, request.owner());
                    if (before != null) {
                        throw new IllegalStateException(run + " is lent to owner " + before + " already: the pool"
                                + " handed it out twice");
                    }
                    return 1;
                });
    }

    private Object fromBanks(Allocation request, Caller caller) {
        if (request.hops() > hopBudget) {
            return refuse(request, request.visited(), "its hop budget of " + hopBudget + " forwards is spent");
        }
        ClusterId target = request.target();
        List<ClusterId> visited = request.visited();
        for (int step = 0; step <= hopBudget; step++) {
            Object where = serverOf(target);
            if (where == NOT_HELD) {
                Allocation again = retarget(request, target, visited);
                return later(caller, () -> allocate(again, caller));
            }
            if (where != null) {
                ctx.forward((Address) where, request.toward(target, visited), caller);
                return null;
            }
            Object got = serveHere(target, request);
            if (got == NOT_HELD) {
                continue;
            }
            if (got != null) {
                return got;
            }
            visited = PageRequests.plus(visited, target);
            ClusterId next = nextCandidate(request, visited);
            if (next == null) {
                return refuse(request, visited, "no untried cluster has a free block of order " + request.order()
                        + " and stays above its " + request.priority() + " reserve ("
                        + request.priority().reservePercent() + " % of its bank) after giving " + request.pages()
                        + " pages");
            }
            target = next;
        }
        return refuse(request, visited, "the bank holders kept changing for " + hopBudget + " steps");
    }

    /** The same request aimed at another cluster without counting a hop (it stays here). */
    private static Allocation retarget(Allocation r, ClusterId target, List<ClusterId> visited) {
        return switch (r) {
            case Allocate a -> new Allocate(a.origin(), target, a.order(), a.owner(), a.priority(), a.hops(), visited,
                    a.key());
            case AllocateBatch b -> new AllocateBatch(b.origin(), target, b.count(), b.owner(), b.priority(), b.hops(),
                    visited, b.key());
        };
    }

    /** @return a run or a grant; null if the bank refuses; {@link #NOT_HELD} if it changed holder */
    private Object serveHere(ClusterId target, Allocation request) {
        BankSlot slot = shared.slot(target);
        if (!slot.enter(me)) {
            return NOT_HELD;
        }
        try {
            RequestLog log = admit(request.key());
            if (log != null) {
                Object done = log.lookup(request.key().seq());
                if (done != null) {
                    return replay(done, request.key());
                }
            }
            PageBank bank = slot.bank();
            Object got;
            if (request instanceof Allocate a) {
                got = bank.allocate(a.order(), a.owner(), a.priority(), shared.zero());
            } else {
                AllocateBatch b = (AllocateBatch) request;
                List<PageRun> runs = new ArrayList<>(b.count());
                for (int i = 0; i < b.count(); i++) {
                    PageRun run = bank.allocate(0, b.owner(), b.priority(), shared.zero());
                    if (run == null) {
                        break;
                    }
                    runs.add(run);
                }
                got = runs.isEmpty() ? null : new Granted(runs);
            }
            if (got == null || log == null) {
                return got;
            }
            Object won;
            try {
                won = decide(log, request.key(), got);
            } catch (RuntimeException stale) {
                undo(bank, got, request.owner());
                throw stale;
            }
            if (won != got) {
                // another attempt of this request was served first, by another bank: give ours back
                undo(bank, got, request.owner());
            }
            return won;
        } finally {
            slot.exit(me);
        }
    }

    /** Frees what an allocation attempt took from a bank this member has entered (it lost to another attempt). */
    private static void undo(PageBank bank, Object got, long owner) {
        if (got instanceof PageRun run) {
            bank.free(run, owner);
        } else {
            for (PageRun run : ((Granted) got).runs()) {
                bank.free(run, owner);
            }
        }
    }

    /** The nearest untried cluster that fits the request by the DQDT's exact per-cluster counts. */
    private ClusterId nextCandidate(Allocation r, List<ClusterId> visited) {
        Optional<ClusterId> found = dqdt.findMemory(r.origin(), r.order(), r.pages());
        if (found.isPresent() && !visited.contains(found.get()) && fits(found.get(), r.order(), r.priority())) {
            return found.get();
        }
        for (ClusterId c : nearestFirst(r.origin())) {
            if (!visited.contains(c) && fits(c, r.order(), r.priority())) {
                return c;
            }
        }
        return null;
    }

    private boolean fits(ClusterId c, int order, AllocationPriority priority) {
        long free = dqdt.freePages(c);
        if (free - (1L << order) < priority.reservedPages(topology.pagesOf(c))) {
            return false;
        }
        for (int o = order; o <= PageRun.MAX_ORDER; o++) {
            if (dqdt.freeBlocks(c, o) > 0) {
                return true;
            }
        }
        return false;
    }

    private ClusterId[] nearestFirst(ClusterId origin) {
        ClusterId[] order = nearestFirst[origin.index()];
        if (order == null) {
            order = shared.groups().byDistance(origin);
            nearestFirst[origin.index()] = order;
        }
        return order;
    }

    /** Refuses an allocation, unless another attempt of it was served meanwhile: then its outcome. */
    private Object refuse(Allocation r, List<ClusterId> tried, String rule) {
        Refused no = refusal(r, tried, rule);
        return decide(admit(r.key()), r.key(), no);
    }

    private Refused refusal(Allocation r, List<ClusterId> tried, String rule) {
        long free = 0;
        int largest = -1;
        ClusterId largestAt = null;
        for (ClusterId c : topology.clusters()) {
            free += dqdt.freePages(c);
            for (int o = PageRun.MAX_ORDER; o > largest; o--) {
                if (dqdt.freeBlocks(c, o) > 0) {
                    largest = o;
                    largestAt = c;
                    break;
                }
            }
        }
        String what = r instanceof AllocateBatch b ? "up to " + b.count() + " pages of order 0"
                : r.pages() + " pages (order " + r.order() + ")";
        String message = "out of pages: owner " + r.owner() + " asked for " + what + ", " + r.priority()
                + ", from " + r.origin() + "; free now: " + free + " pages in all "
                + (largest < 0 ? "(none)" : "(largest free block of order " + largest + " in " + largestAt + ")")
                + "; tried " + tried + "; " + rule;
        return new Refused(r.pages(), free, message);
    }

    // ---------------------------------------------------------------- free

    private Object free(Free request, Caller caller) {
        PageRun run = request.run();
        checkCluster(run.cluster());
        RequestKey key = request.key();
        RequestLog log = admit(key);
        if (log != null) {
            Object done = log.lookup(key.seq());
            if (done != null) {
                return replay(done, key);
            }
        }
        if (request.hops() > hopBudget) {
            throw new IllegalStateException("free of " + run + " by owner " + request.owner() + " was forwarded "
                    + request.hops() + " times: the bank holders kept changing");
        }
        Object where = serverOf(run.cluster());
        if (where == NOT_HELD) {
            return later(caller, () -> free(request, caller));
        }
        if (where != null) {
            ctx.forward((Address) where, new Free(run, request.owner(), request.hops() + 1, key), caller);
            return null;
        }
        BankSlot slot = shared.slot(run.cluster());
        if (!slot.enter(me)) {
            return free(new Free(run, request.owner(), request.hops() + 1, key), caller);
        }
        try {
            if (log == null) {
                return freeHere(slot, run, request.owner());
            }
            // checked and recorded while the slot is entered: no other attempt of this free runs meanwhile
            Object done = log.lookup(key.seq());
            if (done != null) {
                return replay(done, key);
            }
            Freed freed;
            try {
                freed = freeHere(slot, run, request.owner());
            } catch (PageAllocatorException | IllegalArgumentException e) {
                log.decide(key.seq(), new RequestLog.Failed(e));
                throw e;
            }
            log.decide(key.seq(), freed);
            return freed;
        } finally {
            slot.exit(me);
        }
    }

    /** Frees a run in a slot this member has entered, or names the client cache that lent it. */
    private Freed freeHere(BankSlot slot, PageRun run, long owner) {
        PageBank bank = slot.bank();
        if (bank.isAllocated(run)) {
            long holder = bank.ownerOf(run);
            if (holder == Owners.POOL) {
                Long lentTo = slot.lent().get(run);
                holder = lentTo == null ? holder : lentTo;
            }
            int cacheCore = Owners.cacheCore(holder);
            if (cacheCore >= 0 && holder != owner) {
                // a client cache lent it: that client knows to which owner
                return new Freed(0, cacheCore);
            }
        }
        return new Freed(freeOne(slot, run, owner), -1);
    }

    /**
     * Frees one run in a slot this member has entered: a pooled page lent to the owner goes back
     * into this member's partition, any other run back to the buddy allocator.
     *
     * @return the pages freed
     */
    private int freeOne(BankSlot slot, PageRun run, long owner) {
        PageBank bank = slot.bank();
        if (pool != null && bank.isAllocated(run) && bank.ownerOf(run) == Owners.POOL) {
            Long lentTo = slot.lent().get(run);
            if (lentTo == null) {
                throw new DoubleFreeException("owner " + owner + " cannot free " + run + ": it is free (in the page"
                        + " pool); a run is freed once");
            }
            if (lentTo != owner) {
                throw new PageOwnershipException("owner " + owner + " cannot free " + run + ": owner " + lentTo
                        + " holds it (only the owner of a run frees it)");
            }
            slot.lent().remove(run);
            pool.put(run);
            return 1;
        }
        bank.free(run, owner);
        return run.pages();
    }

    private Object freeBatch(FreeBatch request, Caller caller) {
        RequestKey key = request.key();
        return splitByServer(caller, request.runs(), PageRun::cluster, request.hops(), key,
                (runs) -> new FreeBatch(runs, request.owner(), request.hops() + 1, key),
                (runs) -> () -> freeBatch(new FreeBatch(runs, request.owner(), request.hops(), key), caller),
                (slot, run) -> freeOne(slot, run, request.owner()));
    }

    private Object release(ReleaseOwner request, Caller caller) {
        RequestKey key = request.key();
        return splitByServer(caller, request.clusters(), c -> c, request.hops(), key,
                (clusters) -> new ReleaseOwner(request.owner(), clusters, request.hops() + 1, key),
                (clusters) -> () -> release(new ReleaseOwner(request.owner(), clusters, request.hops(), key), caller),
                (slot, c) -> releaseIn(slot, request.owner()));
    }

    /** Frees an owner's runs in a slot this member has entered, pooled pages lent to it included. */
    private int releaseIn(BankSlot slot, long owner) {
        int freed = slot.bank().releaseOwner(owner);
        if (!slot.lent().isEmpty()) {
            List<PageRun> back = new ArrayList<>();
            slot.lent().entrySet().removeIf(e -> {
                if (e.getValue() == owner) {
                    back.add(e.getKey());
                    return true;
                }
                return false;
            });
            if (!back.isEmpty()) {
                pool.putAll(back);
                freed += back.size();
            }
        }
        return freed;
    }

    private interface BankWork<T> {
        int apply(BankSlot slot, T item);
    }

    /**
     * Does the items of a batch this member holds, asks the holders of the others, and answers the
     * sum of pages freed; failures of single items are collected and reported together after the
     * others are done (a cache flush frees what it can). With a key, each item is done at most once
     * per key: its result is recorded in the client's log while its slot is entered, and an attempt
     * that finds it recorded counts the recorded result instead.
     */
    private <T> Object splitByServer(Caller caller, List<T> items, java.util.function.Function<T, ClusterId> clusterOf,
                                     int hops, RequestKey key,
                                     java.util.function.Function<List<T>, dev.manycore.fleets.Request<Freed>> onward,
                                     java.util.function.Function<List<T>, Supplier<Object>> retry, BankWork<T> work) {
        RequestLog log = admit(key);
        if (log != null && log.lookup(key.seq()) == RequestLog.STALE) {
            throw stale(key);
        }
        if (hops > hopBudget) {
            throw new IllegalStateException("batch of " + items.size() + " was forwarded " + hops
                    + " times: the bank holders kept changing");
        }
        Map<Address, List<T>> elsewhere = new LinkedHashMap<>();
        List<T> waiting = new ArrayList<>();
        int freed = 0;
        List<String> failures = new ArrayList<>();
        for (T item : items) {
            ClusterId c = clusterOf.apply(item);
            checkCluster(c);
            Object where = serverOf(c);
            if (where == NOT_HELD) {
                waiting.add(item);
                continue;
            }
            if (where != null) {
                elsewhere.computeIfAbsent((Address) where, a -> new ArrayList<>()).add(item);
                continue;
            }
            BankSlot slot = shared.slot(c);
            if (!slot.enter(me)) {
                waiting.add(item);
                continue;
            }
            try {
                Object done = log == null ? null : log.lookupItem(key.seq(), item);
                if (done instanceof Integer pages) {
                    freed += pages;
                } else if (done instanceof String failure) {
                    failures.add(failure);
                } else if (done == null) {
                    try {
                        int pages = work.apply(slot, item);
                        freed += pages;
                        if (log != null) {
                            log.recordItem(key.seq(), item, pages);
                        }
                    } catch (PageAllocatorException | IllegalArgumentException e) {
                        failures.add(e.getMessage());
                        if (log != null) {
                            log.recordItem(key.seq(), item, String.valueOf(e.getMessage()));
                        }
                    }
                } else {
                    throw stale(key);
                }
            } finally {
                slot.exit(me);
            }
        }
        if (elsewhere.isEmpty() && waiting.isEmpty()) {
            if (!failures.isEmpty()) {
                throw new IllegalStateException(failures.size() + " of " + items.size() + " items failed: " + failures);
            }
            return new Freed(freed, -1);
        }
        List<CompletableFuture<Freed>> parts = new ArrayList<>();
        for (Map.Entry<Address, List<T>> e : elsewhere.entrySet()) {
            parts.add(ctx.call(e.getKey(), onward.apply(List.copyOf(e.getValue())), CALL_TIMEOUT).toCompletableFuture());
        }
        if (!waiting.isEmpty()) {
            CompletableFuture<Freed> part = new CompletableFuture<>();
            Supplier<Object> again = retry.apply(List.copyOf(waiting));
            ctx.schedule(RETRY_NANOS, () -> completeFrom(part, again));
            parts.add(part);
        }
        int here = freed;
        CompletableFuture<Void> all = CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new));
        return all.handle((v, e) -> {
            int total = here;
            List<String> errors = new ArrayList<>(failures);
            boolean allUndelivered = failures.isEmpty();
            for (CompletableFuture<Freed> p : parts) {
                if (p.isCompletedExceptionally()) {
                    Throwable cause = p.exceptionNow();
                    allUndelivered &= cause instanceof UndeliverableException;
                    errors.add(String.valueOf(cause.getMessage()));
                } else {
                    total += p.join().pages();
                }
            }
            if (!errors.isEmpty() && total == 0 && allUndelivered) {
                // nothing was done anywhere: say so with the type callers can act on (try elsewhere)
                throw new UndeliverableException("no part of a batch of " + items.size() + " was delivered: "
                        + errors);
            }
            if (!errors.isEmpty()) {
                throw new IllegalStateException(errors.size() + " parts of a batch of " + items.size() + " failed: "
                        + errors);
            }
            return new Freed(total, -1);
        });
    }

    @SuppressWarnings("unchecked")
    private static void completeFrom(CompletableFuture<Freed> part, Supplier<Object> again) {
        try {
            Object r = again.get();
            if (r instanceof CompletionStage<?> s) {
                ((CompletionStage<Freed>) s).whenComplete((v, e) -> {
                    if (e != null) {
                        part.completeExceptionally(e);
                    } else {
                        part.complete(v);
                    }
                });
            } else {
                part.complete((Freed) r);
            }
        } catch (RuntimeException e) {
            part.completeExceptionally(e);
        }
    }
}
