package dev.manycore.dqdt;

import dev.manycore.numa.Topology;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.util.SplittableRandom;

/** The topologies of the DQDT's property tests, shared by the public-API and internal properties. */
public final class RandomTopologies {

    private RandomTopologies() {
    }

    /**
     * @param randomPages true to give every cluster 4096 to 8191 pages (drawn from the mesh's seed),
     *                    false for the default bank size
     * @return nine times in ten a random mesh of 1 to 12 by 1 to 12 clusters of 1 to 4 cores with
     *         about one cluster in eight dead (never cluster 0), else the Opteron distance matrix
     */
    public static Arbitrary<Topology> meshesAndOpteron(boolean randomPages) {
        Arbitrary<Topology> meshes = Combinators.combine(
                Arbitraries.integers().between(1, 12), Arbitraries.integers().between(1, 12),
                Arbitraries.integers().between(1, 4), Arbitraries.longs()).as((w, h, cores, seed) -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    Topology.MeshBuilder b = Topology.mesh(w, h).coresPerCluster(cores);
                    if (randomPages) {
                        b.pagesPerCluster(4096 + random.nextInt(4096));
                    }
                    for (int i = 0; i < w * h; i++) {
                        if (i != 0 && random.nextInt(8) == 0) {
                            b.without(i);
                        }
                    }
                    return b.build();
                });
        return Arbitraries.frequencyOf(Tuple.of(9, meshes), Tuple.of(1, Arbitraries.just(Topology.opteron64())));
    }
}
