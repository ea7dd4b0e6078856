package dev.manycore.benchmarks.sim;

import dev.manycore.messaging.Address;
import dev.manycore.messaging.Agent;
import dev.manycore.messaging.AgentContext;
import dev.manycore.messaging.Engine;
import dev.manycore.messaging.LoadGenerator;
import dev.manycore.messaging.LoadStats;
import dev.manycore.messaging.MessageHandler;
import dev.manycore.messaging.SimulatedEngine;
import dev.manycore.messaging.ThreadedEngine;
import dev.manycore.numa.CostModel;
import dev.manycore.numa.Topology;

import java.util.ArrayList;
import java.util.List;

/**
 * Calibration of the simulated engine against the threaded one (issue 8, "fit CostModel.host()
 * from threaded-engine measurements, then run one configuration on both engines and report how far
 * the simulated throughput is from the measured one").
 *
 * <p>A single round trip on a 2-vCPU host measures thread wake-up, not the engine, so the fit uses
 * throughput mode: closed-loop clients with many requests outstanding keep the workers busy, and
 * the throughput then measures core time. The model has three figures, all of the simulated
 * engine's own: a service time {@code S} per handled message (every payload type alike), a core
 * time {@code D} per duty cycle ({@code dutyCycleNanos}: what a worker pays per wake-up and batch,
 * amortised over the messages of the batch) and a fixed message latency {@code F} (0 hops on this
 * host's single cluster, so the per-hop figure cannot be fitted here). Three threaded measurements
 * on {@link Topology#host()} (one worker per host core) fit them:
 * <ol>
 *   <li>{@code A} one echo server and one client on the <em>same</em> core, 32 requests outstanding
 *       (large batches: mostly {@code S});</li>
 *   <li>{@code B} the same on <em>two</em> cores (each batch crosses cores: more cycles per message);</li>
 *   <li>{@code C} one request outstanding on two cores, workers spinning when idle (no park): the
 *       round trip.</li>
 * </ol>
 * For each {@code D} of a grid, {@code S} is found by bisection so that the simulated A matches
 * the measured A (or is 0 when even 0 is too slow); the {@code D} whose simulated A and B are
 * together nearest the measured ones (sum of the two log errors) is kept; then {@code F}
 * is found by bisection so that the simulated C's round trip matches the measured one. The one
 * fitted model then predicts configurations it was not fitted on, run on both engines: {@code P1}
 * 2 servers and 4 clients, each client on its server's core, 16 outstanding; {@code P3} the same
 * with every client on the other core; {@code P2} as P3 with 1 request outstanding and spinning
 * workers (latency-bound).
 *
 * <p>The threaded runs report the process CPU share: on a loaded host other processes take cores
 * from the workers, and a two-core configuration that got about one core measures the host's
 * scheduler, not the engine. A repeat counts as valid when every two-core run had at least
 * {@value #VALID_CPU_SHARE} CPU seconds per second; the summary gives the median error over the
 * valid repeats and over all of them.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.manycore.benchmarks.sim.CalibrationStudy [seconds] [repeats]}
 * (host seconds per threaded measurement, default 2; repeats of the whole fit and prediction, default 3).
 */
public final class CalibrationStudy {

    private CalibrationStudy() {
    }

    /** The reply of the calibration's echo server: a fresh record, as a real server's reply is. */
    public record Pong(long n) {
    }

    /** Replies to every Ping with a Pong. */
    static final class PongServer implements Agent {
        private final AgentContext ctx;
        private final MessageHandler<Object> handler;

        PongServer(AgentContext ctx) {
            this.ctx = ctx;
            this.handler = e -> ctx.send(e.sender(), new Pong(((SimulatorSpeedStudy.Ping) e.payload()).n()),
                    e.correlationId());
        }

        @Override
        public int doWork() {
            return ctx.receive(handler, 64);
        }
    }

    /** Where servers and clients sit, and how many requests each client keeps outstanding. */
    record Config(String name, int[] serverCores, int[] clientCores, int outstanding, boolean spin) {
    }

    /** A measurement: requests per second, mean round trip, CPU seconds per wall second (threaded only). */
    record Measured(double perSecond, double meanLatencyNanos, double cpuShare) {
    }

