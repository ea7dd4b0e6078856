package dev.manycore.examples;

import dev.manycore.fleets.processes.Letter;
import dev.manycore.fleets.processes.MailboxRef;
import dev.manycore.fleets.processes.UserPlacement;
import dev.manycore.kernel.Kernel;
import dev.manycore.kernel.KernelBuilder;
import dev.manycore.kernel.KernelReport;
import dev.manycore.kernel.Pages;
import dev.manycore.kernel.ProcessContext;
import dev.manycore.kernel.ProcessSpec;
import dev.manycore.kernel.Syscalls;
import dev.manycore.kernel.UserProcess;
import dev.manycore.kernel.UserThread;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Jacobi relaxation, one of the programs fos ported (fos report 4.6), as a user process of the
 * kernel: a square plate, hot along its top edge, relaxed to its steady temperature. The plate is
 * cut into horizontal strips, one thread per strip; each thread takes the pages of its strip with
 * {@code allocPages} and, every iteration, sends its edge rows to the threads above and below
 * through their mailboxes (halo exchange) and relaxes its strip.
 *
 * <p>The program runs twice on the same 8 x 8 TSAR-like chip: once with the DQDT placing the
 * threads (near their parent, so neighbouring strips sit on nearby cores) and once with a
 * locality-blind round robin that scatters them over the chip. Both runs compute the same plate; the
 * report shows the share of pages each thread got in its own cluster (the page allocator's locality
 * policy keeps it high in both) and the hop-bytes of the messages sent during the sweeps (the halo
 * letters), which the placement decides.
 *
 * <p>Run with {@code ./mvnw -q -pl examples -am package -DskipTests -Dtour -Dtour.main=dev.manycore.examples.ParallelJacobi}.
 */
public final class ParallelJacobi {

    /** Plate side, in cells. */
    static final int SIDE = 64;
    /** Strips, one thread each. */
    static final int STRIPS = 16;
    /** The bytes of a page (the TSAR preset's). */
    static final int PAGE_SIZE = 4096;
    /** Relaxation sweeps. */
    static final int ITERATIONS = 200;

    /** The edge row a strip sends to a neighbour: which sweep, which side of the receiver, the values. */
    public record Halo(int iteration, boolean fromAbove, List<Double> row) {
        /** Copies the row. */
        public Halo {
            row = List.copyOf(row);
        }
    }

    /**
     * What one run measured.
     *
     * @param placement    how threads were placed
     * @param mean         the plate's mean temperature after the last sweep
     * @param localShare   share of the strips' pages in their thread's cluster
     * @param haloHopBytes hop-bytes of the messages sent during the sweeps (the halo letters)
     * @param meanHops     mean hops between the cores of neighbouring strips
     */
    record Outcome(UserPlacement placement, double mean, double localShare, long haloHopBytes, double meanHops) {
    }

    private ParallelJacobi() {
    }

    /**
     * @param args ignored
     * @throws Exception if a run fails or times out
     */
    public static void main(String[] args) throws Exception {
        System.out.println("Jacobi relaxation of a " + SIDE + " x " + SIDE + " plate, " + STRIPS + " strips (one thread"
                + " each), " + ITERATIONS + " sweeps, on an 8 x 8 TSAR-like chip (256 cores)");
        Outcome dqdt = run(UserPlacement.DQDT);
        Outcome blind = run(UserPlacement.ROUND_ROBIN);
        for (Outcome o : List.of(dqdt, blind)) {
            System.out.printf(Locale.ROOT, "%-12s mean temperature %.6f  local page share %.3f  mean hops between"
                    + " neighbouring strips %.2f  halo hop-bytes %d%n", o.placement(), o.mean(), o.localShare(),
                    o.meanHops(), o.haloHopBytes());
        }
        System.out.printf(Locale.ROOT, "The same plate both times (%s). The page allocator kept each strip's pages in its"
                + " thread's cluster in both runs; the placement decided how far the halos travelled: the"
                + " locality-blind run moved %.1f times the hop-bytes of the DQDT's.%n", dqdt.mean() == blind.mean(),
                (double) blind.haloHopBytes() / Math.max(1, dqdt.haloHopBytes()));
    }

    /**
     * Boots a kernel with the given placement, runs the program, and measures it.
     *
     * @param placement DQDT or the locality-blind round robin
     * @return what it measured
     * @throws Exception if the run fails or times out
     */
    static Outcome run(UserPlacement placement) throws Exception {
        Topology chip = Topology.tsar(8, 8);
        try (Kernel kernel = KernelBuilder.create().topology(chip).placement(placement).start()) {
            Phases phases = new Phases();
            double[] mean = new double[1];
            List<CoreId> cores = new ArrayList<>();
            UserProcess p = kernel.spawn(ProcessSpec.of("jacobi", ctx -> mean[0] = relax(ctx, cores, phases)));
            phases.ready.await();
            long before = kernel.report().hopBytes();
            phases.go.countDown();
            phases.swept.await();
            KernelReport during = kernel.report();
            long halo = during.hopBytes() - before;
            phases.finish.countDown();
            int code = p.waitFor(Duration.ofMinutes(2));
            if (code != 0) {
                throw new IllegalStateException("jacobi ended with exit code " + code);
            }
            double hops = 0;
            for (int s = 0; s + 1 < cores.size(); s++) {
                hops += chip.distance(chip.clusterOf(cores.get(s)), chip.clusterOf(cores.get(s + 1)));
            }
            return new Outcome(placement, mean[0], during.localPageRatio(), halo, hops / Math.max(1, cores.size() - 1));
        }
    }

