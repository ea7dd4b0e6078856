package dev.manycore.benchmarks.dqdt;

import dev.manycore.dqdt.Dqdt;
import dev.manycore.dqdt.Indicators;
import dev.manycore.dqdt.SearchPolicy;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Decision latency of the DQDT on 256, 1024 and 4096 clusters (16 x 16, 32 x 32, 64 x 64 meshes of
 * 4-core clusters) against a brute-force linear scan of every cluster, in the same run.
 *
 * <p>The machine is busy: every core holds one thread, except one idle core in one cluster of
 * sixteen (chosen at random), so a thread placement from a random origin climbs a ring or two
 * before it finds an idle core, and a memory request from a random origin finds its own bank
 * drained in three clusters of four. Each measured placement charges the chosen core and then
 * reports the thread's exit, so the state is the same at every call; the scan gets plain arrays
 * kept in step for free, the most favourable setting for it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DqdtDecisionBenchmark {

    private static final int ORIGINS = 1024;

    /** Mesh side: 16 (256 clusters), 32 (1024), 64 (4096). */
    @Param({"16", "32", "64"})
    public int side;

    private Topology topology;
    private Dqdt dqdt;
    private ClusterId[] origins;
    private int next;

    // The scan's view: per-cluster idle cores and free pages, and the watermark.
    private int[] idleCores;
    private long[] threads;
    private long[] freePages;
    private long[] watermark;
    private int clusters;
    private int maxRadius;

    @Setup
    public void setUp() {
        topology = Topology.mesh(side, side).coresPerCluster(4).build();
        dqdt = Dqdt.of(topology);
        clusters = topology.clusterCount();
        idleCores = new int[clusters];
        threads = new long[clusters];
        freePages = new long[clusters];
        watermark = new long[clusters];
        SplittableRandom random = new SplittableRandom(42);
        for (int c = 0; c < clusters; c++) {
            ClusterId id = topology.cluster(c);
            boolean hole = random.nextInt(16) == 0;
            for (CoreId core : topology.coresOf(id)) {
                if (!(hole && core.equals(topology.coresOf(id).getFirst()))) {
                    dqdt.threadStarted(core);
                    threads[c]++;
                }
            }
            idleCores[c] = hole ? 1 : 0;
            if (random.nextInt(4) > 0) {
                for (int i = 0; i < 16; i++) {
                    dqdt.pagesAllocated(id, 10);
                }
            }
            freePages[c] = dqdt.freePages(id);
            watermark[c] = dqdt.watermark(id);
        }
        dqdt.flush();
        maxRadius = dqdt.maxRadius();
        origins = new ClusterId[ORIGINS];
        for (int i = 0; i < ORIGINS; i++) {
            origins[i] = topology.cluster(random.nextInt(clusters));
        }
    }

    private ClusterId origin() {
        next = (next + 1) & (ORIGINS - 1);
        return origins[next];
    }

    /** Our path: expanding-ring search, reservation on the chosen core, then the thread's exit. */
    @Benchmark
    public CoreId placeThread() {
        CoreId core = dqdt.placeThread(origin()).orElseThrow();
        dqdt.threadExited(core);
        return core;
    }

    /**
     * The decision alone, without the charge and the exit: the ring search with a user policy equal
     * to the default's first pass (a subtree with an idle core; fewest threads, then nearest; the
     * cluster with an idle core).
     */
    @Benchmark
    public int threadDecisionOnly() {
        return dqdt.search(origin(), maxRadius, IDLE_CORE).orElseThrow();
    }

    private static final SearchPolicy IDLE_CORE = new SearchPolicy() {
        @Override
        public boolean admits(Indicators v, int node) {
            return v.busyCores(node) < v.shape().coreCount(node);
        }

        @Override
        public long sortKey(Indicators v, int node, int hops) {
            return v.threads(node) * 1024 / v.shape().coreCount(node) << 16 | hops;
        }

        @Override
        public int select(Indicators v, int leaf) {
            return v.busyCores(leaf) < v.shape().coreCount(leaf) ? leaf : -1;
        }
    };

    /** Baseline: scan every cluster for the nearest one with an idle core, fewest threads first. */
    @Benchmark
    public int scanForThread() {
        ClusterId from = origin();
        int best = -1;
        long bestKey = Long.MAX_VALUE;
        for (int c = 0; c < clusters; c++) {
            if (idleCores[c] == 0) {
                continue;
            }
            long key = threads[c] << 16 | topology.distance(from, topology.cluster(c));
            if (key < bestKey) {
                bestKey = key;
                best = c;
            }
        }
        return best;
    }

    /** Our path: the nearest cluster with an order-10 block above its watermark. */
    @Benchmark
    public ClusterId findMemory() {
        return dqdt.findMemory(origin(), 10, 1024).orElseThrow();
    }

    /** Baseline: scan every cluster for the nearest eligible one (free pages stand in for blocks). */
    @Benchmark
    public int scanForMemory() {
        ClusterId from = origin();
        int best = -1;
        int bestDistance = Integer.MAX_VALUE;
        for (int c = 0; c < clusters; c++) {
            if (freePages[c] - 1024 < watermark[c]) {
                continue;
            }
            int d = topology.distance(from, topology.cluster(c));
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return best;
    }
}