    /**
     * @param args optional: host seconds per threaded measurement (default 2), repeats (default 3)
     * @throws InterruptedException if interrupted while measuring
     */
    public static void main(String[] args) throws InterruptedException {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Topology host = Topology.host();
        System.out.printf("# calibration; JDK %s; %d host CPUs; topology %s; %s%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors(), host.describe().lines().findFirst().orElse(""),
                java.time.Instant.now());
        Config a = new Config("A fit: 1 server + 1 client, same core, 32 outstanding", new int[] {0}, new int[] {0}, 32, false);
        Config b = new Config("B fit: 1 server + 1 client, two cores, 32 outstanding", new int[] {0}, new int[] {1}, 32, false);
        Config c = new Config("C fit: 1 server + 1 client, two cores, 1 outstanding, spinning", new int[] {0}, new int[] {1}, 1, true);
        Config p1 = new Config("P1: 2 servers + 4 clients, each on its server's core, 16 outstanding", new int[] {0, 1},
                new int[] {0, 1, 0, 1}, 16, false);
        Config p3 = new Config("P3: 2 servers + 4 clients, each on the other core, 16 outstanding", new int[] {0, 1},
                new int[] {1, 0, 1, 0}, 16, false);
        Config p2 = new Config("P2: 2 servers + 4 clients, each on the other core, 1 outstanding, spinning",
                new int[] {0, 1}, new int[] {1, 0, 1, 0}, 1, true);
        threaded(host, b, seconds); // warm-up: JIT and the host's frequency
        List<Config> predicted = List.of(p1, p3, p2);
        double[][] errors = new double[predicted.size()][repeats];
        boolean[] valid = new boolean[repeats];
        for (int r = 1; r <= repeats; r++) {
            Measured ma = threaded(host, a, seconds);
            Measured mb = threaded(host, b, seconds);
            Measured mc = threaded(host, c, seconds);
            System.out.printf("repeat %d%n", r);
            print(a, ma);
            print(b, mb);
            print(c, mc);
            Fit fit = fit(host, a, b, c, ma, mb, mc);
            System.out.printf("  fitted: S %d ns per message, D %d ns per duty cycle, F %.0f ns fixed latency "
                    + "(simulated A %,.0f, B %,.0f req/s, C rtt %.0f ns)%n", fit.service(), fit.duty(), fit.fixed(),
                    fit.simA(), fit.simB(), fit.simRttC());
            valid[r - 1] = mb.cpuShare() >= VALID_CPU_SHARE && mc.cpuShare() >= VALID_CPU_SHARE;
            for (int i = 0; i < predicted.size(); i++) {
                Config p = predicted.get(i);
                Measured thr = threaded(host, p, seconds);
                Measured sim = simulated(host, fit, p);
                print(p, thr);
                valid[r - 1] &= thr.cpuShare() >= VALID_CPU_SHARE;
                errors[i][r - 1] = 100 * (sim.perSecond() / thr.perSecond() - 1);
                System.out.printf("  %-76s simulated %,.0f req/s (mean rtt %.0f ns): throughput error %+.1f%%, rtt simulated / measured %.2f%n",
                        p.name(), sim.perSecond(), sim.meanLatencyNanos(), errors[i][r - 1],
                        sim.meanLatencyNanos() / thr.meanLatencyNanos());
            }
            System.out.printf("  repeat %d %s%n", r, valid[r - 1] ? "valid: every two-core run had two cores"
                    : "not valid: a two-core run got less than " + VALID_CPU_SHARE + " CPU s per s");
        }
        System.out.println("summary: simulated throughput vs measured, error of each repeat (* valid), median of the valid ones and of all");
        for (int i = 0; i < predicted.size(); i++) {
            StringBuilder each = new StringBuilder();
            java.util.List<Double> ok = new ArrayList<>();
            java.util.List<Double> all = new ArrayList<>();
            for (int r = 0; r < repeats; r++) {
                each.append(String.format("%+.1f%%%s ", errors[i][r], valid[r] ? "*" : ""));
                all.add(errors[i][r]);
                if (valid[r]) {
                    ok.add(errors[i][r]);
                }
            }
            System.out.printf("  %-76s %s; median valid %s, all %+.1f%%%n", predicted.get(i).name(), each.toString().trim(),
                    ok.isEmpty() ? "none" : String.format("%+.1f%%", median(ok)), median(all));
        }
    }

    static final double VALID_CPU_SHARE = 1.6;

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        java.util.Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** The fitted figures, and what the simulation gives with them for the fit configurations. */
    record Fit(long service, long duty, double fixed, double simA, double simB, double simRttC) {
    }

