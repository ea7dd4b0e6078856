package dev.manycore.dqdt.internal;

import dev.manycore.dqdt.DqdtShape;
import dev.manycore.dqdt.Indicators;
import dev.manycore.dqdt.RandomTopologies;
import dev.manycore.dqdt.SearchPolicy;
import dev.manycore.numa.Topology;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The specialised thread-placement search answers what the generic depth-first ring search
 * answers, in a quiescent tree, for every saturation limit, origin and radius: the generic search
 * runs with the same policy seen only through {@link SearchPolicy} (filter on every ancestor,
 * filter and sort key per child, leaf select), the path every policy had before the
 * specialisation.
 */
class NearestCoreSearchProperties {

    /** A random mesh (some dead clusters, 1 to 4 cores) or the Opteron matrix. */
    @Provide
    Arbitrary<Topology> topologies() {
        return RandomTopologies.meshesAndOpteron(false);
    }

    /**
     * Random starts and exits up to {@code maxLoad} threads per core, with coarse quanta (divisor
     * 1: every inner level quantised, so filters see rounded counts and first branches dead-end),
     * the default, or exact propagation; with or without a flush (both are quiescent states).
     */
    @Property(tries = 150)
    void specialisedSearchEqualsTheGenericDepthFirstSearch(@ForAll("topologies") Topology t,
                                                          @ForAll @IntRange(min = 0, max = 3) int divisorChoice,
                                                          @ForAll long seed,
                                                          @ForAll @IntRange(min = 1, max = 18) int maxLoad,
                                                          @ForAll boolean flush) {
        TreeArrays tree = TreeBuilder.build(t);
        int divisor = new int[] {Integer.MAX_VALUE, 1, 4, 64}[divisorChoice];
        IndicatorCells cells = new IndicatorCells(tree, DqdtShape.of(t), divisor, 512);
        SplittableRandom random = new SplittableRandom(seed);
        long[] load = new long[t.coreCount()];
        int events = random.nextInt(8 * t.coreCount() * maxLoad + 1);
        for (int i = 0; i < events; i++) {
            int core = random.nextInt(t.coreCount());
            // Mostly starts, so that loads fill up to the limit and the upper passes get exercised.
            if (random.nextInt(4) > 0 && load[core] < maxLoad) {
                cells.addThread(core, 1);
                load[core]++;
            } else if (load[core] > 0) {
                cells.addThread(core, -1);
                load[core]--;
            }
        }
        if (flush) {
            cells.flush();
        }
        NearestCoreSearch fast = new NearestCoreSearch(tree, cells);
        for (int limit = 1; limit <= Indicators.SATURATION_LEVELS; limit++) {
            LoadPolicy policy = new LoadPolicy(tree, cells, limit, 0, false);
            SearchPolicy generic = new Generic(policy);
            for (int n = 0; n < 24; n++) {
                int origin = random.nextInt(t.clusterCount());
                for (int radius = 0; radius < tree.levelCount(); radius++) {
                    assertEquals(RingSearch.search(tree, cells, origin, radius, generic), fast.search(origin, radius, policy),
                            "limit " + limit + ", origin " + origin + ", radius " + radius);
                }
            }
        }
    }

    /** The policy without its {@link RingSearch.ChildKey} shortcut: the generic search's path. */
    private record Generic(LoadPolicy policy) implements SearchPolicy {
        @Override
        public boolean admits(Indicators view, int node) {
            return policy.admits(view, node);
        }

        @Override
        public long sortKey(Indicators view, int node, int hops) {
            return policy.sortKey(view, node, hops);
        }

        @Override
        public int select(Indicators view, int leaf) {
            return policy.select(view, leaf);
        }
    }
}
