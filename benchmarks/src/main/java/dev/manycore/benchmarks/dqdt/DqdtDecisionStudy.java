package dev.manycore.benchmarks.dqdt;

import java.util.Arrays;

/**
 * Issue 4's placement ratio on a shared, loaded machine: {@link DqdtDecisionBenchmark#placeThread}
 * against its baseline {@link DqdtDecisionBenchmark#scanPlaceThread} (same state, same choice, same
 * reservation and release, checked by the benchmark's own set-up), in <b>alternating short
 * batches</b> of about two milliseconds each, so both sides of every pair see the same machine load.
 * A JMH run measures one side for seconds, then the other: on a machine whose load changes in
 * seconds the two figures come from different machines, and their ratio drifts with the load (the
 * 4096-cluster scan's error bar reached +-83 % in JMH). The per-pair ratio is far steadier: its
 * median, with the quartiles, is the figure to quote; the medians of each side's ns/op are printed
 * beside it.
 *
 * <p>Each batch places and releases (the state never drifts; every op is the full job of
 * {@code placeThread}). The pair order alternates (ours first, then the scan first), so neither
 * side always runs just after the other warmed the caches.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.manycore.benchmarks.dqdt.DqdtDecisionStudy [pairs] [sides...]}
 * (default 2000 pairs, sides 16 32 64; the first quarter of the pairs warms up and is not counted).
 */
public final class DqdtDecisionStudy {

    private static final long BATCH_NANOS = 2_000_000;

    private DqdtDecisionStudy() {
    }

    /**
     * @param args number of pairs, then mesh sides
     */
    public static void main(String[] args) {
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int[] sides = args.length > 1 ? Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray()
                : new int[] {16, 32, 64};
        System.out.printf("%-8s %6s %14s %14s %12s %18s%n", "clusters", "pairs", "ours ns/op", "scan ns/op",
                "ratio", "ratio quartiles");
        long sink = 0;
        for (int side : sides) {
            DqdtDecisionBenchmark b = new DqdtDecisionBenchmark();
            b.side = side;
            b.setUp();
            // Compile both sides before sizing the batches: sized on cold code they come out tiny,
            // and a batch of a few ops measures the switch more than the op.
            for (long end = System.nanoTime() + 2 * BATCH_NANOS * 250; System.nanoTime() < end; ) {
                batch(b, true, 1000);
                batch(b, false, 100);
            }
            int oursBatch = batchSize(b, true);
            int scanBatch = batchSize(b, false);
            int warm = pairs / 4;
            double[] ours = new double[pairs - warm];
            double[] scan = new double[pairs - warm];
            double[] ratio = new double[pairs - warm];
            for (int p = 0; p < pairs; p++) {
                double o;
                double s;
                if ((p & 1) == 0) {
                    o = batch(b, true, oursBatch);
                    s = batch(b, false, scanBatch);
                } else {
                    s = batch(b, false, scanBatch);
                    o = batch(b, true, oursBatch);
                }
                if (p >= warm) {
                    ours[p - warm] = o;
                    scan[p - warm] = s;
                    ratio[p - warm] = s / o;
                }
            }
            sink += b.placeThread().index() + b.scanPlaceThread();
            Arrays.sort(ours);
            Arrays.sort(scan);
            Arrays.sort(ratio);
            System.out.printf("%-8d %6d %14.1f %14.1f %11.1fx %8.1fx - %5.1fx%n", side * side, ratio.length,
                    median(ours), median(scan), median(ratio), ratio[ratio.length / 4], ratio[ratio.length * 3 / 4]);
        }
        if (sink == 42) {
            System.out.println();
        }
    }

    private static double median(double[] sorted) {
        return sorted[sorted.length / 2];
    }

    /** Ops that take about {@link #BATCH_NANOS}, from the best of three timings of compiled code. */
    private static int batchSize(DqdtDecisionBenchmark b, boolean ours) {
        double nanosPerOp = Double.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            nanosPerOp = Math.min(nanosPerOp, batch(b, ours, ours ? 5000 : 500));
        }
        return (int) Math.max(16, BATCH_NANOS / Math.max(1, nanosPerOp));
    }

    /**
     * @return ns per op over {@code ops} ops of one side. Each side has its own loop method, so the
     *         JIT compiles (inlines, unrolls) each alone and neither side's code shapes the other's.
     */
    private static double batch(DqdtDecisionBenchmark b, boolean ours, int ops) {
        return ours ? oursBatch(b, ops) : scanBatch(b, ops);
    }

    private static double oursBatch(DqdtDecisionBenchmark b, int ops) {
        long sink = 0;
        long start = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            sink += b.placeThread().index();
        }
        long elapsed = System.nanoTime() - start;
        return (double) elapsed / ops + (sink == Long.MIN_VALUE ? 1 : 0);
    }

    private static double scanBatch(DqdtDecisionBenchmark b, int ops) {
        long sink = 0;
        long start = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            sink += b.scanPlaceThread();
        }
        long elapsed = System.nanoTime() - start;
        return (double) elapsed / ops + (sink == Long.MIN_VALUE ? 1 : 0);
    }
}
