package dev.manycore.benchmarks.pages;

import dev.manycore.dqdt.Dqdt;
import dev.manycore.fleets.pages.PageAllocator;
import dev.manycore.fleets.pages.PageAllocatorClient;
import dev.manycore.fleets.pages.PagePolicy;
import dev.manycore.fleets.pages.PageRun;
import dev.manycore.fleets.pool.DPoolScheme;
import dev.manycore.messaging.ThreadedEngine;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CoreId;
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
 * The page allocator fleet against the lock-based baselines, in the same run (issue 6; fos report
 * 4.7.2 Figure 5; fos paper 2.2): each thread frees the oldest of a window of {@value #WINDOW}
 * order-0 pages and allocates one, homed in its own cluster of a 4 x 4 mesh (run with {@code -t 1},
 * {@code -t 2}, ...; one op = one free plus one allocation). Variants ({@code variant} parameter):
 * <ul>
 *   <li>{@code global-lock}, {@code batched-cache}: the baselines of {@link BaselinePageAllocatorBenchmark};</li>
 *   <li>{@code locality-cache-mN}: the fleet, locality policy, client caches of {@value #BATCH}, N members;</li>
 *   <li>{@code locality-nocache-mN}: the same without client caches (every op is a request to a member);</li>
 *   <li>{@code dpool-SCHEME-m4}: the dPool policy with each scheme, 4 members, no client cache.</li>
 * </ul>
 * The fleet's engine runs {@value #WORKERS} worker threads for the members and the client gateways;
 * on a host with few CPUs they share them with the benchmark threads, so read the figures as ratios
 * against the baselines measured beside them.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class PageAllocatorBenchmark {

    static final int WINDOW = 64;
    static final int BATCH = 32;
    static final int WORKERS = 2;

    /** What each thread holds on to: allocate and free through one allocator. */
    interface Handle {
        PageRun allocate();

        void free(PageRun run);

        void close();
    }

    /** The allocator under test, shared by the threads. */
    @State(Scope.Benchmark)
    public static class Machine {
        /** Which allocator: see the class comment. */
        @Param({"global-lock", "batched-cache",
                "locality-cache-m1", "locality-cache-m2", "locality-cache-m4", "locality-cache-m8",
                "locality-nocache-m1", "locality-nocache-m2", "locality-nocache-m4", "locality-nocache-m8",
                "dpool-ON_DEMAND-m4", "dpool-BULK_TRANSFER-m4", "dpool-BACKGROUND_PULL-m4",
                "dpool-BACKGROUND_PUSH-m4", "dpool-PUSH_WITH_ESTIMATION-m4"})
        public String variant;

        Topology topology;
        GlobalLockPageAllocator globalLock;
        BatchedCachePageAllocator batched;
        ThreadedEngine engine;
        PageAllocator fleet;
        final AtomicInteger threads = new AtomicInteger();
        final java.util.Queue<Worker> workers = new java.util.concurrent.ConcurrentLinkedQueue<>();

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            topology = Topology.mesh(4, 4).coresPerCluster(4).build();
            switch (variant) {
                case "global-lock" -> globalLock = new GlobalLockPageAllocator(topology);
                case "batched-cache" -> batched = new BatchedCachePageAllocator(topology, BATCH);
                default -> startFleet();
            }
        }

        private void startFleet() throws Exception {
            String[] parts = variant.split("-");
            int members = Integer.parseInt(parts[parts.length - 1].substring(1));
            int k = topology.clusterCount() / members;
            engine = ThreadedEngine.builder(topology).workers(WORKERS).build();
            PageAllocator.Builder b = PageAllocator.builder(engine, Dqdt.of(topology)).clustersPerMember(k);
            if (parts[0].equals("dpool")) {
                b.policy(PagePolicy.dpool(DPoolScheme.valueOf(parts[1]))).clientCache(0);
            } else {
                b.clientCache(parts[1].equals("cache") ? BATCH : 0);
            }
            fleet = b.start();
            engine.start();
            fleet.ready().get(60, TimeUnit.SECONDS);
        }

        Handle handle(int index) {
            ClusterId home = topology.cluster((index * 5) % topology.clusterCount());
            if (globalLock != null) {
                return wrap(globalLock.handle(home, index));
            }
            if (batched != null) {
                return wrap(batched.handle(home, index));
            }
            CoreId core = null;
            for (CoreId c : topology.coresOf(home)) {
                if (!fleet.memberCores().contains(c)) {
                    core = c;
                    break;
                }
            }
            PageAllocatorClient client = fleet.client(core);
            long owner = index;
            return new Handle() {
                @Override
                public PageRun allocate() {
                    return client.allocate(0, owner);
                }

                @Override
                public void free(PageRun run) {
                    client.free(run, owner);
                }

                @Override
                public void close() {
                    client.flushCache();
                }
            };
        }

        private static Handle wrap(BaselinePageAllocator.Handle h) {
            return new Handle() {
                @Override
                public PageRun allocate() {
                    return h.allocate(0);
                }

                @Override
                public void free(PageRun run) {
                    h.free(run);
                }

                @Override
                public void close() {
                    h.close();
                }
            };
        }

        /** Gives every worker's pages back while the engine still runs, then stops it. */
        @TearDown(Level.Trial)
        public void tearDown() {
            for (Worker w : workers) {
                for (int i = 0; i < WINDOW; i++) {
                    w.handle.free(w.held[i]);
                }
                w.handle.close();
            }
            if (engine != null) {
                engine.shutdown();
                fleet.close();
            }
        }
    }

    /** One thread's handle and window of held pages. */
    @State(Scope.Thread)
    public static class Worker {
        Handle handle;
        final PageRun[] held = new PageRun[WINDOW];
        int next;

        @Setup(Level.Trial)
        public void setUp(Machine m) {
            handle = m.handle(m.threads.getAndIncrement());
            for (int i = 0; i < WINDOW; i++) {
                held[i] = handle.allocate();
            }
            m.workers.add(this);
        }
    }

    /** @return the page allocated; one op = free the oldest page, allocate one */
    @Benchmark
    public PageRun freeOldestAllocateOne(Worker w) {
        int i = w.next;
        w.next = (i + 1) & (WINDOW - 1);
        w.handle.free(w.held[i]);
        PageRun run = w.handle.allocate();
        w.held[i] = run;
        return run;
    }
}
