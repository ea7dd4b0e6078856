package dev.manycore.benchmarks.sim;

import dev.manycore.dqdt.Dqdt;
import dev.manycore.fleets.names.NameFlags;
import dev.manycore.fleets.names.NameService;
import dev.manycore.fleets.names.NameServiceClient;
import dev.manycore.fleets.pages.AllocationPriority;
import dev.manycore.fleets.pages.PageAllocator;
import dev.manycore.fleets.pages.PageAllocatorClient;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.Agent;
import dev.manycore.messaging.AgentContext;
import dev.manycore.messaging.LoadGenerator;
import dev.manycore.messaging.LoadStats;
import dev.manycore.messaging.Name;
import dev.manycore.messaging.NameResolver;
import dev.manycore.messaging.SimulatedEngine;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Reproduces in simulation, on a 1024-core {@link Topology#tsar() TSAR} chip, the shapes of three
 * figures of the fos final technical report (issue 8, "Scale and speed"):
 * <ul>
 *   <li><b>Figure 1</b> (Linux memory allocation, lock contention): one shared allocator server
 *       stands for a lock; a request holds it for a critical section of {@value #CS_NANOS} ns plus
 *       {@value #PER_WAITER_NANOS} ns for every other core waiting at that moment (the lock's cache
 *       line bounces between the waiters), and each core spends {@value #LOCK_THINK_NANOS} ns
 *       outside the lock per page (the rest of the fault). 1 to 1023 cores, nearest first.</li>
 *   <li><b>Figure 5</b> (scalability of the physical memory allocation service): the
 *       {@link PageAllocator} fleet, unchanged, with 1 to 64 members, and 1 to 960 clients spread
 *       over the chip, each a closed loop of single-page allocations with an exponential think
 *       time of {@value #FLEET_THINK_NANOS} ns.</li>
 *   <li><b>Figure 4</b> (scaling of the name service fleet, read-dominated): the
 *       {@link NameService} fleet, unchanged, with 1 to 64 members, and 1 to 960 clients doing
 *       uncached lookups ({@link NameServiceClient#lookup(Name, long)}) in the same closed loop.</li>
 * </ul>
 * Every handled message costs its core {@value #SERVICE_NANOS} ns (the engine's default service
 * time), every hop the TSAR cost model's latency (400 ns fixed + 3 ns per hop + 0.25 ns per byte).
 * Throughput is the requests answered in {@value #MEASURE_NANOS} ns of virtual time after
 * {@value #WARMUP_NANOS} ns of warm-up (Figure 1: at least 2 ms, and at least two turns of the
 * whole queue of waiters for each, so that every point is a steady state). Each run is
 * deterministic (seeded).
 *
 * <p>Writes {@code fos-figure1-lock.csv}, {@code fos-figure4-names.csv},
 * {@code fos-figure5-pages.csv}, a PNG plot of each (XChart) and {@code fos-figures.md} (machine,
 * JDK, date, figures and how the shapes compare with the report's) into the output folder.
 * Run: {@code java -cp benchmarks/target/benchmarks.jar dev.manycore.benchmarks.sim.FosFiguresStudy [out-dir]}
 * (default {@code benchmarks/results}).
 */
public final class FosFiguresStudy {

    static final long CS_NANOS = 400;
    static final long PER_WAITER_NANOS = 8;
    static final long LOCK_THINK_NANOS = 1_200;
    static final long FLEET_THINK_NANOS = 1_000;
    static final long SERVICE_NANOS = 250;
    static final long WARMUP_NANOS = 100_000;
    static final long MEASURE_NANOS = 1_000_000;
    static final long LOCK_MEASURE_NANOS = 2_000_000;

    static final int[] LOCK_CORES = {1, 2, 4, 6, 8, 12, 16, 24, 32, 48, 64, 128, 256, 512, 1023};
    static final int[] PAGE_SERVERS = {1, 2, 4, 8, 16, 32, 64};
    static final int[] NAME_MEMBERS = {1, 2, 4, 8, 16, 32, 64};
    static final int[] CLIENTS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 960};

    private FosFiguresStudy() {
    }

    /** A page request to the lock model; the lock answers with the same record. @param n its number */
    public record PageRequest(long n) {
    }

    /**
     * The lock-based allocator of Figure 1 as one agent: requests wait in FIFO order; the one at
     * the head holds the lock for {@code CS + PER_WAITER * (waiters behind it)} and is answered
     * when that time has passed.
     */
    static final class LockedAllocator implements Agent {
        private record Waiting(Address sender, long correlationId, Object payload) {
        }

        private final AgentContext ctx;
        private final ArrayDeque<Waiting> queue = new ArrayDeque<>();
        private boolean holding;
        private long releaseAt;

        LockedAllocator(AgentContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public int doWork() {
            int n = ctx.receive(e -> queue.add(new Waiting(e.sender(), e.correlationId(), e.payload())), 256);
            long now = ctx.now();
            if (holding && now >= releaseAt) {
                Waiting w = queue.poll();
                ctx.send(w.sender(), w.payload(), w.correlationId());
                holding = false;
            }
            if (!holding && !queue.isEmpty()) {
                releaseAt = now + CS_NANOS + PER_WAITER_NANOS * (queue.size() - 1);
                holding = true;
            }
            if (holding) {
                ctx.wakeAt(releaseAt);
            }
            return n;
        }
    }

    /** One measured point. @param x clients or cores @param series the line @param perSecond throughput */
    record Point(String series, int x, double perSecond, double meanLatencyNanos) {
    }

    /** @param args optional: the output folder */
    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Path out = Path.of(args.length > 0 ? args[0] : "benchmarks/results");
        Files.createDirectories(out);
        long t0 = System.nanoTime();
        List<Point> lock = figure1();
        long t1 = System.nanoTime();
        List<Point> pages = figure5();
        long t2 = System.nanoTime();
        List<Point> names = figure4();
        long t3 = System.nanoTime();
        writeCsv(out.resolve("fos-figure1-lock.csv"), "cores", lock);
        writeCsv(out.resolve("fos-figure5-pages.csv"), "clients", pages);
        writeCsv(out.resolve("fos-figure4-names.csv"), "clients", names);
        plot(out.resolve("fos-figure1-lock"), "Figure 1 (model): one lock-based allocator, 1024-core TSAR", "cores",
                "pages per second", false, lock);
        plot(out.resolve("fos-figure5-pages"), "Figure 5: page allocator fleet, 1024-core TSAR", "clients",
                "allocations per second", true, pages);
        plot(out.resolve("fos-figure4-names"), "Figure 4: name service fleet (lookups), 1024-core TSAR", "clients",
                "lookups per second", true, names);
        String summary = summary(lock, pages, names, new double[] {(t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9});
        Files.writeString(out.resolve("fos-figures.md"), summary);
        System.out.println(summary);
    }

    // ---------------------------------------------------------------- Figure 1

    static List<Point> figure1() {
        Topology tsar = Topology.tsar();
        List<Point> points = new ArrayList<>();
        ClusterId centre = tsar.clusterAt(tsar.meshWidth() / 2, tsar.meshHeight() / 2).orElseThrow();
        CoreId lockCore = tsar.coresOf(centre).getFirst();
        List<CoreId> byDistance = new ArrayList<>();
        for (int i = 0; i < tsar.coreCount(); i++) {
            if (i != lockCore.index()) {
                byDistance.add(tsar.core(i));
            }
        }
        byDistance.sort(Comparator.comparingInt((CoreId c) -> tsar.distance(centre, tsar.clusterOf(c)))
                .thenComparingInt(CoreId::index));
        for (int cores : LOCK_CORES) {
            try (SimulatedEngine engine = SimulatedEngine.builder(tsar).seed(cores).build()) {
                Address lock = engine.spawn(lockCore, LockedAllocator::new);
                List<LoadStats> stats = new ArrayList<>();
                for (int c = 0; c < cores; c++) {
                    CoreId core = byDistance.get(c);
                    LoadGenerator.Builder<PageRequest> load = LoadGenerator.to(lock, (n, random) -> new PageRequest(n))
                            .closedLoop(1, LOCK_THINK_NANOS, true).timeoutNanos(1_000_000_000L).seed(core.index());
                    stats.add(load.stats());
                    engine.spawn(core, load.build());
                }
                // steady state needs every core to have waited through the queue at least twice
                long cycle = cores * (CS_NANOS + PER_WAITER_NANOS * (cores - 1)) + LOCK_THINK_NANOS;
                long warmup = Math.max(WARMUP_NANOS, 2 * cycle);
                long window = Math.max(LOCK_MEASURE_NANOS, 2 * cycle);
                engine.runUntil(warmup);
                long before = stats.stream().mapToLong(LoadStats::completed).sum();
                engine.runUntil(warmup + window);
                long done = stats.stream().mapToLong(LoadStats::completed).sum() - before;
                double latency = stats.stream().mapToDouble(LoadStats::meanLatencyNanos).average().orElse(0);
                Point p = new Point("one lock", cores, done * 1e9 / window, latency);
                points.add(p);
                System.out.printf(Locale.ROOT, "figure 1: %4d cores: %,12.0f pages/s (%,.0f per core), mean latency %,.0f ns%n",
                        cores, p.perSecond(), p.perSecond() / cores, latency);
            }
        }
        return points;
    }

    // ---------------------------------------------------------------- Figure 5

    static List<Point> figure5() {
        Topology tsar = Topology.tsar();
        List<Point> points = new ArrayList<>();
        for (int servers : PAGE_SERVERS) {
            int perMember = tsar.clusterCount() / servers;
            for (int clients : CLIENTS) {
                try (SimulatedEngine engine = SimulatedEngine.builder(tsar).seed(servers * 1000L + clients)
                        .defaultServiceNanos(SERVICE_NANOS).build()) {
                    PageAllocator pages = PageAllocator.builder(engine, Dqdt.of(tsar)).clustersPerMember(perMember)
                            .clientCache(0).seed(clients).start();
                    runUntilDone(engine, pages.ready(), "page fleet ready");
                    List<CoreId> cores = spread(tsar, Set.copyOf(pages.memberCores()), clients);
                    ClosedLoop loop = new ClosedLoop(engine, FLEET_THINK_NANOS, servers * 31L + clients);
                    for (int c = 0; c < cores.size(); c++) {
                        PageAllocatorClient client = pages.client(cores.get(c));
                        long owner = c + 1;
                        loop.start(() -> client.allocateAsync(0, owner, AllocationPriority.ORDINARY));
                    }
                    Point p = loop.measure(servers + (servers == 1 ? " server" : " servers"), clients);
                    points.add(p);
                    System.out.printf(Locale.ROOT, "figure 5: %2d servers, %3d clients: %,14.0f allocations/s, mean %,.0f ns"
                            + " (%d failed)%n", servers, clients, p.perSecond(), p.meanLatencyNanos(), loop.failed);
                    pages.close();
                }
            }
        }
        return points;
    }

    // ---------------------------------------------------------------- Figure 4

    static List<Point> figure4() {
        Topology tsar = Topology.tsar();
        List<Point> points = new ArrayList<>();
        Name name = Name.of("/bench/service");
        for (int members : NAME_MEMBERS) {
            List<CoreId> memberCores = spread(tsar, Set.of(), members);
            for (int clients : CLIENTS) {
                NameResolver resolver = NameService.newResolver(tsar);
                try (SimulatedEngine engine = SimulatedEngine.builder(tsar).seed(members * 1000L + clients)
                        .defaultServiceNanos(SERVICE_NANOS).nameResolver(resolver).build()) {
                    NameService service = NameService.builder(engine).publishTo(resolver).cores(memberCores)
                            .seed(clients).start();
                    runUntilDone(engine, service.fleet().whenView(v -> v.size() == members), "name fleet formed");
                    NameServiceClient admin = service.client(tsar.core(1), "bench");
                    runUntilDone(engine, admin.register(name, new Address(tsar.core(2), 4242), NameFlags.single()),
                            "register");
                    List<CoreId> cores = spread(tsar, Set.copyOf(memberCores), clients);
                    ClosedLoop loop = new ClosedLoop(engine, FLEET_THINK_NANOS, members * 31L + clients);
                    for (int c = 0; c < cores.size(); c++) {
                        NameServiceClient client = service.client(cores.get(c), "c" + c);
                        long key = c;
                        loop.start(() -> client.lookup(name, key));
                    }
                    Point p = loop.measure(members + (members == 1 ? " member" : " members"), clients);
                    points.add(p);
                    System.out.printf(Locale.ROOT, "figure 4: %2d members, %3d clients: %,14.0f lookups/s, mean %,.0f ns"
                            + " (%d failed)%n", members, clients, p.perSecond(), p.meanLatencyNanos(), loop.failed);
                }
            }
        }
        return points;
    }

    // ---------------------------------------------------------------- driving

    /** Closed-loop clients driven by the futures of a fleet's client, in virtual time. */
    static final class ClosedLoop {
        private final SimulatedEngine engine;
        private final long thinkNanos;
        private final SplittableRandom random;
        private long from = Long.MAX_VALUE;
        private long to = Long.MAX_VALUE;
        long completed;
        long failed;
        private double latencySum;

        ClosedLoop(SimulatedEngine engine, long thinkNanos, long seed) {
            this.engine = engine;
            this.thinkNanos = thinkNanos;
            this.random = new SplittableRandom(seed);
        }

        /** Starts one client after a random fraction of a think time. */
        void start(Supplier<CompletableFuture<?>> operation) {
            engine.at(engine.now() + think(), () -> issue(operation));
        }

        private void issue(Supplier<CompletableFuture<?>> operation) {
            long sent = engine.now();
            operation.get().whenComplete((v, e) -> {
                long now = engine.now();
                if (now >= from && now < to) {
                    if (e == null) {
                        completed++;
                        latencySum += now - sent;
                    } else {
                        failed++;
                    }
                }
                if (now < to) {
                    engine.at(now + think(), () -> issue(operation));
                }
            });
        }

        private long think() {
            return Math.max(1, Math.round(-Math.log(1 - random.nextDouble()) * thinkNanos));
        }

        /** Warms up, then counts the requests answered inside the measured window (and their latency). */
        Point measure(String series, int clients) {
            long start = engine.now();
            from = start + WARMUP_NANOS;
            to = from + MEASURE_NANOS;
            engine.runUntil(to);
            return new Point(series, clients, completed * 1e9 / MEASURE_NANOS, completed == 0 ? 0 : latencySum / completed);
        }
    }

    private static void runUntilDone(SimulatedEngine engine, CompletableFuture<?> future, String what) {
        if (!engine.runUntilDone(future, engine.now() + 100_000_000L) || future.isCompletedExceptionally()) {
            throw new IllegalStateException(what + " did not complete in 100 ms of virtual time: " + future);
        }
    }

    /** @return {@code count} cores spread evenly over the chip, none of {@code taken} */
    static List<CoreId> spread(Topology t, Set<CoreId> taken, int count) {
        List<CoreId> free = new ArrayList<>();
        for (int i = 0; i < t.coreCount(); i++) {
            if (!taken.contains(t.core(i))) {
                free.add(t.core(i));
            }
        }
        if (count > free.size()) {
            throw new IllegalArgumentException(count + " cores asked, " + free.size() + " free");
        }
        List<CoreId> out = new ArrayList<>(count);
        Set<Integer> used = new HashSet<>();
        for (int k = 0; k < count; k++) {
            int i = (int) ((long) k * free.size() / count);
            while (!used.add(i)) {
                i++;
            }
            out.add(free.get(i));
        }
        return out;
    }

    // ---------------------------------------------------------------- output

    private static Map<String, List<Point>> bySeries(List<Point> points) {
        Map<String, List<Point>> series = new LinkedHashMap<>();
        for (Point p : points) {
            series.computeIfAbsent(p.series(), s -> new ArrayList<>()).add(p);
        }
        return series;
    }

    static void writeCsv(Path file, String x, List<Point> points) {
        StringBuilder sb = new StringBuilder("series," + x + ",per_second,mean_latency_ns\n");
        for (Point p : points) {
            sb.append(String.format(Locale.ROOT, "%s,%d,%.0f,%.0f%n", p.series(), p.x(), p.perSecond(),
                    p.meanLatencyNanos()));
        }
        try {
            Files.writeString(file, sb.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void plot(Path file, String title, String x, String y, boolean logY, List<Point> points) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(560).title(title).xAxisTitle(x + " (log scale)")
                .yAxisTitle(y + (logY ? " (log scale)" : "")).build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        chart.getStyler().setYAxisDecimalPattern("#,###");
        for (Map.Entry<String, List<Point>> e : bySeries(points).entrySet()) {
            double[] xs = e.getValue().stream().mapToDouble(Point::x).toArray();
            double[] ys = e.getValue().stream().mapToDouble(Point::perSecond).toArray();
            chart.addSeries(e.getKey(), xs, ys).setMarker(SeriesMarkers.CIRCLE);
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static Point peak(List<Point> points) {
        return points.stream().max(Comparator.comparingDouble(Point::perSecond)).orElseThrow();
    }

    private static Point at(List<Point> points, int x) {
        return points.stream().filter(p -> p.x() == x).findFirst().orElseThrow();
    }

    static String summary(List<Point> lock, List<Point> pages, List<Point> names, double[] seconds) {
        StringBuilder sb = new StringBuilder();
        sb.append("# fos Figures 1, 4 and 5 in simulation (1024-core TSAR)\n\n");
        sb.append(String.format(Locale.ROOT, "Machine: %s, %d host CPUs visible, %s %s. JDK %s. Date %s.%n",
                hostName(), Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
                System.getProperty("os.arch"), Runtime.version(), Instant.now()));
        sb.append(String.format(Locale.ROOT, "Host time: Figure 1 %.1f s, Figure 5 %.1f s, Figure 4 %.1f s (one host "
                + "thread, simulated engine).%n%n", seconds[0], seconds[1], seconds[2]));
        sb.append("Program: `dev.manycore.benchmarks.sim.FosFiguresStudy` (benchmarks module); data in the CSV files,"
                + " plots in the PNG files beside this one. Model: `Topology.tsar()` (16 x 16 clusters of 4 cores),"
                + " the TSAR cost model (400 ns + 3 ns per hop + 0.25 ns per byte per message), "
                + SERVICE_NANOS + " ns of core time per handled message in Figures 4 and 5, closed-loop clients with"
                + " an exponential think time, throughput counted over " + MEASURE_NANOS / 1000 + " us of virtual time"
                + " after " + WARMUP_NANOS / 1000 + " us of warm-up (Figure 1: at least 2 ms after two turns of the"
                + " whole queue of waiters). Every run is seeded and deterministic.\n\n");

        Point lockPeak = peak(lock);
        Point lockLast = lock.getLast();
        sb.append("## Figure 1: a lock-based allocator folds back\n\n");
        sb.append("One allocator server stands for the lock; a request holds it for " + CS_NANOS + " ns plus "
                + PER_WAITER_NANOS + " ns per other waiting core (its cache line bounces among the waiters); each core"
                + " spends " + LOCK_THINK_NANOS + " ns outside the lock per page.\n\n");
        sb.append("| cores | pages/s | per core |\n|---:|---:|---:|\n");
        for (Point p : lock) {
            sb.append(String.format(Locale.ROOT, "| %d | %,.0f | %,.0f |%n", p.x(), p.perSecond(), p.perSecond() / p.x()));
        }
        sb.append(String.format(Locale.ROOT, "%nShape: throughput rises to a peak of %,.0f pages/s at %d cores, then falls:"
                        + " %.0f %% of the peak at %d cores and %.1f %% at %d. The report's Figure 1 (Linux 2.6.24, 16 cores)"
                        + " shows the same: no gain past about 8 cores, and time lost to lock contention growing with"
                        + " every core added. The model's constants were chosen to follow the anchors' Linux measurement"
                        + " of 2026 on 16 cores (0.43 M pages/s at 1 thread, 1.42 M at 4, 2.01 M at 8, 1.95 M at 16);"
                        + " the model gives %.2f M, %.2f M, %.2f M and %.2f M. Past 16 cores, where no measurement"
                        + " exists here, the model shows where a single lock leads on 1024 cores: with %d cores each"
                        + " gets %,.0f times fewer pages per second than one core alone.%n%n",
                lockPeak.perSecond(), lockPeak.x(), 100 * at(lock, 64).perSecond() / lockPeak.perSecond(), 64,
                100 * lockLast.perSecond() / lockPeak.perSecond(), lockLast.x(), at(lock, 1).perSecond() / 1e6,
                at(lock, 4).perSecond() / 1e6, at(lock, 8).perSecond() / 1e6, at(lock, 16).perSecond() / 1e6,
                lockLast.x(), at(lock, 1).perSecond() / (lockLast.perSecond() / lockLast.x())));

        sb.append("## Figure 5: page allocator fleets of 1 to 64 servers\n\n");
        sb.append("The `PageAllocator` fleet unchanged (locality policy, no client cache), one member per group of"
                + " 256/servers clusters; single-page allocations.\n\n");
        sb.append(table(pages, "servers"));
        sb.append(saturation(pages, "server"));
        sb.append(" The report's Figure 5 (dPool with background push and estimation): \"the PMA fleet's response"
                + " rate scales nicely as the load increases, up to some saturation point ... This maximum also"
                + " scales linearly as the number of servers in the fleet increases.\" Same shape here: each line"
                + " follows the clients' demand, then flattens at a level proportional to its servers. Our fleet"
                + " routes by locality rather than the report's dPool; the dPool policy is selectable"
                + " (`PagePolicy.dpool`).\n\n");

        sb.append("## Figure 4: name service fleets, read-dominated\n\n");
        sb.append("The `NameService` fleet unchanged; each client looks up one name with a key"
                + " (`lookup(name, key)`, never served from the client's name cache) at the nearest member.\n\n");
        sb.append(table(names, "members"));
        sb.append(saturation(names, "member"));
        sb.append(" The report's Figure 4: \"Name service fleets of appropriate size scale ideally, with minimal"
                + " performance degradation under high load.\" Same shape here: every fleet follows the ideal line"
                + " until its members saturate, and stays flat (no fold-back) beyond, because each member serves"
                + " reads from its own replica and clients pick the nearest member.\n");
        return sb.toString();
    }

    private static String table(List<Point> points, String what) {
        Map<String, List<Point>> series = bySeries(points);
        StringBuilder sb = new StringBuilder("| clients |");
        StringBuilder rule = new StringBuilder("|---:|");
        for (String s : series.keySet()) {
            sb.append(' ').append(s).append(" |");
            rule.append("---:|");
        }
        sb.append('\n').append(rule).append('\n');
        for (int i = 0; i < CLIENTS.length; i++) {
            sb.append("| ").append(CLIENTS[i]).append(" |");
            for (List<Point> line : series.values()) {
                sb.append(String.format(Locale.ROOT, " %.2f M |", line.get(i).perSecond() / 1e6));
            }
            sb.append('\n');
        }
        sb.append("\n(per second, millions; columns are ").append(what).append(")\n\n");
        return sb.toString();
    }

    private static String saturation(List<Point> points, String unit) {
        Map<String, List<Point>> series = bySeries(points);
        StringBuilder sb = new StringBuilder("Shape: the saturation level (the best point of each line) grows with"
                + " the fleet:");
        double first = -1;
        int firstSize = 0;
        for (Map.Entry<String, List<Point>> e : series.entrySet()) {
            int size = Integer.parseInt(e.getKey().split(" ")[0]);
            double max = peak(e.getValue()).perSecond();
            if (first < 0) {
                first = max;
                firstSize = size;
            }
            sb.append(String.format(Locale.ROOT, " %d %s%s %.1f M/s (x%.1f);", size, unit, size == 1 ? "" : "s",
                    max / 1e6, max / first));
        }
        sb.setLength(sb.length() - 1);
        sb.append(String.format(Locale.ROOT, ". Linear scaling from %d %s would be x%d at the largest fleet.", firstSize,
                unit, Integer.parseInt(new ArrayList<>(series.keySet()).getLast().split(" ")[0]) / firstSize));
        return sb.toString();
    }

    private static String hostName() {
        try {
            return Files.readString(Path.of("/proc/cpuinfo")).lines().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
        } catch (IOException | RuntimeException e) {
            return "unknown CPU";
        }
    }
}
