package dev.manycore.benchmarks.dqdt;

import dev.manycore.dqdt.Dqdt;
import dev.manycore.dqdt.DqdtShape;
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

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.SplittableRandom;

/**
 * Thread-event update throughput: a thread starts and exits on a random core (two events per
 * operation), on the DQDT with its default quantised propagation, on the same DQDT with every
 * quantum 1, and on the ALMOS scheme as a raw baseline: one atomic add on every node from the
 * cluster to the root, each node's counter on its own cache line. Run with {@code -t 1}, {@code -t 2}
 * (and 16 on a machine with 16 cores): the aggregate rate is what scales or not, because in the
 * ALMOS scheme every event writes the root's cache line.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DqdtUpdateBenchmark {

    private static final int CORES_PER_THREAD = 4096;
    private static final int PAD = 8;

    /** The machine shared by every benchmark thread. */
    @State(Scope.Benchmark)
    public static class Machine {
        /** Mesh side: 16 (TSAR, 1024 cores) or 64 (16384 cores). */
        @Param({"16", "64"})
        public int side;

        Topology topology;
        Dqdt quantised;
        Dqdt exact;
        AtomicLongArray almosThreads;
        int[] parent;
        final AtomicInteger seeds = new AtomicInteger();

        @Setup
        public void setUp() {
            topology = Topology.mesh(side, side).coresPerCluster(4).build();
            quantised = Dqdt.of(topology);
            exact = Dqdt.builder(topology).exactPropagation().build();
            DqdtShape shape = quantised.shape();
            parent = new int[shape.nodeCount()];
            for (int n = 0; n < parent.length; n++) {
                parent[n] = shape.parent(n);
            }
            almosThreads = new AtomicLongArray((shape.nodeCount() + 2) * PAD);
        }

        /** ALMOS: +delta with an atomic add on every node of the path to the root. */
        void almosAdd(int cluster, long delta) {
            for (int n = cluster; n >= 0; n = parent[n]) {
                almosThreads.getAndAdd((n + 1) * PAD, delta);
            }
        }
    }

    /** Each benchmark thread's own random cores. */
    @State(Scope.Thread)
    public static class Updater {
        CoreId[] cores;
        int[] clusters;
        int next;

        @Setup
        public void setUp(Machine machine) {
            SplittableRandom random = new SplittableRandom(1000 + machine.seeds.getAndIncrement());
            cores = new CoreId[CORES_PER_THREAD];
            clusters = new int[CORES_PER_THREAD];
            for (int i = 0; i < CORES_PER_THREAD; i++) {
                cores[i] = machine.topology.core(random.nextInt(machine.topology.coreCount()));
                clusters[i] = machine.topology.clusterOf(cores[i]).index();
            }
        }

        int nextIndex() {
            next = (next + 1) & (CORES_PER_THREAD - 1);
            return next;
        }
    }

    /** Ours: exact per-core counts, changes climb only past each node's quantum. */
    @Benchmark
    public void quantised(Machine m, Updater u) {
        CoreId core = u.cores[u.nextIndex()];
        m.quantised.threadStarted(core);
        m.quantised.threadExited(core);
    }

    /** Ours with every quantum 1: the ALMOS propagation through our code (per-child slots, saturation counts). */
    @Benchmark
    public void exactPropagation(Machine m, Updater u) {
        CoreId core = u.cores[u.nextIndex()];
        m.exact.threadStarted(core);
        m.exact.threadExited(core);
    }

    /** Baseline: the ALMOS scheme, raw. */
    @Benchmark
    public void almosBaseline(Machine m, Updater u) {
        int cluster = u.clusters[u.nextIndex()];
        m.almosAdd(cluster, 1);
        m.almosAdd(cluster, -1);
    }
}
