package dev.manycore.dqdt;

import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.Optional;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Invariants of the DQDT over random topologies and random event histories: sums after a flush,
 * and decisions against brute force in a quiescent tree.
 */
class DqdtProperties {

    /** A random mesh (some dead clusters, 1 to 4 cores) or the Opteron matrix. */
    @Provide
    Arbitrary<Topology> topologies() {
        return RandomTopologies.meshesAndOpteron(true);
    }

    /** Coarse divisors make every inner level quantised; exact propagation is the ALMOS case. */
    private static Dqdt dqdt(Topology t, int divisor) {
        Dqdt.Builder b = Dqdt.builder(t);
        if (divisor == 0) {
            b.exactPropagation();
        } else {
            b.countDivisor(divisor).pageDivisor(divisor);
        }
        return b.build();
    }

    /** Random starts, exits, migrations and buddy changes; returns nothing, the tree holds the result. */
    private static void randomHistory(Dqdt dqdt, long seed, int events, int maxLoad) {
        Topology t = dqdt.topology();
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < events; i++) {
            CoreId core = t.core(random.nextInt(t.coreCount()));
            ClusterId cluster = t.cluster(random.nextInt(t.clusterCount()));
            switch (random.nextInt(6)) {
                case 0, 1 -> {
                    if (dqdt.threads(core) < maxLoad) {
                        dqdt.threadStarted(core);
                    }
                }
                case 2 -> {
                    if (dqdt.threads(core) > 0) {
                        dqdt.threadExited(core);
                    }
                }
                case 3 -> {
                    CoreId to = t.core(random.nextInt(t.coreCount()));
                    if (dqdt.threads(core) > 0 && dqdt.threads(to) < maxLoad) {
                        dqdt.threadMigrated(core, to);
                    }
                }
                case 4 -> {
                    int order = random.nextInt(11);
                    if (dqdt.freeBlocks(cluster, order) > 0) {
                        dqdt.pagesAllocated(cluster, order);
                    } else {
                        dqdt.pagesFreed(cluster, order);
                    }
                }
                default -> {
                    // A buddy split: one block of order o + 1 becomes two of order o.
                    int order = random.nextInt(10);
                    if (dqdt.freeBlocks(cluster, order + 1) > 0) {
                        dqdt.freeBlocksChanged(cluster, order + 1, -1);
                        dqdt.freeBlocksChanged(cluster, order, 2);
                    }
                }
            }
        }
    }

    @Property(tries = 60)
    void afterFlushEveryNodeEqualsTheSumOfItsLeaves(@ForAll("topologies") Topology t,
                                                    @ForAll @IntRange(min = 0, max = 3) int divisorChoice,
                                                    @ForAll long seed) {
        Dqdt dqdt = dqdt(t, new int[] {0, 1, 4, 64}[divisorChoice]);
        randomHistory(dqdt, seed, 3000, 40);
        dqdt.flush();
        Indicators v = dqdt.indicators();
        DqdtShape shape = dqdt.shape();
        for (int node = 0; node < shape.nodeCount(); node++) {
            long threads = 0;
            long pages = 0;
            long[] atLeast = new long[Indicators.SATURATION_LEVELS + 1];
            long[] blocks = new long[Indicators.MAX_ORDER + 1];
            for (int leaf = 0; leaf < shape.nodesAt(0); leaf++) {
                if (shape.ancestor(leaf, shape.level(node)) != node) {
                    continue;
                }
                ClusterId c = shape.cluster(leaf);
                for (CoreId core : t.coresOf(c)) {
                    long load = dqdt.threads(core);
                    threads += load;
                    for (int j = 1; j <= Indicators.SATURATION_LEVELS; j++) {
                        atLeast[j] += load >= j ? 1 : 0;
                    }
                }
                pages += dqdt.freePages(c);
                for (int o = 0; o <= Indicators.MAX_ORDER; o++) {
                    blocks[o] += dqdt.freeBlocks(c, o);
                }
            }
            assertEquals(threads, v.threads(node), "threads of node " + node);
            assertEquals(threads, v.freshThreads(node), "fresh threads of node " + node);
            assertEquals(pages, v.freePages(node), "free pages of node " + node);
            for (int j = 1; j <= Indicators.SATURATION_LEVELS; j++) {
                assertEquals(atLeast[j], v.coresWithAtLeast(node, j), "cores with " + j + " threads, node " + node);
            }
            for (int o = 0; o <= Indicators.MAX_ORDER; o++) {
                assertEquals(blocks[o], v.freeBlocks(node, o), "blocks of order " + o + ", node " + node);
            }
        }
    }

    /**
     * In a quiescent, flushed tree, the thread decision is what a brute-force scan gives: a core of
     * the least load within the radius, in the nearest ring that has one, and the least-loaded
     * core of its cluster.
     */
    @Property(tries = 200)
    void quiescentThreadDecisionEqualsBruteForceInRingOrder(@ForAll("topologies") Topology t,
                                                            @ForAll @IntRange(min = 0, max = 3) int divisorChoice,
                                                            @ForAll long seed,
                                                            @ForAll @IntRange(min = 0, max = 1000) int originChoice,
                                                            @ForAll @IntRange(min = 0, max = 10) int radiusChoice) {
        Dqdt dqdt = dqdt(t, new int[] {0, 1, 4, 64}[divisorChoice]);
        randomHistory(dqdt, seed, 400, Indicators.SATURATION_LEVELS - 1);
        dqdt.flush();
        DqdtShape shape = dqdt.shape();
        int origin = originChoice % t.clusterCount();
        int radius = radiusChoice % shape.levelCount();
        int top = shape.ancestor(origin, radius);

        long min = Long.MAX_VALUE;
        int bestRing = Integer.MAX_VALUE;
        for (int leaf = 0; leaf < shape.nodesAt(0); leaf++) {
            if (shape.ancestor(leaf, radius) != top) {
                continue;
            }
            for (CoreId core : t.coresOf(shape.cluster(leaf))) {
                long load = dqdt.threads(core);
                int ring = ring(shape, origin, leaf);
                if (load < min || (load == min && ring < bestRing)) {
                    min = load;
                    bestRing = ring;
                }
            }
        }

        long[] before = new long[t.coreCount()];
        for (int k = 0; k < before.length; k++) {
            before[k] = dqdt.threads(t.core(k));
        }
        CoreId chosen = dqdt.placeThread(t.cluster(origin), radius).orElseThrow();
        ClusterId cluster = t.clusterOf(chosen);
        assertEquals(min, before[chosen.index()], "the chosen core holds the least load in the radius");
        assertEquals(bestRing, ring(shape, origin, cluster.index()), "in the nearest ring that has such a core");
        for (CoreId other : t.coresOf(cluster)) {
            assertTrue(before[other.index()] >= before[chosen.index()], "the least-loaded core of its cluster");
        }
        assertEquals(before[chosen.index()] + 1, dqdt.threads(chosen), "and it is charged with the thread");
    }

    /** The memory decision against brute force: an eligible cluster of the nearest ring that has one. */
    @Property(tries = 200)
    void quiescentMemoryDecisionEqualsBruteForceInRingOrder(@ForAll("topologies") Topology t,
                                                            @ForAll @IntRange(min = 0, max = 3) int divisorChoice,
                                                            @ForAll long seed,
                                                            @ForAll @IntRange(min = 0, max = 1000) int originChoice,
                                                            @ForAll @IntRange(min = 0, max = 10) int radiusChoice,
                                                            @ForAll @IntRange(min = 0, max = 10) int order,
                                                            @ForAll @IntRange(min = 1, max = 2048) int pages) {
        Dqdt dqdt = dqdt(t, new int[] {0, 1, 4, 64}[divisorChoice]);
        // Drain most banks so that few clusters remain eligible.
        SplittableRandom random = new SplittableRandom(seed);
        for (ClusterId c : t.clusters()) {
            if (random.nextInt(4) > 0) {
                for (int o = 0; o <= Indicators.MAX_ORDER; o++) {
                    int keep = random.nextInt(2);
                    while (dqdt.freeBlocks(c, o) > keep) {
                        dqdt.pagesAllocated(c, o);
                    }
                }
            }
        }
        if (divisorChoice == 3) {
            dqdt.flush();
        }
        DqdtShape shape = dqdt.shape();
        int origin = originChoice % t.clusterCount();
        int radius = radiusChoice % shape.levelCount();
        int top = shape.ancestor(origin, radius);
        int bestRing = Integer.MAX_VALUE;
        for (int leaf = 0; leaf < shape.nodesAt(0); leaf++) {
            ClusterId c = shape.cluster(leaf);
            if (shape.ancestor(leaf, radius) == top && eligible(dqdt, c, order, pages)) {
                bestRing = Math.min(bestRing, ring(shape, origin, leaf));
            }
        }
        Optional<ClusterId> found = dqdt.findMemory(t.cluster(origin), order, pages, radius);
        if (bestRing == Integer.MAX_VALUE) {
            assertTrue(found.isEmpty(), "no eligible cluster within the radius");
        } else {
            ClusterId c = found.orElseThrow();
            assertTrue(eligible(dqdt, c, order, pages));
            assertEquals(bestRing, ring(shape, origin, c.index()));
        }
    }

    private static boolean eligible(Dqdt dqdt, ClusterId c, int order, int pages) {
        boolean block = false;
        for (int o = order; o <= Indicators.MAX_ORDER; o++) {
            block |= dqdt.freeBlocks(c, o) > 0;
        }
        return block && dqdt.freePages(c) - pages >= dqdt.watermark(c);
    }

    /** The ring of a leaf seen from the origin: the level of their lowest common ancestor. */
    static int ring(DqdtShape shape, int origin, int leaf) {
        int level = 0;
        while (shape.ancestor(origin, level) != shape.ancestor(leaf, level)) {
            level++;
        }
        return level;
    }
}
