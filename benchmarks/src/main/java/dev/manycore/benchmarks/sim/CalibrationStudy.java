package dev.manycore.benchmarks.sim;

import dev.manycore.messaging.Address;
import dev.manycore.messaging.Engine;
import dev.manycore.messaging.LoadGenerator;
import dev.manycore.messaging.LoadStats;
import dev.manycore.messaging.SimulatedEngine;
import dev.manycore.messaging.ThreadedEngine;
import dev.manycore.numa.CostModel;
import dev.manycore.numa.Topology;

import java.util.ArrayList;
import java.util.List;

/**
 * A first calibration of the simulated engine against the threaded one (issue 8, "fit
 * CostModel.host() from threaded-engine measurements, then run one configuration on both engines"),
 * with echo servers standing in for the page allocator fleet that does not exist yet:
 * <ol>
 *   <li>measure, on the threaded engine, the round trip of one closed-loop client and one echo
 *       server on {@link Topology#host()};</li>
 *   <li>fit the cost model's fixed message cost so that a simulated round trip equals it
 *       ({@code rtt = 2 * (fixed + hops * perHop + bytes * perByte + service) + duty cycles});</li>
 *   <li>run 2 servers and 4 closed-loop clients on both engines and compare the throughput.</li>
 * </ol>
 * Run: {@code java -cp benchmarks/target/benchmarks.jar dev.manycore.benchmarks.sim.CalibrationStudy [seconds]}.
 */
public final class CalibrationStudy {

    private CalibrationStudy() {
    }

    /**
     * @param args optional: host seconds per threaded measurement (default 2)
     * @throws InterruptedException if interrupted while measuring
     */
    public static void main(String[] args) throws InterruptedException {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2;
        Topology host = Topology.host();
        System.out.printf("# calibration; JDK %s; host topology %s%n", Runtime.version(), host.describe().lines().findFirst().orElse(""));
        Measured single = threaded(host, 1, 1, seconds);
        double rtt = single.meanLatency;
        CostModel base = CostModel.host().withTopology(host);
        long service = Math.round(2 * base.localMemoryNanos());
        int bytes = 32 + 16;
        long duty = 10;
        double fixed = Math.max(0, (rtt - 2 * duty) / 2 - service - bytes * base.perByteNanos());
        CostModel fitted = base.toBuilder(host).messageFixedNanos(fixed).build();
        System.out.printf("threaded, 1 server, 1 client: %.0f requests/s, mean round trip %.0f ns -> fitted fixed message cost %.0f ns%n",
                single.perSecond, rtt, fixed);

        Measured threaded = threaded(host, 2, 4, seconds);
        double simulated = simulated(host, fitted, 2, 4);
        System.out.printf("threaded, 2 servers, 4 clients: %.0f requests/s (mean round trip %.0f ns)%n",
                threaded.perSecond, threaded.meanLatency);
        System.out.printf("simulated with the fitted model, 2 servers, 4 clients: %.0f requests/s; simulated / measured = %.2f%n",
                simulated, simulated / threaded.perSecond);
    }

    record Measured(double perSecond, double meanLatency) {
    }

    private static List<LoadStats> spawn(Engine engine, Topology host, int servers, int clients) {
        List<Address> echo = new ArrayList<>();
        for (int s = 0; s < servers; s++) {
            echo.add(engine.spawn(host.core(s % host.coreCount()), SimulatorSpeedStudy.Echo::new));
        }
        List<LoadStats> stats = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            LoadGenerator.Builder<SimulatorSpeedStudy.Ping> load = LoadGenerator.to(echo.get(c % servers),
                    (n, random) -> new SimulatorSpeedStudy.Ping(n)).closedLoop(1, 0, false).timeoutNanos(1_000_000_000L);
            stats.add(load.stats());
            engine.spawn(host.core((servers + c) % host.coreCount()), load.build());
        }
        return stats;
    }

    private static Measured threaded(Topology host, int servers, int clients, double seconds) throws InterruptedException {
        ThreadedEngine engine = ThreadedEngine.builder(host).build();
        List<LoadStats> stats = spawn(engine, host, servers, clients);
        long t0 = System.nanoTime();
        engine.start();
        Thread.sleep((long) (seconds * 1000));
        engine.shutdown();
        long elapsed = System.nanoTime() - t0;
        long completed = stats.stream().mapToLong(LoadStats::completed).sum();
        double mean = stats.stream().mapToDouble(s -> s.meanLatencyNanos() * s.completed()).sum() / Math.max(1, completed);
        return new Measured(completed * 1e9 / elapsed, mean);
    }

    private static double simulated(Topology host, CostModel model, int servers, int clients) {
        try (SimulatedEngine engine = SimulatedEngine.builder(host).costModel(model).build()) {
            List<LoadStats> stats = spawn(engine, host, servers, clients);
            long virtual = 10_000_000;
            engine.runUntil(virtual);
            long completed = stats.stream().mapToLong(LoadStats::completed).sum();
            return completed * 1e9 / virtual;
        }
    }
}
