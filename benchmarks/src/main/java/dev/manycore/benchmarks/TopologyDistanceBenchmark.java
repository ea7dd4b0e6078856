package dev.manycore.benchmarks;

import dev.manycore.numa.ClusterId;
import dev.manycore.numa.Topology;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@link Topology#distance} is on every DQDT sort and every cost-model charge. On a mesh it is
 * computed from coordinates (memory linear in clusters); the baseline is the n-squared hop table
 * a naive design would precompute, looked up for the same random pairs in the same run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TopologyDistanceBenchmark {

    private static final int PAIRS = 1024;

    /** Mesh side in clusters: 16 is TSAR (256 clusters), 64 the largest mesh (4096 clusters). */
    @Param({"16", "64"})
    public int side;

    private Topology topology;
    private ClusterId[] from;
    private ClusterId[] to;
    private int[] hopTable;
    private int clusters;

    @Setup
    public void setUp() {
        topology = Topology.mesh(side, side).coresPerCluster(4).build();
        clusters = topology.clusterCount();
        hopTable = new int[clusters * clusters];
        for (int a = 0; a < clusters; a++) {
            for (int b = 0; b < clusters; b++) {
                hopTable[a * clusters + b] = topology.distance(topology.cluster(a), topology.cluster(b));
            }
        }
        SplittableRandom random = new SplittableRandom(42);
        from = new ClusterId[PAIRS];
        to = new ClusterId[PAIRS];
        for (int i = 0; i < PAIRS; i++) {
            from[i] = topology.cluster(random.nextInt(clusters));
            to[i] = topology.cluster(random.nextInt(clusters));
        }
    }

    /** Our path: validated ids, hops from mesh coordinates. */
    @Benchmark
    @OperationsPerInvocation(PAIRS)
    public int topologyDistance() {
        int sum = 0;
        for (int i = 0; i < PAIRS; i++) {
            sum += topology.distance(from[i], to[i]);
        }
        return sum;
    }

    /** Baseline: an unchecked lookup in a precomputed n-squared table. */
    @Benchmark
    @OperationsPerInvocation(PAIRS)
    public int precomputedTable() {
        int sum = 0;
        for (int i = 0; i < PAIRS; i++) {
            sum += hopTable[from[i].index() * clusters + to[i].index()];
        }
        return sum;
    }
}