    /** The run's phases: strips ready (pages and mailboxes), sweeps may start, sweeps done, strips may end. */
    private static final class Phases {
        final CountDownLatch ready = new CountDownLatch(STRIPS);
        final CountDownLatch go = new CountDownLatch(1);
        final CountDownLatch swept = new CountDownLatch(STRIPS);
        final CountDownLatch finish = new CountDownLatch(1);
    }

    /** The main thread: starts one thread per strip, waits for them, returns the mean temperature. */
    private static double relax(ProcessContext ctx, List<CoreId> cores, Phases phases) throws InterruptedException {
        double[][] plate = new double[SIDE][SIDE];
        AtomicReferenceArray<MailboxRef> boxes = new AtomicReferenceArray<>(STRIPS);
        List<UserThread> threads = new ArrayList<>();
        for (int s = 0; s < STRIPS; s++) {
            int strip = s;
            threads.add(ctx.startThread(() -> strip(ctx, strip, plate, boxes, phases)));
        }
        synchronized (cores) {
            for (UserThread t : threads) {
                cores.add(t.core());
            }
        }
        for (UserThread t : threads) {
            t.join();
        }
        double sum = 0;
        for (double[] row : plate) {
            for (double v : row) {
                sum += v;
            }
        }
        return sum / (SIDE * SIDE);
    }

    /** One strip's thread: its pages, its mailbox, then halo exchange and relaxation every sweep. */
    private static void strip(ProcessContext ctx, int strip, double[][] plate, AtomicReferenceArray<MailboxRef> boxes,
                              Phases phases) {
        Syscalls sys = ctx.syscalls();
        int rows = SIDE / STRIPS;
        int first = strip * rows;
        int bytes = rows * SIDE * Double.BYTES;
        int pageSize = PAGE_SIZE;
        Pages pages = sys.allocPages(Math.max(1, (bytes + pageSize - 1) / pageSize));
        boxes.set(strip, sys.openMailbox());
        phases.ready.countDown();
        try {
            phases.go.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        MailboxRef mine = boxes.get(strip);
        double[][] cur = new double[rows + 2][SIDE];
        double[][] next = new double[rows + 2][SIDE];
        if (strip == 0) {
            java.util.Arrays.fill(cur[0], 1.0);
            java.util.Arrays.fill(next[0], 1.0);
        }
        Map<Integer, List<Halo>> early = new HashMap<>();
        for (int it = 0; it < ITERATIONS; it++) {
            if (strip > 0) {
                sys.send(boxes.get(strip - 1), new Halo(it, false, row(cur[1])));
            }
            if (strip < STRIPS - 1) {
                sys.send(boxes.get(strip + 1), new Halo(it, true, row(cur[rows])));
            }
            int expected = (strip > 0 ? 1 : 0) + (strip < STRIPS - 1 ? 1 : 0);
            List<Halo> got = early.getOrDefault(it, new ArrayList<>());
            early.remove(it);
            while (got.size() < expected) {
                Letter l = sys.receive(mine, Duration.ofSeconds(30)).orElseThrow(
                        () -> new IllegalStateException("strip " + strip + ": no halo in 30 s"));
                Halo h = (Halo) l.body();
                if (h.iteration() == it) {
                    got.add(h);
                } else {
                    early.computeIfAbsent(h.iteration(), k -> new ArrayList<>()).add(h);
                }
            }
            for (Halo h : got) {
                double[] target = h.fromAbove() ? cur[0] : cur[rows + 1];
                for (int x = 0; x < SIDE; x++) {
                    target[x] = h.row().get(x);
                }
            }
            for (int y = 1; y <= rows; y++) {
                for (int x = 1; x < SIDE - 1; x++) {
                    next[y][x] = 0.25 * (cur[y - 1][x] + cur[y + 1][x] + cur[y][x - 1] + cur[y][x + 1]);
                }
            }
            double[][] t = cur;
            cur = next;
            next = t;
            if (strip == 0) {
                java.util.Arrays.fill(cur[0], 1.0);
            }
        }
        for (int y = 1; y <= rows; y++) {
            System.arraycopy(cur[y], 0, plate[first + y - 1], 0, SIDE);
        }
        phases.swept.countDown();
        try {
            phases.finish.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sys.freePages(pages);
    }

    private static List<Double> row(double[] values) {
        List<Double> out = new ArrayList<>(values.length);
        for (double v : values) {
            out.add(v);
        }
        return out;
    }
}
