package dev.manycore.benchmarks.pages;

import dev.manycore.fleets.pages.PageRun;
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

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The two lock-based baselines of the page allocator fleet under many threads (run with
 * {@code -t 1}, {@code -t 2}, ... {@code -t 16}): each thread frees the oldest of a window of
 * {@value #WINDOW} order-0 pages and allocates one, through its own handle, homed in its own cluster
 * of a 4 x 4 mesh. The aggregate rate is the figure the fleet must beat (issue 6: 4 times the best
 * baseline at 16 threads). Anchors (reference/anchors.md, 16-core Xeon): a global-lock free list
 * 39.5 M ops/s with 1 thread, 25-27 M with 4 to 16; per-thread caches of 32 under one lock 213 M
 * with 1 thread, 170-205 M with 2 to 16.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class BaselinePageAllocatorBenchmark {

    static final int WINDOW = 64;

    /** The shared machine and both allocators. */
    @State(Scope.Benchmark)
    public static class Machine {
        /** Pages per refill or flush of the per-thread caches (Linux per-CPU lists: 31 to 63). */
        @Param({"32"})
        public int batch;

        Topology topology;
        GlobalLockPageAllocator globalLock;
        BatchedCachePageAllocator batched;
        final AtomicInteger threads = new AtomicInteger();

        @Setup(Level.Trial)
        public void setUp() {
            topology = Topology.mesh(4, 4).coresPerCluster(4).build();
            globalLock = new GlobalLockPageAllocator(topology);
            batched = new BatchedCachePageAllocator(topology, batch);
        }
    }

    /** One thread's handles and windows of held pages. */
    @State(Scope.Thread)
    public static class Worker {
        BaselinePageAllocator.Handle globalLock;
        BaselinePageAllocator.Handle batched;
        PageRun[] globalHeld = new PageRun[WINDOW];
        PageRun[] batchedHeld = new PageRun[WINDOW];
        int next;

        @Setup(Level.Trial)
        public void setUp(Machine m) {
            int index = m.threads.getAndIncrement();
            globalLock = m.globalLock.handle(m.topology.cluster(index % m.topology.clusterCount()), index);
            batched = m.batched.handle(m.topology.cluster(index % m.topology.clusterCount()), index);
            for (int i = 0; i < WINDOW; i++) {
                globalHeld[i] = globalLock.allocate(0);
                batchedHeld[i] = batched.allocate(0);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            for (int i = 0; i < WINDOW; i++) {
                globalLock.free(globalHeld[i]);
                batched.free(batchedHeld[i]);
            }
            batched.close();
        }

        int slot() {
            int s = next;
            next = (s + 1) & (WINDOW - 1);
            return s;
        }
    }

    /** Baseline 1: every bank behind one ReentrantLock. */
    @Benchmark
    public PageRun globalLock(Worker w) {
        int i = w.slot();
        w.globalLock.free(w.globalHeld[i]);
        PageRun run = w.globalLock.allocate(0);
        w.globalHeld[i] = run;
        return run;
    }

    /** Baseline 2: per-thread caches refilled and flushed in batches under one lock (Linux). */
    @Benchmark
    public PageRun batchedCache(Worker w) {
        int i = w.slot();
        w.batched.free(w.batchedHeld[i]);
        PageRun run = w.batched.allocate(0);
        w.batchedHeld[i] = run;
        return run;
    }
}
