package dev.manycore.benchmarks.pages;

import dev.manycore.fleets.pages.AllocationPriority;
import dev.manycore.fleets.pages.BuddyAllocator;
import dev.manycore.fleets.pages.PageBank;
import dev.manycore.fleets.pages.PageRun;
import dev.manycore.numa.ClusterId;
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

import java.util.ArrayDeque;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One bank, one thread: the cost of an alloc+free pair of order {@code order} in the buddy allocator
 * and in the page bank (owners, watermarks, a {@link PageRun} per allocation), against the naive
 * design as a baseline in the same run: an {@link ArrayDeque} of boxed frame numbers, one deque of
 * fixed-size blocks per order, no splitting, no merging, no owners.
 *
 * <p>Each operation frees the oldest of a window of {@value #WINDOW} held runs and allocates a new
 * one, so the allocator works in a steady state (512 runs held: 3 % of the 16384-frame bank at
 * order 0, a quarter at order 3) and splits and merges as it goes, rather than handing the same
 * block back and forth. The window is
 * pre-filled in a shuffled order so that the free lists are not sorted.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class PageBankBenchmark {

    static final int WINDOW = 512;
    static final int FRAMES = Topology.DEFAULT_PAGES_PER_CLUSTER;

    /** One bank of each kind and its window of held runs. */
    @State(Scope.Thread)
    public static class Bank {
        /** The order of every run: 0 (single pages) or 3 (8 pages). */
        @Param({"0", "3"})
        public int order;

        BuddyAllocator buddy;
        int[] buddyHeld;
        PageBank bank;
        PageRun[] bankHeld;
        int[] bankFrames;
        ArrayDeque<Integer> deque;
        int[] dequeHeld;
        int next;

        @Setup
        public void setUp() {
            ClusterId cluster = new ClusterId(0);
            SplittableRandom random = new SplittableRandom(17);
            int window = WINDOW;
            buddy = new BuddyAllocator(FRAMES);
            bank = new PageBank(cluster, FRAMES, Topology.DEFAULT_PAGE_SIZE, false);
            deque = new ArrayDeque<>();
            for (int f = 0; f < FRAMES; f += 1 << order) {
                deque.add(f);
            }
            // fragment the free lists: take twice the window, give half back in random order
            int[] b = new int[2 * window];
            PageRun[] r = new PageRun[2 * window];
            for (int i = 0; i < b.length; i++) {
                b[i] = buddy.allocate(order);
                r[i] = bank.allocate(order, 1, AllocationPriority.ORDINARY, false);
            }
            for (int i = b.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = b[i];
                b[i] = b[j];
                b[j] = t;
                PageRun u = r[i];
                r[i] = r[j];
                r[j] = u;
            }
            buddyHeld = new int[WINDOW];
            bankHeld = new PageRun[WINDOW];
            dequeHeld = new int[WINDOW];
            for (int i = 0; i < b.length; i++) {
                if (i < window) {
                    buddy.free(b[i], order);
                    bank.free(r[i], 1);
                } else {
                    buddyHeld[i - window] = b[i];
                    bankHeld[i - window] = r[i];
                    dequeHeld[i - window] = deque.poll();
                }
            }
            bankFrames = new int[WINDOW];
            for (int i = 0; i < WINDOW; i++) {
                bankFrames[i] = bankHeld[i].firstFrame();
            }
        }

        int slot() {
            int s = next;
            next = (s + 1) & (WINDOW - 1);
            return s;
        }
    }

    /** Ours: the buddy allocator alone (int-array free lists, split and merge). */
    @Benchmark
    public int buddyAllocator(Bank s) {
        int i = s.slot();
        s.buddy.free(s.buddyHeld[i], s.order);
        int f = s.buddy.allocate(s.order);
        s.buddyHeld[i] = f;
        return f;
    }

    /** Ours: the page bank (buddy, owner check and record, watermark, one PageRun per allocation). */
    @Benchmark
    public PageRun pageBank(Bank s) {
        int i = s.slot();
        s.bank.free(s.bankHeld[i], 1);
        PageRun run = s.bank.allocate(s.order, 1, AllocationPriority.ORDINARY, false);
        s.bankHeld[i] = run;
        return run;
    }

    /** Ours: the page bank through its frame API (same checks, no record per allocation). */
    @Benchmark
    public int pageBankFrames(Bank s) {
        int i = s.slot();
        s.bank.free(s.bankFrames[i], s.order, 1);
        int f = s.bank.allocateFrame(s.order, 1, AllocationPriority.ORDINARY, false);
        s.bankFrames[i] = f;
        return f;
    }

    /** Baseline: the naive free list, an ArrayDeque of boxed frame numbers of one block size. */
    @Benchmark
    public int arrayDequeBaseline(Bank s) {
        int i = s.slot();
        s.deque.addLast(s.dequeHeld[i]);
        int f = s.deque.pollFirst();
        s.dequeHeld[i] = f;
        return f;
    }
}
