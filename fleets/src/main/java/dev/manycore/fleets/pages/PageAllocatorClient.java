package dev.manycore.fleets.pages;

import dev.manycore.fleets.CallTimeoutException;
import dev.manycore.fleets.Client;
import dev.manycore.fleets.MembershipView;
import dev.manycore.fleets.RemoteFailureException;
import dev.manycore.fleets.Request;
import dev.manycore.fleets.UndeliverableException;
import dev.manycore.fleets.internal.pages.OwnerTable;
import dev.manycore.fleets.internal.pages.Owners;
import dev.manycore.fleets.internal.pages.PageRequests.Allocate;
import dev.manycore.fleets.internal.pages.PageRequests.AllocateBatch;
import dev.manycore.fleets.internal.pages.PageRequests.Free;
import dev.manycore.fleets.internal.pages.PageRequests.FreeBatch;
import dev.manycore.fleets.internal.pages.PageRequests.Freed;
import dev.manycore.fleets.internal.pages.PageRequests.Granted;
import dev.manycore.fleets.internal.pages.PageRequests.Refused;
import dev.manycore.fleets.internal.pages.PageRequests.ReleaseOwner;
import dev.manycore.fleets.internal.pages.PageRequests.RequestKey;
import dev.manycore.fleets.internal.pages.PageFleetState;
import dev.manycore.fleets.names.NameServiceClient;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.Engine;
import dev.manycore.messaging.Name;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CoreId;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The page allocator as one core sees it (fos paper 3.2, libfos: a system call becomes messages to
 * the fleet), with an optional cache of free order-0 pages (the Linux per-CPU page list idea):
 * allocations of single pages are served from the cache, which is refilled {@code batch} pages at a
 * time from the member when empty, and pages freed into it are flushed back {@code batch} at a time
 * when it holds more than {@code 2 * batch}. Cached pages stay allocated in their bank to this
 * core's cache (an internal owner id), so the bank's accounting stays exact; the client records
 * which owner holds each page it lent, so frees from any core, double frees, frees by the wrong
 * owner and {@link #releaseOwner} stay correct through the cache.
 *
 * <p>Every entry point validates its arguments: an order outside 0 to {@value PageRun#MAX_ORDER}, a
 * page count below 1 or above the machine's frames, or a negative owner is an
 * {@link IllegalArgumentException}; a free of a run that is not allocated, free already, or held by
 * another owner is a {@link PageNotAllocatedException}, {@link DoubleFreeException} or
 * {@link PageOwnershipException}; out of memory is an {@link OutOfPagesException} that names the
 * request and what is free. A rejected request changes nothing.
 *
 * <p>Thread-safety: safe for any thread. The cache is meant for the threads of one core, one at a
 * time (as a per-CPU list is): its state is confined to the thread that holds it (a flag taken by
 * CAS, released by a release store), so the hot path is one CAS, an array stack and an open-addressing table,
 * with no allocation. A thread that finds the cache held allocates from the member directly; work
 * that must touch the cache's state from elsewhere (a free of a page it lent, from another core;
 * {@link #releaseOwner}; accounting) is queued and run by the holder before it lets go, or by the
 * asker when the cache is free. Blocking methods wait for the member's answer, asking again (through
 * the newest membership view) when a member does not answer in the request timeout. Asking again is
 * safe: every request carries this client's id and a sequence number that its retries keep, and the
 * fleet answers a retry of a request it executed already with that execution's outcome (the same
 * run, the same free) instead of executing it twice; with each request the client also tells the
 * fleet the lowest sequence it still waits for, so the fleet forgets older outcomes.
 */
public final class PageAllocatorClient {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PageAllocatorClient.class);
    private static final long CACHED = -1L;
    private static final long ABSENT = -2L;
    private static final int ATTEMPTS = 4;
    private static final Duration RECHECK = Duration.ofMillis(1);

    private final PageAllocator allocator;
    private final Client client;
    private final CoreId core;
    private final ClusterId cluster;
    private final int batch;
    private final long cacheOwner;
    private final Duration timeout;
    private final NameServiceClient names;
    // The cache's state is confined: a thread uses it only while it holds inUse (a flag taken by
    // CAS and never waited for). Another thread that must read or change it (a free from another
    // core, releaseOwner, accounting) queues the operation in crossOps; whoever holds the flag
    // runs the queue before letting go, then looks again (so nothing queued is left behind), and
    // the asker runs the queue itself when it finds the flag free. Nobody spins or blocks on the flag.
    private final ArrayDeque<PageRun> cache = new ArrayDeque<>();
    /** Runs this core's cache holds in the banks: the owner it lent each to, or {@link #CACHED}. */
    private final OwnerTable lent = new OwnerTable();
    private final AtomicBoolean inUse = new AtomicBoolean();
    private final ConcurrentLinkedQueue<Runnable> crossOps = new ConcurrentLinkedQueue<>();
    private volatile Address nearest;
    private final AtomicBoolean lookingUp = new AtomicBoolean();
    /** This client's id in request keys. */
    private final long clientId;
    /** The next request sequence number. */
    private final AtomicLong nextSeq = new AtomicLong(1);
    /** The sequences of the requests this client still waits for (their least is the ack). */
    private final ConcurrentSkipListSet<Long> waiting = new ConcurrentSkipListSet<>();

    PageAllocatorClient(PageAllocator allocator, Engine engine, CoreId core, int batch, Duration timeout,
                        NameServiceClient names) {
        this.allocator = allocator;
        this.client = Client.open(engine, core);
        this.core = core;
        this.cluster = engine.topology().clusterOf(core);
        this.batch = batch;
        this.cacheOwner = Owners.cache(core.index());
        this.clientId = PageFleetState.clientIdOf(core.index());
        this.timeout = timeout;
        this.names = names;
    }

    /** @return the core this client serves */
    public CoreId core() {
        return core;
    }

    /** @return the number of free pages in this core's cache now */
    public int cachedPages() {
        return confined(cache::size);
    }

    // ---------------------------------------------------------------- confinement

    private boolean tryEnter() {
        return inUse.compareAndSet(false, true);
    }

    /**
     * Lets go of the cache after running what other threads queued meanwhile. A release store, not
     * a full fence: an operation queued after the drain is not lost, because its asker keeps trying
     * to take the cache itself until the operation is done (see {@link #confined}).
     */
    private void exit() {
        Runnable op;
        while ((op = crossOps.poll()) != null) {
            op.run();
        }
        inUse.setRelease(false);
    }

    /**
     * Runs an operation on the cache's state: at once if no thread holds it, else by the holder
     * before it lets go, or by this thread as soon as it finds the cache free (it looks again every
     * millisecond of the engine's clock while it waits). The operation must not call another
     * client's {@code confined}.
     */
    private <T> T confined(Supplier<T> op) {
        if (tryEnter()) {
            try {
                return op.get();
            } finally {
                exit();
            }
        }
        CompletableFuture<T> done = new CompletableFuture<>();
        crossOps.add(() -> {
            try {
                done.complete(op.get());
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        while (!done.isDone()) {
            if (tryEnter()) {
                exit();
            } else {
                // in the engine's time: on the simulated engine the holder runs only while this waits
                client.waitFor(done, RECHECK);
            }
        }
        return client.waitFor(done);
    }

    private static long key(PageRun run) {
        return OwnerTable.key(run.cluster().index(), run.firstFrame());
    }

    private PageRun run(long key) {
        return new PageRun(allocator.topology().cluster(OwnerTable.cluster(key)), OwnerTable.frame(key), 0);
    }

    // ---------------------------------------------------------------- allocation

    /**
     * Allocates one run of {@code 2^order} frames for an owner, ordinary priority; blocks until
     * the fleet answers. Order 0 comes from the cache when it is on.
     *
     * @param order 0 to {@value PageRun#MAX_ORDER}
     * @param owner the owner, 0 or more (0 = the kernel)
     * @return the run, in this core's cluster when it has enough free memory, else in the nearest
     *         cluster that has
     * @throws IllegalArgumentException if the order or owner is out of range
     * @throws OutOfPagesException      if no cluster can give it
     */
    public PageRun allocate(int order, long owner) {
        PageRun.checkOrder(order);
        Owners.checkUser(owner);
        if (order == 0 && batch > 0) {
            PageRun run = fromCache(owner);
            if (run != null) {
                return run;
            }
        }
        return await(allocateDirect(order, owner, AllocationPriority.ORDINARY));
    }

    /**
     * Allocates one run without blocking. Ordinary order-0 requests come from the cache when it
     * holds a page; others go to the fleet (priority requests always do: the cache is for ordinary
     * pages).
     *
     * @param order    0 to {@value PageRun#MAX_ORDER}
     * @param owner    the owner, 0 or more
     * @param priority ordinary (leaves 15 % of a bank free) or priority (5 %)
     * @return completes with the run, or with the exceptions of {@link #allocate}
     * @throws IllegalArgumentException if an argument is out of range
     */
    public CompletableFuture<PageRun> allocateAsync(int order, long owner, AllocationPriority priority) {
        PageRun.checkOrder(order);
        Owners.checkUser(owner);
        if (priority == null) {
            throw new IllegalArgumentException("priority is null: ORDINARY or PRIORITY");
        }
        if (order == 0 && batch > 0 && priority == AllocationPriority.ORDINARY && tryEnter()) {
            try {
                PageRun run = cache.pollLast();
                if (run != null) {
                    lent.put(key(run), owner);
                    return CompletableFuture.completedFuture(run);
                }
            } finally {
                exit();
            }
        }
        return allocateDirect(order, owner, priority);
    }

    /**
     * Allocates {@code count} single pages for an owner, all or nothing (the cache is not used).
     *
     * @param count 1 to the machine's frames
     * @param owner the owner, 0 or more
     * @return the pages, each a run of order 0
     * @throws IllegalArgumentException if the count or owner is out of range
     * @throws OutOfPagesException      if the machine cannot give them all (none is kept then)
     */
    public List<PageRun> allocatePages(int count, long owner) {
        long total = allocator.topology().totalPages();
        if (count < 1 || count > total) {
            throw new IllegalArgumentException("page count " + count + " must be 1 to " + total + " (the frames of "
                    + allocator.topology().name() + ")");
        }
        Owners.checkUser(owner);
        List<PageRun> got = new ArrayList<>(count);
        while (got.size() < count) {
            int want = count - got.size();
            Object reply;
            try {
                reply = await(callWithRetry(this::firstHop, key -> new AllocateBatch(cluster, cluster, want, owner,
                        AllocationPriority.ORDINARY, 0, List.of(), key)));
            } catch (RuntimeException e) {
                giveBack(got, owner);
                throw e;
            }
            if (reply instanceof Refused r) {
                giveBack(got, owner);
                throw new OutOfPagesException(count, r.freePages(), "cannot allocate " + count + " pages for owner "
                        + owner + " (all or nothing; got " + got.size() + ", returned them): " + r.message());
            }
            got.addAll(((Granted) reply).runs());
        }
        return got;
    }

    private void giveBack(List<PageRun> runs, long owner) {
        if (!runs.isEmpty()) {
            freeToBanks(runs, owner);
        }
    }

    private CompletableFuture<PageRun> allocateDirect(int order, long owner, AllocationPriority priority) {
        return callWithRetry(this::firstHop, key -> new Allocate(cluster, cluster, order, owner, priority, 0, List.of(),
                        key))
                .thenApply(reply -> {
                    if (reply instanceof Refused r) {
                        throw new OutOfPagesException(r.requestedPages(), r.freePages(), r.message());
                    }
                    return (PageRun) reply;
                });
    }

    /**
     * The member an allocation goes to: the nearest one by the name service once a lookup has told
     * it, else the member that holds this cluster's bank in the current view. Never blocks, so it is
     * safe on the gateway's engine thread (where retries run) and in {@link #allocateAsync}: an
     * unknown or stale nearest member starts one asynchronous lookup and this request goes by the
     * view meanwhile.
     */
    private Address firstHop() {
        if (names != null) {
            Address a = nearest;
            if (a != null && allocator.fleet().view().contains(a)) {
                return a;
            }
            nearest = null;
            learnNearest();
        }
        return allocator.serverOf(cluster);
    }

    /** @return the nearest member the name service told this client, or null while none is known (for tests) */
    Address nearestByName() {
        return nearest;
    }

    private void learnNearest() {
        if (!lookingUp.compareAndSet(false, true)) {
            return;
        }
        CompletableFuture<Address> lookup;
        try {
            lookup = names.lookup(Name.of(PageAllocator.NAME));
        } catch (RuntimeException closed) {
            lookingUp.set(false);
            return;
        }
        lookup.whenComplete((a, notYetRegistered) -> {
            // until the registration follows the fleet's views, requests go by the view
            if (a != null && allocator.fleet().view().contains(a)) {
                nearest = a;
            }
            lookingUp.set(false);
        });
    }

    // ---------------------------------------------------------------- cache

    private PageRun fromCache(long owner) {
        if (!tryEnter()) {
            return null;
        }
        try {
            PageRun run = cache.pollLast();
            if (run == null) {
                refill();
                run = cache.pollLast();
            }
            lent.put(key(run), owner);
            return run;
        } finally {
            exit();
        }
    }

    private void refill() {
        Object reply = await(callWithRetry(this::firstHop, key -> new AllocateBatch(cluster, cluster, batch, cacheOwner,
                AllocationPriority.ORDINARY, 0, List.of(), key)));
        if (reply instanceof Refused r) {
            throw new OutOfPagesException(1, r.freePages(), r.message());
        }
        for (PageRun run : ((Granted) reply).runs()) {
            lent.put(key(run), CACHED);
            cache.addLast(run);
        }
    }

    /** Flushes the oldest {@code n} cached pages to their banks; the caller holds {@link #inUse}. */
    private void flush(int n) {
        List<PageRun> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            PageRun run = cache.pollFirst();
            if (run == null) {
                break;
            }
            lent.remove(key(run));
            out.add(run);
        }
        freeToBanks(out, cacheOwner);
    }

    /**
     * Gives every cached page back to its bank. When the cache has no page lent either, it also
     * reclaims every page its owner id still holds in the banks: a refill that the client gave up
     * on after its last attempt (retries of one request are executed once, but a request that
     * never got an answer may still have been executed) left such pages behind, and only this
     * cache can know they are its own.
     *
     * @throws IllegalStateException if another thread is using this core's cache right now
     */
    public void flushCache() {
        if (batch == 0) {
            return;
        }
        if (!tryEnter()) {
            throw new IllegalStateException("the page cache of " + core + " is in use by another thread: a core's"
                    + " cache serves one thread at a time");
        }
        try {
            flush(cache.size());
            if (lent.size() == 0) {
                int orphans = releaseInBanks(cacheOwner);
                if (orphans > 0) {
                    LOG.info("page cache of {} reclaimed {} pages left by refills it gave up on", core, orphans);
                }
            }
        } finally {
            exit();
        }
    }

    /** Adds this cache's free pages to per-cluster counts (for accounting). */
    void countCached(int[] byCluster) {
        confined(() -> {
            lent.forEach((key, owner) -> {
                if (owner == CACHED) {
                    byCluster[OwnerTable.cluster(key)]++;
                }
            });
            return null;
        });
    }

    // ---------------------------------------------------------------- free

    /**
     * Frees a run the owner holds; blocks until done. A single page this core's cache lent goes
     * back to the cache.
     *
     * @param run   the run, as an allocation returned it
     * @param owner its owner
     * @throws IllegalArgumentException  if the run is outside the machine's banks or the owner is out of range
     * @throws DoubleFreeException       if the run is free now
     * @throws PageNotAllocatedException if the run is not an allocated run
     * @throws PageOwnershipException    if another owner holds it
     */
    public void free(PageRun run, long owner) {
        Objects.requireNonNull(run, "run is null");
        Owners.checkUser(owner);
        checkCluster(run.cluster());
        if (batch > 0 && run.order() == 0 && toCache(run, owner)) {
            return;
        }
        Freed freed = await(callWithRetry(() -> allocator.serverOf(run.cluster()), key -> new Free(run, owner, 0, key)));
        if (freed.cacheCore() >= 0) {
            PageAllocatorClient lender = allocator.existingClient(freed.cacheCore());
            if (lender == null || lender == this) {
                throw new PageNotAllocatedException("owner " + owner + " cannot free " + run + ": it sits in the page"
                        + " cache of core " + freed.cacheCore() + ", which did not lend it to anyone now");
            }
            lender.returnLent(run, owner, this);
        }
    }

    /** @return true if the run was lent by this cache and went back to it */
    private boolean toCache(PageRun run, long owner) {
        if (tryEnter()) {
            try {
                return backToCache(run, owner, true);
            } finally {
                exit();
            }
        }
        return confined(() -> backToCache(run, owner, false));
    }

    /** With the cache held: checks the owner the run was lent to and puts it back into the cache. */
    private boolean backToCache(PageRun run, long owner, boolean mayFlush) {
        long k = key(run);
        long holder = lent.get(k, ABSENT);
        if (holder == ABSENT) {
            return false;
        }
        checkLent(run, owner, holder);
        lent.put(k, CACHED);
        cache.addLast(run);
        if (mayFlush && cache.size() > 2 * batch) {
            flush(batch);
        }
        return true;
    }

    private void checkLent(PageRun run, long owner, long holder) {
        if (holder == CACHED) {
            throw new DoubleFreeException("owner " + owner + " cannot free " + run + ": it is free (in the page cache"
                    + " of " + core + "); a run is freed once");
        }
        if (holder != owner) {
            throw new PageOwnershipException("owner " + owner + " cannot free " + run + ": owner " + holder
                    + " holds it (only the owner of a run frees it)");
        }
    }

    /** Another core frees a page this cache lent: check the owner, and give the page to its bank. */
    private void returnLent(PageRun run, long owner, PageAllocatorClient via) {
        confined(() -> {
            long holder = lent.get(key(run), ABSENT);
            if (holder == ABSENT) {
                throw new PageNotAllocatedException("owner " + owner + " cannot free " + run + ": it is not allocated");
            }
            checkLent(run, owner, holder);
            lent.remove(key(run));
            return null;
        });
        via.freeToBanks(List.of(run), cacheOwner);
    }

    /**
     * Frees everything an owner holds: the pages that any core's cache lent it, and its runs in
     * every bank. Blocks until every member answered.
     *
     * @param owner the owner, 0 or more
     * @return the pages freed
     * @throws IllegalArgumentException if the owner is out of range
     */
    public int releaseOwner(long owner) {
        Owners.checkUser(owner);
        int total = 0;
        for (PageAllocatorClient c : allocator.openClients()) {
            List<PageRun> back = c.takeLentTo(owner);
            if (!back.isEmpty()) {
                freeToBanks(back, c.cacheOwner);
                total += back.size();
            }
        }
        return total + releaseInBanks(owner);
    }

    /** Frees every run an owner id holds in the banks (pooled pages lent to it included); blocks. */
    private int releaseInBanks(long owner) {
        Map<Address, List<ClusterId>> byServer = new LinkedHashMap<>();
        for (ClusterId c : allocator.topology().clusters()) {
            byServer.computeIfAbsent(allocator.serverOf(c), a -> new ArrayList<>()).add(c);
        }
        List<CompletableFuture<Freed>> parts = new ArrayList<>();
        for (Map.Entry<Address, List<ClusterId>> e : byServer.entrySet()) {
            List<ClusterId> clusters = List.copyOf(e.getValue());
            parts.add(callWithRetry(() -> allocator.serverOf(clusters.getFirst()),
                    key -> new ReleaseOwner(owner, clusters, 0, key)));
        }
        int total = 0;
        for (CompletableFuture<Freed> p : parts) {
            total += await(p).pages();
        }
        return total;
    }

    private List<PageRun> takeLentTo(long owner) {
        return confined(() -> {
            List<Long> keys = new ArrayList<>();
            lent.forEach((key, holder) -> {
                if (holder == owner) {
                    keys.add(key);
                }
            });
            List<PageRun> out = new ArrayList<>(keys.size());
            for (long k : keys) {
                lent.remove(k);
                out.add(run(k));
            }
            return out;
        });
    }

    /** Frees runs held by one owner id to their banks, one request per serving member; blocks. */
    private void freeToBanks(List<PageRun> runs, long owner) {
        Map<Address, List<PageRun>> byServer = new LinkedHashMap<>();
        for (PageRun r : runs) {
            byServer.computeIfAbsent(allocator.serverOf(r.cluster()), a -> new ArrayList<>()).add(r);
        }
        List<CompletableFuture<Freed>> parts = new ArrayList<>();
        for (Map.Entry<Address, List<PageRun>> e : byServer.entrySet()) {
            List<PageRun> part = List.copyOf(e.getValue());
            parts.add(callWithRetry(() -> allocator.serverOf(part.getFirst().cluster()),
                    key -> new FreeBatch(part, owner, 0, key)));
        }
        for (CompletableFuture<Freed> p : parts) {
            await(p);
        }
    }

    private void checkCluster(ClusterId c) {
        if (c.index() >= allocator.topology().clusterCount()) {
            throw new IllegalArgumentException(c + " is not a cluster of " + allocator.topology().name() + " ("
                    + allocator.topology().clusterCount() + " clusters)");
        }
    }

    // ---------------------------------------------------------------- calls

    /**
     * Calls the member {@code to} names; if it does not answer in time or its mailbox is closed
     * (it failed), asks again where the newest view says, a few times. Every attempt carries the
     * same key, so the fleet executes the request at most once.
     */
    private <R> CompletableFuture<R> callWithRetry(Supplier<Address> to, Function<RequestKey, Request<R>> make) {
        long seq = issue();
        CompletableFuture<R> result = new CompletableFuture<>();
        try {
            Request<R> request = make.apply(new RequestKey(clientId, seq, waiting.first()));
            result.whenComplete((v, e) -> waiting.remove(seq));
            attempt(to, request, ATTEMPTS, result);
        } catch (RuntimeException e) {
            waiting.remove(seq);
            throw e;
        }
        return result;
    }

    /**
     * Takes the next sequence number and adds it to {@link #waiting} before the counter moves past
     * it, so every ack (the least of {@code waiting}, read by a request after its own sequence is
     * in it) is at most the sequence of every request still waiting. Lock-free.
     */
    private long issue() {
        while (true) {
            long s = nextSeq.get();
            if (waiting.add(s)) {
                if (nextSeq.compareAndSet(s, s + 1)) {
                    return s;
                }
                waiting.remove(s);
            }
        }
    }

    private <R> void attempt(Supplier<Address> to, Request<R> request, int left, CompletableFuture<R> result) {
        Address target = to.get();
        if (target == null) {
            result.completeExceptionally(new IllegalStateException("the page allocator fleet has no member to serve "
                    + request.getClass().getSimpleName()));
            return;
        }
        client.call(target, request, timeout).whenComplete((value, failure) -> {
            if (failure == null) {
                result.complete(value);
                return;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            boolean forwardRefused = cause instanceof RemoteFailureException r
                    && r.remoteType().equals(UndeliverableException.class.getName());
            if ((cause instanceof CallTimeoutException || cause instanceof UndeliverableException || forwardRefused)
                    && left > 1) {
                nearest = null;
                MembershipView seen = allocator.fleet().view();
                if (cause instanceof UndeliverableException && seen.contains(target) || forwardRefused) {
                    // a mailbox on the way is closed (its member failed) but the view still routes
                    // to it: asking again now would spend the attempts there, so wait for the view
                    // to change (the key makes the retry safe)
                    afterViewChange(seen).whenComplete((v, e) -> attempt(to, request, left - 1, result));
                } else {
                    attempt(to, request, left - 1, result);
                }
            } else {
                result.completeExceptionally(translate(cause));
            }
        });
    }

    /**
     * @param seen the view a refused request was routed by
     * @return completes when a newer view is published, or after one request timeout of the
     *         engine's clock (a member cut off for a while stays in the view), whichever comes first
     */
    private CompletableFuture<Void> afterViewChange(MembershipView seen) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture<MembershipView> changed = allocator.fleet().whenView(v -> v.epoch() > seen.epoch());
        changed.whenComplete((v, e) -> done.complete(null));
        try {
            client.execute(ctx -> {
                ctx.schedule(timeout.toNanos(), () -> {
                    changed.cancel(false);
                    done.complete(null);
                });
                return CompletableFuture.completedFuture(null);
            });
        } catch (IllegalStateException closed) {
            done.complete(null);
        }
        return done;
    }

    private static Throwable translate(Throwable cause) {
        if (cause instanceof RemoteFailureException remote) {
            String m = remote.remoteMessage();
            String type = remote.remoteType();
            if (type.equals(DoubleFreeException.class.getName())) {
                return new DoubleFreeException(m);
            } else if (type.equals(PageNotAllocatedException.class.getName())) {
                return new PageNotAllocatedException(m);
            } else if (type.equals(PageOwnershipException.class.getName())) {
                return new PageOwnershipException(m);
            } else if (type.equals(IllegalArgumentException.class.getName())) {
                return new IllegalArgumentException(m);
            }
        }
        return cause;
    }

    /**
     * Waits for an answer, at most for every attempt's timeout plus as much again: the engine's
     * own timers end each attempt, and this bound keeps a caller from hanging if the engine stops.
     */
    private <T> T await(CompletableFuture<T> future) {
        long limit = timeout.toNanos() * (ATTEMPTS * 2L);
        if (!client.waitFor(future, Duration.ofNanos(limit))) {
            throw new CallTimeoutException("the page allocator fleet did not answer " + core + " within "
                    + Duration.ofNanos(limit) + " (" + ATTEMPTS + " attempts of " + timeout + "): is the engine"
                    + " running?");
        }
        return Client.await(future); // done by now: this only unwraps its outcome
    }


    @Override
    public String toString() {
        return "PageAllocatorClient[" + core + ", cache " + batch + "]";
    }
}
