package dev.manycore.fleets.pages;

import dev.manycore.fleets.pool.DPoolConfig;
import dev.manycore.fleets.pool.DPoolScheme;
import dev.manycore.messaging.Address;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CoreId;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page allocator's invariants (issue 6): under random concurrent allocations and frees from many
 * clients, at quiescence every cluster has {@code free + allocated == total}, the pages owners hold
 * are exactly those they were given, and no frame is ever handed out twice; also when a member
 * crashes in the middle (its banks are taken over).
 */
class PageAllocatorProperties {

    enum Kind { ALLOCATE, ALLOCATE_PAGES, FREE, FREE_STALE }

    record Op(Kind kind, int size, int pick) {
    }

    @Provide
    Arbitrary<List<List<Op>>> workloads() {
        Arbitrary<Op> op = Combinators.combine(
                Arbitraries.of(Kind.ALLOCATE, Kind.ALLOCATE, Kind.ALLOCATE_PAGES, Kind.FREE, Kind.FREE, Kind.FREE_STALE),
                Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 1000)).as(Op::new);
        return op.list().ofMinSize(10).ofMaxSize(40).list().ofSize(6);
    }

    @Property(tries = 12)
    void pagesAreConservedAndNeverHandedOutTwice(@ForAll("workloads") List<List<Op>> workload,
                                                 @ForAll @IntRange(min = 0, max = 1) int cacheChoice,
                                                 @ForAll @IntRange(min = 0, max = 1) int groupChoice) throws Exception {
        int batch = cacheChoice == 0 ? 0 : 4;
        int k = groupChoice == 0 ? 1 : 4;
        try (PageAllocatorFixture f = new PageAllocatorFixture(PageAllocatorFixture.mesh(64),
                b -> b.clientCache(batch).clustersPerMember(k))) {
            List<Ledger> ledgers = run(f, workload, null, false);
            checkQuiescent(f, ledgers, true);
            releaseAll(f, ledgers, true);
        }
    }

    @Property(tries = 6)
    void pagesSurviveAMemberCrash(@ForAll("workloads") List<List<Op>> workload,
                                  @ForAll @IntRange(min = 0, max = 3) int victim,
                                  @ForAll @IntRange(min = 0, max = 1) int cacheChoice,
                                  @ForAll boolean failStop) throws Exception {
        int batch = cacheChoice == 0 ? 0 : 4;
        try (PageAllocatorFixture f = new PageAllocatorFixture(PageAllocatorFixture.mesh(64),
                b -> b.clientCache(batch).clustersPerMember(4)
                        .failureDetection(Duration.ofMillis(40), Duration.ofMillis(300))
                        .requestTimeout(Duration.ofMillis(600)))) {
            Address crashed = f.pages.fleet().members().get(victim);
            List<Ledger> ledgers = run(f, workload, crashed, failStop);
            f.pages.fleet().whenView(v -> !v.contains(crashed)).get(30, TimeUnit.SECONDS);
            // a reply lost with the crashed member may leave a retried allocation's first run with its
            // owner: owners may hold more than their ledgers, never a frame twice
            checkQuiescent(f, ledgers, false);
            releaseAll(f, ledgers, false);
            // the crashed member's banks serve again, through the member that took them over
            ClusterId orphan = f.topology.clusterOf(crashed.core());
            PageRun again = f.pages.client(f.userCore(orphan)).allocate(0, 999);
            assertEquals(orphan, again.cluster());
            f.pages.client(f.userCore(orphan)).free(again, 999);
        }
    }

    @Property(tries = 10)
    void pooledPagesAreConservedAndNeverHandedOutTwice(@ForAll("workloads") List<List<Op>> workload,
                                                       @ForAll DPoolScheme scheme,
                                                       @ForAll @IntRange(min = 0, max = 1) int cacheChoice,
                                                       @ForAll @IntRange(min = -1, max = 3) int victim) throws Exception {
        int batch = cacheChoice == 0 ? 0 : 4;
        DPoolConfig config = DPoolConfig.builder().scheme(scheme).lowWater(4).highWater(24).blockSize(8)
                .period(Duration.ofMillis(5)).transferTimeout(Duration.ofMillis(300)).build();
        try (PageAllocatorFixture f = new PageAllocatorFixture(PageAllocatorFixture.mesh(64),
                b -> b.clientCache(batch).policy(PagePolicy.dpool(config, 0.5))
                        .failureDetection(Duration.ofMillis(40), Duration.ofMillis(300))
                        .requestTimeout(Duration.ofMillis(600)))) {
            Address crashed = victim < 0 ? null : f.pages.fleet().members().get(victim);
            List<Ledger> ledgers = run(f, workload, crashed, false);
            if (crashed != null) {
                f.pages.fleet().whenView(v -> !v.contains(crashed)).get(30, TimeUnit.SECONDS);
            }
            checkQuiescent(f, ledgers, crashed == null);
            releaseAll(f, ledgers, crashed == null);
        }
    }

    /** What one client thread holds, by its own count. */
    static final class Ledger {
        final long owner;
        final CoreId core;
        final List<PageRun> held = new ArrayList<>();
        final List<PageRun> freed = new ArrayList<>();

        Ledger(long owner, CoreId core) {
            this.owner = owner;
            this.core = core;
        }
    }

    /** Runs the workload; with a member to crash, thread 0 crashes it halfway (a hang, or fail-stop). */
    private static List<Ledger> run(PageAllocatorFixture f, List<List<Op>> workload, Address crash, boolean failStop)
            throws Exception {
        List<Ledger> ledgers = new ArrayList<>();
        List<CompletableFuture<Void>> threads = new ArrayList<>();
        for (int t = 0; t < workload.size(); t++) {
            ClusterId home = f.topology.cluster((t * 5) % f.topology.clusterCount());
            Ledger ledger = new Ledger(100 + t, f.userCore(home));
            ledgers.add(ledger);
            List<Op> ops = workload.get(t);
            boolean crasher = crash != null && t == 0;
            threads.add(CompletableFuture.runAsync(() -> {
                PageAllocatorClient client = f.pages.client(ledger.core);
                for (int i = 0; i < ops.size(); i++) {
                    if (crasher && i == ops.size() / 2) {
                        if (failStop) {
                            f.pages.fleet().failStop(crash);
                        } else {
                            f.pages.fleet().crash(crash);
                        }
                    }
                    apply(client, ledger, ops.get(i));
                }
            }, r -> Thread.ofPlatform().start(r)));
        }
        CompletableFuture.allOf(threads.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        return ledgers;
    }

    private static void apply(PageAllocatorClient client, Ledger l, Op op) {
        switch (op.kind()) {
            case ALLOCATE -> {
                try {
                    l.held.add(client.allocate(op.size(), l.owner));
                } catch (OutOfPagesException full) {
                    assertTrue(full.getMessage().contains("free now"), full.getMessage());
                }
            }
            case ALLOCATE_PAGES -> {
                try {
                    l.held.addAll(client.allocatePages(op.size() * 3 + 1, l.owner));
                } catch (OutOfPagesException full) {
                    assertTrue(full.getMessage().contains("cannot allocate"), full.getMessage());
                }
            }
            case FREE -> {
                if (!l.held.isEmpty()) {
                    PageRun run = l.held.remove(op.pick() % l.held.size());
                    client.free(run, l.owner);
                    l.freed.add(run);
                }
            }
            case FREE_STALE -> {
                if (!l.freed.isEmpty()) {
                    PageRun run = l.freed.get(op.pick() % l.freed.size());
                    if (!l.held.contains(run)) {
                        // freed by this owner, maybe handed to another since: never this owner's to free
                        assertThrows(PageAllocatorException.class, () -> client.free(run, l.owner));
                    }
                }
            }
        }
    }

    private static void checkQuiescent(PageAllocatorFixture f, List<Ledger> ledgers, boolean exact) {
        PageAccounting acc = f.assertConserved();
        Map<ClusterId, Integer> byCluster = new HashMap<>();
        Map<ClusterId, boolean[]> frames = new HashMap<>();
        for (Ledger l : ledgers) {
            for (PageRun r : l.held) {
                byCluster.merge(r.cluster(), r.pages(), Integer::sum);
                boolean[] used = frames.computeIfAbsent(r.cluster(), c -> new boolean[f.topology.pagesOf(c)]);
                for (int i = r.firstFrame(); i < r.firstFrame() + r.pages(); i++) {
                    assertTrue(!used[i], "frame " + i + " of " + r.cluster() + " was handed out twice");
                    used[i] = true;
                }
            }
        }
        for (PageAccounting.ClusterPages c : acc.clusters()) {
            int expected = byCluster.getOrDefault(c.cluster(), 0);
            if (exact) {
                assertEquals(expected, c.held(), "pages held in " + c.cluster());
            } else {
                assertTrue(c.held() >= expected, "pages held in " + c.cluster() + ": " + c.held() + " < " + expected);
            }
            assertTrue(c.cached() >= 0 && c.held() >= 0, c.toString());
        }
    }

    private static void releaseAll(PageAllocatorFixture f, List<Ledger> ledgers, boolean exact) {
        for (Ledger l : ledgers) {
            int pages = l.held.stream().mapToInt(PageRun::pages).sum();
            int released = f.pages.client(l.core).releaseOwner(l.owner);
            if (exact) {
                assertEquals(pages, released, "pages released for owner " + l.owner);
            } else {
                assertTrue(released >= pages, "released " + released + " of " + pages);
            }
        }
        for (Ledger l : ledgers) {
            // gives cached pages back, and reclaims what refills answered after a retry left behind
            f.pages.client(l.core).flushCache();
        }
        PageAccounting acc = f.assertConserved();
        assertEquals(0, acc.heldPages(), acc.toString());
        assertEquals(0, acc.cachedPages(), acc.toString());
    }
}
