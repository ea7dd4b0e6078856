package dev.manycore.benchmarks.dqdt;

import dev.manycore.dqdt.Dqdt;
import dev.manycore.dqdt.DqdtShape;
import dev.manycore.dqdt.Indicators;
import dev.manycore.dqdt.SearchPolicy;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.MeshPosition;
import dev.manycore.numa.Topology;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Decision latency of the DQDT on 256, 1024 and 4096 clusters (16 x 16, 32 x 32, 64 x 64 meshes of
 * 4-core clusters) against a brute-force linear scan of every cluster, in the same run.
 *
 * <p>The machine is busy: every core holds one thread, except one idle core in one cluster of
 * sixteen (chosen at random), so a thread placement from a random origin climbs a ring or two
 * before it finds an idle core, and a memory request from a random origin finds its own bank
 * drained in three clusters of four.
 *
 * <h2>The pairs, and why each is fair</h2>
 * <ul>
 *   <li>{@link #placeThread} against {@link #scanPlaceThread}: the whole job. Both choose a core of
 *       the least load in the machine, in the nearest ring (the level of the lowest common ancestor
 *       in the 2 x 2 block hierarchy) that has one, among those clusters the fewest threads then the
 *       fewest hops; inside the cluster the least-loaded core. Both then <em>reserve</em> it the
 *       way a concurrent placer must (a getAndAdd on the core's count whose result is verified, the
 *       cluster's summary kept in step) and report the thread's exit, so the state is the same at
 *       every call. A scan that did not reserve would not be doing the same job: a burst of
 *       placers would all pile onto its answer.</li>
 *   <li>{@link #threadDecisionOnly} against {@link #scanForThread}: the choice of the cluster only,
 *       nothing charged, on either side.</li>
 *   <li>{@link #findMemory} against {@link #scanForMemory}: nothing is reserved on either side.</li>
 * </ul>
 * The scan is given every advantage a brute force can fairly have: per-cluster summaries (the
 * least load of a core and the thread count, as primitive arrays kept exact by its own charge and
 * release, the counterpart of our exact leaves), mesh coordinates and rings computed with bit
 * arithmetic from a precomputed packed position (no {@code ClusterId} objects, no topology calls in
 * the loop), a rejection of most clusters on one {@code int} compare, and a charge of only two
 * getAndAdds and a plain store where ours climbs the tree. {@link #setUp} checks, for every origin
 * used, that the scan and the DQDT agree on the load and the ring of the core they choose, so the
 * two sides provably do the same job; {@link #checkNoDrift} checks after every iteration that both
 * sides released everything they charged, so every op starts from the same state.
 *
 * <h2>Noise</h2>
 * The 4096-cluster scan runs for microseconds and shows the machine's load the most (+-83 % in one
 * fork of five iterations): the defaults are two forks of eight iterations. On a shared machine
 * quote {@link DqdtDecisionStudy}, which alternates the two sides of the placement pair in
 * millisecond batches and reports the median of the per-pair ratios.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 8, time = 1)
@Fork(2)
public class DqdtDecisionBenchmark {

    private static final int ORIGINS = 1024;
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    /** Mesh side: 16 (256 clusters), 32 (1024), 64 (4096). */
    @Param({"16", "32", "64"})
    public int side;

    private Topology topology;
    private Dqdt dqdt;
    private ClusterId[] origins;
    private int[] originIndex;
    private int next;

    // The scan's view, kept exact by its own charge and release: per core its threads; per cluster
    // its threads, the least load of its cores, its mesh position (x << 16 | y); and the watermark.
    private long[] coreLoad;
    private int[] firstCore;
    private int[] clusterOfCore;
    private long[] threads;
    private int[] minLoad;
    private int[] position;
    private long[] freePages;
    private long[] watermark;
    private int clusters;
    private int maxRadius;

    @Setup
    public void setUp() {
        topology = Topology.mesh(side, side).coresPerCluster(4).build();
        dqdt = Dqdt.of(topology);
        clusters = topology.clusterCount();
        coreLoad = new long[topology.coreCount()];
        firstCore = new int[clusters + 1];
        clusterOfCore = new int[topology.coreCount()];
        threads = new long[clusters];
        minLoad = new int[clusters];
        position = new int[clusters];
        freePages = new long[clusters];
        watermark = new long[clusters];
        SplittableRandom random = new SplittableRandom(42);
        for (int c = 0; c < clusters; c++) {
            ClusterId id = topology.cluster(c);
            MeshPosition p = topology.position(id);
            position[c] = p.x() << 16 | p.y();
            firstCore[c] = topology.coresOf(id).getFirst().index();
            firstCore[c + 1] = firstCore[c] + topology.coresOf(id).size();
            boolean hole = random.nextInt(16) == 0;
            for (CoreId core : topology.coresOf(id)) {
                clusterOfCore[core.index()] = c;
                if (!(hole && core.equals(topology.coresOf(id).getFirst()))) {
                    dqdt.threadStarted(core);
                    coreLoad[core.index()]++;
                    threads[c]++;
                }
            }
            minLoad[c] = hole ? 0 : 1;
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
        originIndex = new int[ORIGINS];
        for (int i = 0; i < ORIGINS; i++) {
            originIndex[i] = random.nextInt(clusters);
            origins[i] = topology.cluster(originIndex[i]);
        }
        checkSameJob();
        next = 0;
    }

    /** Both sides choose, from every origin, a core of the same load in the same ring. */
    private void checkSameJob() {
        DqdtShape shape = dqdt.shape();
        for (int i = 0; i < ORIGINS; i++) {
            int from = originIndex[i];
            CoreId ours = dqdt.placeThread(origins[i]).orElseThrow();
            dqdt.threadExited(ours);
            int theirs = bestCore(scan(from));
            int oursCluster = topology.clusterOf(ours).index();
            int scanCluster = topology.clusterOf(topology.core(theirs)).index();
            if (coreLoad[ours.index()] != coreLoad[theirs] || ring(shape, from, oursCluster) != ring(shape, from, scanCluster)
                    || ring(shape, from, scanCluster) != ring(position[from], position[scanCluster])) {
                throw new IllegalStateException("scan and DQDT disagree from cluster " + from + ": " + ours + " vs core " + theirs);
            }
            int memory = dqdt.findMemory(origins[i], 10, 1024).orElseThrow().index();
            next = (i - 1) & (ORIGINS - 1);
            int scanned = scanForMemory();
            if (ring(shape, from, memory) != ring(shape, from, scanned)) {
                throw new IllegalStateException("scan and DQDT disagree on memory from cluster " + from + ": " + memory + " vs " + scanned);
            }
        }
    }

    /**
     * Every op released what it charged: the DQDT's per-core counts equal the scan's, and the scan's
     * per-cluster summaries equal its per-core counts.
     */
    @TearDown(Level.Iteration)
    public void checkNoDrift() {
        for (int c = 0; c < clusters; c++) {
            long sum = 0;
            for (int k = firstCore[c]; k < firstCore[c + 1]; k++) {
                long ours = dqdt.threads(topology.core(k));
                if (ours != coreLoad[k]) {
                    throw new IllegalStateException("core " + k + " drifted: DQDT " + ours + ", scan " + coreLoad[k]);
                }
                sum += coreLoad[k];
            }
            if (sum != threads[c] || minLoad[c] != leastLoad(c)) {
                throw new IllegalStateException("the scan's summary of cluster " + c + " drifted");
            }
        }
    }

    private static int ring(DqdtShape shape, int from, int leaf) {
        int level = 0;
        while (shape.ancestor(from, level) != shape.ancestor(leaf, level)) {
            level++;
        }
        return level;
    }

    private ClusterId origin() {
        next = (next + 1) & (ORIGINS - 1);
        return origins[next];
    }

    private int originIndex() {
        next = (next + 1) & (ORIGINS - 1);
        return originIndex[next];
    }

    /** Our path: expanding-ring search, reservation on the chosen core, then the thread's exit. */
    @Benchmark
    public CoreId placeThread() {
        CoreId core = dqdt.placeThread(origin()).orElseThrow();
        dqdt.threadExited(core);
        return core;
    }

    /**
     * Baseline for {@link #placeThread}: the scan, the least-loaded core of the cluster it found, a
     * verified reservation (roll back and scan again if another placer took the core first), then
     * the thread's exit.
     */
    @Benchmark
    public int scanPlaceThread() {
        int from = originIndex();
        int core;
        do {
            core = bestCore(scan(from));
        } while (!reserve(core, coreLoad[core]));
        release(core);
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

    /** Baseline for {@link #threadDecisionOnly}: the scan's choice of a cluster, nothing charged. */
    @Benchmark
    public int scanForThread() {
        return scan(originIndex());
    }

    /**
     * Every cluster once: the least load of a core first, then the nearest ring, then the fewest
     * threads, then the fewest hops, then the lowest index. One int compare rejects a cluster whose
     * cores are all busier than the best so far.
     */
    private int scan(int from) {
        int fromPosition = position[from];
        int best = -1;
        int bestLoad = Integer.MAX_VALUE;
        long bestKey = Long.MAX_VALUE;
        for (int c = 0; c < clusters; c++) {
            int load = minLoad[c];
            if (load > bestLoad) {
                continue;
            }
            int p = position[c];
            long key = (long) ring(fromPosition, p) << 56 | threads[c] << 16 | hops(fromPosition, p);
            if (load < bestLoad || key < bestKey) {
                bestLoad = load;
                bestKey = key;
                best = c;
            }
        }
        return best;
    }

    /** The level of the lowest common 2^k x 2^k block of two mesh positions. */
    private static int ring(int a, int b) {
        int d = a ^ b;
        return 32 - Integer.numberOfLeadingZeros((d >>> 16) | (d & 0xFFFF));
    }

    private static int hops(int a, int b) {
        return Math.abs((a >>> 16) - (b >>> 16)) + Math.abs((a & 0xFFFF) - (b & 0xFFFF));
    }

    private int bestCore(int cluster) {
        int best = firstCore[cluster];
        for (int k = best + 1; k < firstCore[cluster + 1]; k++) {
            if (coreLoad[k] < coreLoad[best]) {
                best = k;
            }
        }
        return best;
    }

    /** Charges the core; false (and rolled back) if another placer charged it since the scan saw it. */
    private boolean reserve(int core, long seen) {
        int c = clusterOfCore[core];
        long before = (long) LONGS.getAndAdd(coreLoad, core, 1L);
        if (before > seen) {
            LONGS.getAndAdd(coreLoad, core, -1L);
            return false;
        }
        LONGS.getAndAdd(threads, c, 1L);
        minLoad[c] = (int) leastLoad(c);
        return true;
    }

    private void release(int core) {
        int c = clusterOfCore[core];
        LONGS.getAndAdd(coreLoad, core, -1L);
        LONGS.getAndAdd(threads, c, -1L);
        minLoad[c] = (int) leastLoad(c);
    }

    private long leastLoad(int cluster) {
        return coreLoad[bestCore(cluster)];
    }

    /** Our path: the nearest cluster with an order-10 block above its watermark. */
    @Benchmark
    public ClusterId findMemory() {
        return dqdt.findMemory(origin(), 10, 1024).orElseThrow();
    }

    /**
     * Baseline for {@link #findMemory}: every cluster once for the nearest eligible one, in ring
     * order then hops (free pages stand in for blocks: every bank that has pages has an order-10
     * block here).
     */
    @Benchmark
    public int scanForMemory() {
        int fromPosition = position[originIndex()];
        int best = -1;
        long bestKey = Long.MAX_VALUE;
        for (int c = 0; c < clusters; c++) {
            if (freePages[c] - 1024 < watermark[c]) {
                continue;
            }
            int p = position[c];
            long key = (long) ring(fromPosition, p) << 32 | hops(fromPosition, p);
            if (key < bestKey) {
                bestKey = key;
                best = c;
            }
        }
        return best;
    }
}
