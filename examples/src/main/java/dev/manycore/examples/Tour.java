package dev.manycore.examples;

import dev.manycore.dqdt.Dqdt;
import dev.manycore.fleets.processes.Letter;
import dev.manycore.fleets.processes.MailboxRef;
import dev.manycore.kernel.Engines;
import dev.manycore.kernel.Kernel;
import dev.manycore.kernel.KernelBuilder;
import dev.manycore.kernel.KernelReport;
import dev.manycore.kernel.Pages;
import dev.manycore.kernel.ProcessContext;
import dev.manycore.kernel.ProcessSpec;
import dev.manycore.kernel.Syscalls;
import dev.manycore.kernel.UserProcess;
import dev.manycore.kernel.UserThread;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.CostModel;
import dev.manycore.numa.MeshPosition;
import dev.manycore.numa.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The tour that the README runs first. It shows, in order: what a 1024-core TSAR-like chip looks
 * like to manycore and what a message between its clusters costs; how the DQDT places threads and
 * finds memory near their origin; a kernel booted on that chip (the name, page-allocator and
 * process-manager fleets on their own cores, fos's space sharing); a parallel program whose threads
 * and pages the kernel places with the DQDT; the kernel's report; and the same program on the
 * simulated engine, twice with one seed, in virtual time with an identical trace. It runs in a few
 * seconds.
 */
public final class Tour {

    /** Threads of the parallel program. */
    static final int WORKERS = 24;
    /** Numbers each worker thread tests for primality. */
    static final int SLICE = 20_000;
    /** Pages each worker thread takes. */
    static final int PAGES_PER_WORKER = 8;
    /** The seed of the tour's simulated runs. */
    static final long TOUR_SEED = 7;

    /** What a worker thread sends its process's main thread: where it ran and what it computed. */
    public record Partial(int worker, CoreId core, ClusterId pagesIn, long primes) {
    }

    private Tour() {
    }

    /**
     * @param args ignored
     * @throws Exception if the kernel part fails or times out
     */
    public static void main(String[] args) throws Exception {
        Topology chip = Topology.tsar();
        machine(chip);
        decisions(chip);
        kernel(chip);
        virtualTime(chip);
    }

    private static void machine(Topology chip) {
        System.out.println("== 1. the machine ==");
        System.out.print(chip.describe());
        CostModel cost = CostModel.tsar();
        ClusterId corner = chip.clusterAt(0, 0).orElseThrow();
        System.out.println();
        System.out.println("From " + corner + " at " + chip.position(corner) + ", a 64-byte message costs:");
        for (int[] xy : new int[][] {{0, 0}, {1, 0}, {1, 1}, {4, 3}, {8, 8}, {15, 15}}) {
            ClusterId to = chip.clusterAt(xy[0], xy[1]).orElseThrow();
            System.out.printf("  to %-11s at %-8s %2d hops  %4d ns  %7.1f pJ%n", to, new MeshPosition(xy[0], xy[1]),
                    chip.distance(corner, to), cost.messageLatency(corner, to, 64), cost.messageEnergy(corner, to, 64));
        }
        System.out.println();
        System.out.println("A socket machine for comparison:");
        System.out.print(Topology.opteron64().describe());
        System.out.println();
        System.out.println("This host:");
        System.out.print(Topology.host().describe());
    }

    private static void decisions(Topology chip) {
        System.out.println();
        System.out.println("== 2. the DQDT decides where threads run and where memory comes from ==");
        Dqdt dqdt = Dqdt.of(chip);
        System.out.println(dqdt.shape().levelCount() + " levels over " + chip.clusterCount() + " clusters");
        ClusterId origin = chip.clusterAt(5, 5).orElseThrow();
        System.out.println("Placing 20 threads started from " + origin + " at " + chip.position(origin)
                + " (4 cores per cluster):");
        StringBuilder where = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            CoreId core = dqdt.placeThread(origin).orElseThrow();
            ClusterId c = chip.clusterOf(core);
            where.append(String.format("  thread %2d -> %-8s in %-10s at %-8s %d hops%n", i, core, c, chip.position(c),
                    chip.distance(origin, c)));
        }
        System.out.print(where);
        System.out.println("Nearest clusters fill first, ring by ring: the first 16 threads stay in the 2 x 2 block of "
                + origin + ".");
        Optional<ClusterId> memory = dqdt.findMemory(origin, 4, 16);
        System.out.println("Memory for 16 pages in one order-4 block, near " + origin + ": " + memory.map(
                m -> m + " at " + chip.position(m) + ", " + chip.distance(origin, m) + " hops").orElse("none"));
        System.out.println("Processes spread over the chip (seeded ties): " + Arrays.toString(new Object[] {
            dqdt.placeProcess().map(chip::clusterOf).orElseThrow(), dqdt.placeProcess().map(chip::clusterOf).orElseThrow(),
            dqdt.placeProcess().map(chip::clusterOf).orElseThrow(), dqdt.placeProcess().map(chip::clusterOf).orElseThrow()}));
    }

    private static void kernel(Topology chip) throws Exception {
        System.out.println();
        System.out.println("== 3. a kernel on that chip: OS services as fleets of servers on their own cores ==");
        long boot = System.nanoTime();
        try (Kernel kernel = KernelBuilder.create().topology(chip).start()) {
            System.out.printf(Locale.ROOT, "booted in %d ms on the threaded engine (2 host threads run all %d cores)%n",
                    (System.nanoTime() - boot) / 1_000_000, chip.coreCount());
            for (Map.Entry<String, List<CoreId>> fleet : kernel.fleetLayout().entrySet()) {
                List<CoreId> cores = fleet.getValue();
                System.out.printf(Locale.ROOT, "  %-10s %3d members, first on %s%n", fleet.getKey(), cores.size(),
                        cores.subList(0, Math.min(4, cores.size())));
            }
            System.out.println("Where they sit (N names, P pages, M processes; x right, y down). User threads never"
                    + " run on these " + kernel.fleetCores().size() + " cores:");
            System.out.print(kernel.report().fleetMap());

            System.out.println();
            System.out.println("== 4. a parallel program: threads and pages placed by the DQDT ==");
            UserProcess primes = kernel.spawn(ProcessSpec.of("primes", ctx -> countPrimes(ctx, chip, true)).withInitialPages(4));
            int code = primes.waitFor(Duration.ofSeconds(60));
            System.out.println("process " + primes.pid() + " exited with code " + code);

            System.out.println();
            System.out.println("== 5. the kernel's report ==");
            KernelReport report = kernel.report();
            System.out.print(report.text());
            System.out.println("Reading it: every page a thread took came from its own cluster's bank when the local"
                    + " share is 1.000; messages are counted by hops (0 = inside one cluster); hop-bytes and the"
                    + " energy estimate are what locality saves; the syscall latencies are round trips from user"
                    + " threads to the fleets, measured on this host.");
        }
    }

    /**
     * The same program on the simulated engine: one host thread plays every core in virtual time,
     * messages cost what the cost model says, and a seed fixes the run, so two runs with one seed
     * end at the same virtual time with the same trace hash.
     */
    private static void virtualTime(Topology chip) throws Exception {
        System.out.println();
        System.out.println("== 6. the same program in virtual time: the simulated engine ==");
        KernelReport.EngineState first = null;
        for (int run = 1; run <= 2; run++) {
            boolean print = run == 1;
            try (Kernel kernel = KernelBuilder.create().topology(chip).engine(Engines.simulated(TOUR_SEED)).start()) {
                UserProcess primes = kernel.spawn(ProcessSpec.of("primes", ctx -> countPrimes(ctx, chip, print))
                        .withInitialPages(4));
                int code = primes.waitFor(Duration.ofSeconds(60));
                KernelReport.EngineState engine = kernel.report().engine();
                System.out.printf(Locale.ROOT, "run %d, seed %d: exit code %d at %.3f ms of virtual time, trace hash %016x%n",
                        run, engine.seed(), code, engine.virtualNanos() / 1e6, engine.traceHash());
                if (first == null) {
                    first = engine;
                } else {
                    System.out.println(first.equals(engine)
                            ? "Same seed, same run: equal virtual time and trace hash (boot, placement, every message)."
                                    + " Host computation takes no virtual time unless a thread declares it with"
                                    + " Syscalls.compute: the time above is boot, spawns, page calls and messages."
                            : "The two runs differ: the simulation is not deterministic here");
                }
            }
        }
    }

    /**
     * The program: the main thread starts worker threads (the DQDT places each near its parent), each
     * takes its own pages and counts the primes of its slice, and sends the result to the main
     * thread's mailbox; the main thread prints where they ran when {@code print} is set.
     */
    private static void countPrimes(ProcessContext ctx, Topology chip, boolean print) throws Exception {
        Syscalls sys = ctx.syscalls();
        CoreId home = ctx.core();
        MailboxRef inbox = sys.mailbox();
        List<UserThread> threads = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            int worker = w;
            threads.add(ctx.startThread(() -> {
                Pages pages = ctx.syscalls().allocPages(PAGES_PER_WORKER);
                long found = 0;
                for (int n = worker * SLICE; n < (worker + 1) * SLICE; n++) {
                    found += isPrime(n) ? 1 : 0;
                }
                ctx.syscalls().send(inbox, new Partial(worker, ctx.core(), pages.cluster(), found));
                ctx.syscalls().freePages(pages);
            }));
        }
        long total = 0;
        Map<Integer, Partial> partials = new TreeMap<>();
        for (int w = 0; w < WORKERS; w++) {
            Letter letter = sys.receive(Duration.ofSeconds(30)).orElseThrow(
                    () -> new IllegalStateException("a worker did not report within 30 s"));
            Partial p = (Partial) letter.body();
            partials.put(p.worker(), p);
            total += p.primes();
        }
        for (UserThread t : threads) {
            t.join();
        }
        if (print) {
            report(chip, home, partials, total);
        }
    }

    private static void report(Topology chip, CoreId home, Map<Integer, Partial> partials, long total) {
        ClusterId origin = chip.clusterOf(home);
        System.out.println("main thread on " + home + " in " + origin + " at " + chip.position(origin)
                + " (the DQDT chose an idle area for the process)");
        int local = 0;
        int maxHops = 0;
        StringBuilder line = new StringBuilder();
        for (Partial p : partials.values()) {
            ClusterId c = chip.clusterOf(p.core());
            int hops = chip.distance(origin, c);
            maxHops = Math.max(maxHops, hops);
            local += p.pagesIn().equals(c) ? 1 : 0;
            line.append(String.format(Locale.ROOT, "  worker %2d on %-8s %d hops from main, pages in %s%n",
                    p.worker(), p.core(), hops, p.pagesIn().equals(c) ? "its own cluster" : p.pagesIn()));
        }
        System.out.print(line);
        System.out.printf(Locale.ROOT, "%d workers within %d hops of their parent; %d of %d took their pages in their own"
                + " cluster; %d primes below %d%n", partials.size(), maxHops, local, partials.size(), total,
                WORKERS * SLICE);
    }

    private static boolean isPrime(int n) {
        if (n < 2) {
            return false;
        }
        for (int d = 2; (long) d * d <= n; d++) {
            if (n % d == 0) {
                return false;
            }
        }
        return true;
    }
}
