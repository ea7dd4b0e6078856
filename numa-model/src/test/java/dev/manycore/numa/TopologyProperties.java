package dev.manycore.numa;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopologyProperties {

    @Provide
    Arbitrary<Topology> meshes() {
        return Combinators.combine(Arbitraries.integers().between(1, 12), Arbitraries.integers().between(1, 12),
                Arbitraries.integers().between(1, 6), Arbitraries.integers().between(0, 1 << 20))
                .as((x, y, cores, deadSeed) -> {
                    Topology.MeshBuilder b = Topology.mesh(x, y).coresPerCluster(cores);
                    int positions = x * y;
                    if (positions > 1) {
                        // kill up to a quarter of the clusters, never all of them
                        int kills = deadSeed % (positions / 4 + 1);
                        int[] dead = new int[kills];
                        for (int i = 0; i < kills; i++) {
                            dead[i] = (deadSeed / (i + 1) + i * 7) % positions;
                        }
                        b.without(dead);
                    }
                    return b.build();
                });
    }

    @Provide
    Arbitrary<Topology> matrices() {
        return Arbitraries.integers().between(1, 9).flatMap(n ->
                Arbitraries.integers().between(11, 60).array(int[].class).ofSize(n * n).map(values -> {
                    int[][] d = new int[n][n];
                    for (int i = 0; i < n; i++) {
                        d[i][i] = 10;
                        for (int j = i + 1; j < n; j++) {
                            d[i][j] = values[i * n + j];
                            d[j][i] = values[i * n + j];
                        }
                    }
                    return Topology.fromDistanceMatrix(d, 1 + n % 3, 64);
                }));
    }

    @Property(tries = 200)
    void meshDistanceIsSymmetricZeroOnDiagonalAndTriangular(@ForAll("meshes") Topology t) {
        int n = t.clusterCount();
        for (int a = 0; a < n; a++) {
            ClusterId ca = t.cluster(a);
            assertEquals(0, t.distance(ca, ca));
            for (int b = 0; b < n; b++) {
                ClusterId cb = t.cluster(b);
                int ab = t.distance(ca, cb);
                assertEquals(ab, t.distance(cb, ca));
                if (a != b) {
                    assertTrue(ab > 0);
                }
                for (int c = 0; c < n; c += Math.max(1, n / 7)) {
                    ClusterId cc = t.cluster(c);
                    assertTrue(ab <= t.distance(ca, cc) + t.distance(cc, cb), "triangle inequality");
                }
                assertTrue(ab <= t.diameter());
            }
        }
    }

    @Property(tries = 200)
    void matrixDistanceIsSymmetricAndZeroOnlyOnDiagonal(@ForAll("matrices") Topology t) {
        for (ClusterId a : t.clusters()) {
            for (ClusterId b : t.clusters()) {
                assertEquals(t.distance(a, b), t.distance(b, a));
                assertEquals(a.equals(b), t.distance(a, b) == 0);
                assertTrue(t.distance(a, b) <= t.diameter());
            }
        }
    }

    @Property(tries = 200)
    void everyCoreIsInExactlyOneClusterAndLookupsAgree(@ForAll("meshes") Topology t) {
        assertEveryCoreInOneCluster(t);
    }

    @Property(tries = 100)
    void everyCoreIsInExactlyOneNodeAndLookupsAgree(@ForAll("matrices") Topology t) {
        assertEveryCoreInOneCluster(t);
    }

    private static void assertEveryCoreInOneCluster(Topology t) {
        Set<CoreId> seen = new HashSet<>();
        for (ClusterId c : t.clusters()) {
            for (CoreId core : t.coresOf(c)) {
                assertTrue(seen.add(core), core + " is in two clusters");
                assertEquals(c, t.clusterOf(core));
            }
        }
        assertEquals(t.coreCount(), seen.size());
    }

    @Property(tries = 100)
    void meshPositionsAndClusterAtAreInverse(@ForAll("meshes") Topology t) {
        int live = 0;
        for (int y = 0; y < t.meshHeight(); y++) {
            for (int x = 0; x < t.meshWidth(); x++) {
                int fx = x;
                int fy = y;
                if (t.clusterAt(x, y).isPresent()) {
                    live++;
                    ClusterId c = t.clusterAt(x, y).get();
                    assertEquals(new MeshPosition(fx, fy), t.position(c));
                }
            }
        }
        assertEquals(t.clusterCount(), live);
    }
}