    private static Fit fit(Topology host, Config a, Config b, Config c, Measured ma, Measured mb, Measured mc) {
        double fixed0 = CostModel.host().messageFixedNanos();
        Fit best = null;
        double bestError = Double.MAX_VALUE;
        for (long duty : new long[] {1, 10, 25, 50, 100, 200, 400, 800, 1600, 3200}) {
            long lo = 0;
            long hi = 20_000;
            while (lo < hi) { // the least S whose simulated A is no faster than measured
                long mid = (lo + hi) >>> 1;
                if (simulated(host, new Fit(mid, duty, fixed0, 0, 0, 0), a).perSecond() > ma.perSecond()) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            Fit f = new Fit(lo, duty, fixed0, 0, 0, 0);
            double simA = simulated(host, f, a).perSecond();
            double simB = simulated(host, f, b).perSecond();
            // both fit runs count: a large D can match B while no S, not even 0, reaches A
            double error = Math.abs(Math.log(simA / ma.perSecond())) + Math.abs(Math.log(simB / mb.perSecond()));
            if (error < bestError) {
                bestError = error;
                best = new Fit(lo, duty, fixed0, simA, simB, 0);
            }
        }
        double lo = 0;
        double hi = mc.meanLatencyNanos() / 2; // rtt = 2 F + the cores' time, so F is at most half of it
        for (int i = 0; i < 30; i++) { // F such that the simulated round trip of C matches
            double mid = (lo + hi) / 2;
            if (simulated(host, new Fit(best.service(), best.duty(), mid, 0, 0, 0), c).meanLatencyNanos() < mc.meanLatencyNanos()) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        Fit withF = new Fit(best.service(), best.duty(), lo, 0, 0, 0);
        return new Fit(best.service(), best.duty(), lo, best.simA(), best.simB(), simulated(host, withF, c).meanLatencyNanos());
    }

    private static void print(Config p, Measured m) {
        System.out.printf("  %-76s threaded  %,.0f req/s (mean rtt %.0f ns), process CPU %.2f s per s%n", p.name(),
                m.perSecond(), m.meanLatencyNanos(), m.cpuShare());
    }

    private static List<LoadStats> spawn(Engine engine, Topology host, Config p) {
        List<Address> servers = new ArrayList<>();
        for (int core : p.serverCores()) {
            servers.add(engine.spawn(host.core(core % host.coreCount()), PongServer::new));
        }
        List<LoadStats> stats = new ArrayList<>();
        for (int i = 0; i < p.clientCores().length; i++) {
            LoadGenerator.Builder<SimulatorSpeedStudy.Ping> load = LoadGenerator.to(servers.get(i % servers.size()),
                    (n, random) -> new SimulatorSpeedStudy.Ping(n)).closedLoop(p.outstanding(), 0, false)
                    .timeoutNanos(1_000_000_000L).seed(i);
            stats.add(load.stats());
            engine.spawn(host.core(p.clientCores()[i] % host.coreCount()), load.build());
        }
        return stats;
    }

    private static Measured threaded(Topology host, Config p, double seconds) throws InterruptedException {
        ThreadedEngine.Builder builder = ThreadedEngine.builder(host);
        if (p.spin()) {
            builder.idle(Integer.MAX_VALUE, 0);
        }
        ThreadedEngine engine = builder.build();
        List<LoadStats> stats = spawn(engine, host, p);
        engine.start();
        Thread.sleep(300); // past the start-up: the count starts in steady state
        long done0 = completed(stats);
        double latency0 = latencySum(stats);
        long cpu0 = cpuNanos();
        long t0 = System.nanoTime();
        Thread.sleep((long) (seconds * 1000));
        long done = completed(stats) - done0;
        double latency = latencySum(stats) - latency0;
        long elapsed = System.nanoTime() - t0;
        long cpu = cpuNanos() - cpu0;
        engine.shutdown();
        return new Measured(done * 1e9 / elapsed, latency / Math.max(1, done), (double) cpu / elapsed);
    }

    private static long completed(List<LoadStats> stats) {
        return stats.stream().mapToLong(LoadStats::completed).sum();
    }

    private static double latencySum(List<LoadStats> stats) {
        return stats.stream().mapToDouble(s -> s.meanLatencyNanos() * s.completed()).sum();
    }

    private static Measured simulated(Topology host, Fit fit, Config p) {
        CostModel model = CostModel.host().toBuilder(host).messageFixedNanos(fit.fixed()).build();
        try (SimulatedEngine engine = SimulatedEngine.builder(host).costModel(model).defaultServiceNanos(fit.service())
                .dutyCycleNanos(Math.max(1, fit.duty())).build()) {
            List<LoadStats> stats = spawn(engine, host, p);
            long warm = Math.max(500_000, Math.round(4 * fit.fixed()));
            engine.runUntil(warm);
            long done0 = completed(stats);
            double latency0 = latencySum(stats);
            long virtual = Math.max(4_000_000, Math.round(40 * fit.fixed()));
            engine.runUntil(warm + virtual);
            long done = completed(stats) - done0;
            double latency = done == 0 ? Double.POSITIVE_INFINITY : (latencySum(stats) - latency0) / done;
            return new Measured(done * 1e9 / virtual, latency, 0);
        }
    }

    /** @return CPU time of the whole process (java.base only), workers, GC and JIT included */
    private static long cpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
    }
}
