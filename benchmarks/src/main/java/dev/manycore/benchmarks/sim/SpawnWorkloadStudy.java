package dev.manycore.benchmarks.sim;

import dev.manycore.kernel.Engines;
import dev.manycore.kernel.Kernel;
import dev.manycore.kernel.KernelBuilder;
import dev.manycore.kernel.KernelReport;
import dev.manycore.kernel.Pages;
import dev.manycore.kernel.ProcessSpec;
import dev.manycore.kernel.Syscalls;
import dev.manycore.kernel.UserProcess;
import dev.manycore.numa.Topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A spawn workload on the kernel in virtual time (issue 8, "Workloads: client generators on
 * simulated cores (open loop at a rate, closed loop with think time) for ... spawns"): user
 * programs on a simulated {@code tsar(8, 8)} chip (256 cores) spawn children through the process
 * manager fleet, with 1, 2 and 4 members. Each child takes 4 pages, declares 20 µs of work, frees
 * its pages and ends.
 * <ul>
 *   <li><b>Closed loop</b>: {@value #SPAWNERS} spawner programs, each spawning one child, waiting
 *       for its end, then thinking for an exponential time of mean {@value #THINK_NANOS} ns.</li>
 *   <li><b>Open loop</b>: {@value #GENERATORS} generator programs spawning at Poisson arrival
 *       times (a spawn that falls behind its arrival time is made at once, so the rate holds while
 *       the fleet keeps up), without waiting for the children until the end of the window.</li>
 * </ul>
 * For each run it prints the spawns per virtual second, the latency of the spawn call and of a
 * child's whole life (spawn to end, closed loop) at p50, p99 and max, and the host time the run
 * took. Everything is deterministic: the same seeds give the same figures (the trace hash is
 * printed).
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.manycore.benchmarks.sim.SpawnWorkloadStudy}.
 */
public final class SpawnWorkloadStudy {

    static final int SPAWNERS = 64;
    static final long THINK_NANOS = 20_000;
    static final long WINDOW_NANOS = 10_000_000;
    static final int GENERATORS = 8;
    static final double[] OPEN_RATES_PER_SECOND = {100_000, 400_000};
    static final Topology CHIP = Topology.tsar(8, 8);

    private SpawnWorkloadStudy() {
    }

    /** One run's figures, all times in virtual nanoseconds except {@code hostMillis}. */
    record Result(String mode, int managers, int spawns, long virtualNanos, long[] spawnCall, long[] life,
                  long hostMillis, long traceHash, int alive, long pagesAllocated) {

        double spawnsPerVirtualSecond() {
            return spawns * 1e9 / virtualNanos;
        }
    }

    /**
     * @param args unused
     * @throws Exception if a run fails
     */
    public static void main(String[] args) throws Exception {
        System.out.printf(Locale.ROOT, "# spawn workload in virtual time on %s; JDK %s%n",
                CHIP.describe().lines().findFirst().orElse(""), Runtime.version());
        System.out.println("| mode | managers | spawns | spawns per virtual s | spawn call p50 / p99 / max µs"
                + " | life p50 / p99 µs | host ms | processes alive after | pages held after | trace hash |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (int managers : new int[] {1, 2, 4}) {
            print(closedLoop(managers));
            for (double rate : OPEN_RATES_PER_SECOND) {
                print(openLoop(managers, rate));
            }
        }
    }

    private static void print(Result r) {
        System.out.printf(Locale.ROOT, "| %s | %d | %d | %.0f | %.1f / %.1f / %.1f | %s | %d | %d | %d | %016x |%n",
                r.mode(), r.managers(), r.spawns(), r.spawnsPerVirtualSecond(),
                micros(percentile(r.spawnCall(), 0.50)), micros(percentile(r.spawnCall(), 0.99)),
                micros(percentile(r.spawnCall(), 1.0)),
                r.life().length == 0 ? "-" : String.format(Locale.ROOT, "%.1f / %.1f",
                        micros(percentile(r.life(), 0.50)), micros(percentile(r.life(), 0.99))),
                r.hostMillis(), r.alive(), r.pagesAllocated(), r.traceHash());
    }

    private static Kernel boot(int managers) {
        return KernelBuilder.create().topology(CHIP).engine(Engines.simulated(11)).seed(11)
                .processManagers(managers).maxProcesses(256).start();
    }

    private static ProcessSpec child() {
        return ProcessSpec.of("child", ctx -> {
            Syscalls sys = ctx.syscalls();
            Pages pages = sys.allocPages(4);
            sys.compute(Duration.ofNanos(20_000));
            sys.freePages(pages);
        });
    }

    /** What one load program does, given its seeded random source and where to put its samples. */
    @FunctionalInterface
    interface LoadProgram {
        void run(Syscalls sys, SplittableRandom random, ConcurrentLinkedQueue<long[]> samples) throws Exception;
    }

    /** Closed loop: each spawner spawns a child, waits for its end, thinks, again. */
    static Result closedLoop(int managers) throws Exception {
        return run("closed", managers, "spawner", SPAWNERS, 1000, (sys, random, samples) -> {
            long end = sys.now() + WINDOW_NANOS;
            while (sys.now() < end) {
                long t0 = sys.now();
                UserProcess c = sys.spawn(child());
                long placed = sys.now();
                c.waitFor(Duration.ofSeconds(1));
                samples.add(new long[] {placed - t0, sys.now() - t0});
                sys.sleep(Duration.ofNanos(exponential(random, THINK_NANOS)));
            }
        });
    }

    /** Open loop: generators spawn at Poisson arrival times, without waiting, then wait for all. */
    static Result openLoop(int managers, double ratePerSecond) throws Exception {
        long mean = (long) (1e9 * GENERATORS / ratePerSecond);
        return run("open " + (long) ratePerSecond + "/s", managers, "generator", GENERATORS, 2000,
                (sys, random, samples) -> {
                    long start = sys.now();
                    long arrival = start + exponential(random, mean);
                    List<UserProcess> children = new ArrayList<>();
                    while (arrival < start + WINDOW_NANOS) {
                        long now = sys.now();
                        if (arrival > now) {
                            sys.sleep(Duration.ofNanos(arrival - now));
                        }
                        long t0 = sys.now();
                        children.add(sys.spawn(child()));
                        samples.add(new long[] {sys.now() - t0, -1});
                        arrival += exponential(random, mean);
                    }
                    for (UserProcess c : children) {
                        c.waitFor(Duration.ofSeconds(1));
                    }
                });
    }

    /** Boots a kernel, runs {@code count} load programs (seeds {@code seed0 + i}) and waits for them. */
    private static Result run(String mode, int managers, String name, int count, long seed0, LoadProgram load)
            throws Exception {
        ConcurrentLinkedQueue<long[]> samples = new ConcurrentLinkedQueue<>();
        long host = System.nanoTime();
        try (Kernel kernel = boot(managers)) {
            List<UserProcess> programs = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                long seed = seed0 + i;
                programs.add(kernel.spawn(ProcessSpec.of(name + "-" + i,
                        ctx -> load.run(ctx.syscalls(), new SplittableRandom(seed), samples))));
            }
            for (UserProcess p : programs) {
                check(p.waitFor(Duration.ofSeconds(10)), p);
            }
            return result(mode, managers, kernel, samples, System.nanoTime() - host);
        }
    }

    private static void check(int code, UserProcess p) {
        if (code != 0) {
            throw new IllegalStateException(p.name() + " ended with code " + code + ": " + p.exitStatus());
        }
    }

    private static Result result(String mode, int managers, Kernel kernel, ConcurrentLinkedQueue<long[]> samples,
                                 long hostNanos) {
        KernelReport report = kernel.report();
        long[] call = samples.stream().mapToLong(s -> s[0]).sorted().toArray();
        long[] life = samples.stream().filter(s -> s[1] >= 0).mapToLong(s -> s[1]).sorted().toArray();
        return new Result(mode, managers, call.length, WINDOW_NANOS, call, life, hostNanos / 1_000_000,
                report.engine().traceHash(), report.processesAlive(), report.pagesAllocated());
    }

    static long exponential(SplittableRandom random, long mean) {
        return Math.max(1, (long) (-Math.log(1 - random.nextDouble()) * mean));
    }

    static long percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static double micros(long nanos) {
        return nanos / 1000.0;
    }
}
