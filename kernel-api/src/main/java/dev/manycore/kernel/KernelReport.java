package dev.manycore.kernel;

import dev.manycore.fleets.Fleet;
import dev.manycore.kernel.internal.KernelRuntime;
import dev.manycore.kernel.internal.Latencies;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.SimulatedEngine;
import dev.manycore.messaging.TrafficSnapshot;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.MeshPosition;
import dev.manycore.numa.Topology;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the kernel did, at one moment (ARCHITECTURE.md, "the kernel reports what happened"): per
 * fleet, the requests its members handled and the round-trip latency of the syscalls that called
 * it; traffic by hop distance with hop-bytes and the energy estimate; pages allocated, total, and
 * the share of pages user threads got in their own cluster; user threads per cluster drawn as the
 * mesh; processes alive. As text ({@link #text()}, {@link #toString()}) and as JSON
 * ({@link #toJson()}). Immutable.
 */
public final class KernelReport {

    /**
     * One fleet's load and latency.
     *
     * @param name      the fleet ({@code names}, {@code pages}, {@code processes}, or {@code mailboxes} for
     *                  the per-core mailbox hosts, which are not a fleet)
     * @param members   its members now (the number of hosts for mailboxes)
     * @param requests  requests its members handled (server side; for mailboxes, the syscalls timed)
     * @param calls     syscall round trips timed against it
     * @param p50Micros median round trip, microseconds
     * @param p90Micros 90th percentile
     * @param p99Micros 99th percentile
     * @param maxMicros slowest
     */
    public record FleetLoad(String name, int members, long requests, long calls, double p50Micros, double p90Micros,
                            double p99Micros, double maxMicros) {
    }

    /**
     * Traffic at one hop distance.
     *
     * @param hops     the distance
     * @param messages messages delivered over it
     * @param bytes    their bytes
     * @param hopBytes bytes times hops
     */
    public record HopTraffic(int hops, long messages, long bytes, long hopBytes) {
    }

    /**
     * The engine the kernel runs on, at the moment of the report.
     *
     * @param kind         {@code threaded} or {@code simulated}
     * @param seed         the simulated engine's seed (0 for the threaded engine)
     * @param virtualNanos the simulated engine's virtual time (0 for the threaded engine)
     * @param traceHash    the simulated engine's trace hash: equal for equal runs (0 for the threaded engine)
     */
    public record EngineState(String kind, long seed, long virtualNanos, long traceHash) {

        /** @return true for the simulated engine */
        public boolean simulated() {
            return kind.equals("simulated");
        }
    }

    private final String topologyName;
    private final EngineState engine;
    private final List<FleetLoad> fleets;
    private final List<HopTraffic> traffic;
    private final long messages;
    private final long hopBytes;
    private final double energyPicojoules;
    private final long pagesAllocated;
    private final long pagesTotal;
    private final long pagesTaken;
    private final long localPagesTaken;
    private final int processesAlive;
    private final int width;
    private final int height;
    private final long[] userThreads;
    private final boolean[] fleetCluster;
    private final List<MeshPosition> positions;
    private final String[] fleetLetters;

    private KernelReport(String topologyName, EngineState engine, List<FleetLoad> fleets, List<HopTraffic> traffic, long messages,
                         long hopBytes, double energyPicojoules, long pagesAllocated, long pagesTotal, long pagesTaken,
                         long localPagesTaken, int processesAlive, int width, int height, long[] userThreads,
                         boolean[] fleetCluster, List<MeshPosition> positions, String[] fleetLetters) {
        this.topologyName = topologyName;
        this.engine = engine;
        this.fleets = List.copyOf(fleets);
        this.traffic = List.copyOf(traffic);
        this.messages = messages;
        this.hopBytes = hopBytes;
        this.energyPicojoules = energyPicojoules;
        this.pagesAllocated = pagesAllocated;
        this.pagesTotal = pagesTotal;
        this.pagesTaken = pagesTaken;
        this.localPagesTaken = localPagesTaken;
        this.processesAlive = processesAlive;
        this.width = width;
        this.height = height;
        this.userThreads = userThreads;
        this.fleetCluster = fleetCluster;
        this.positions = positions;
        this.fleetLetters = fleetLetters;
    }

    static KernelReport of(KernelRuntime k) {
        Topology t = k.topology();
        Map<String, Histogram> lat = k.latencies().snapshot();
        List<FleetLoad> fleets = new ArrayList<>();
        fleets.add(load(Latencies.NAMES, k.names().fleet(), lat.get(Latencies.NAMES)));
        fleets.add(load(Latencies.PAGES, k.pages().fleet(), lat.get(Latencies.PAGES)));
        fleets.add(load(Latencies.PROCESSES, k.processManager().fleet(), lat.get(Latencies.PROCESSES)));
        Histogram mh = lat.get(Latencies.MAILBOXES);
        fleets.add(new FleetLoad(Latencies.MAILBOXES, k.mailboxes().hostCount(), mh.getTotalCount(), mh.getTotalCount(),
                micros(mh, 50), micros(mh, 90), micros(mh, 99), mh.getTotalCount() == 0 ? 0 : mh.getMaxValue() / 1000.0));
        TrafficSnapshot s = k.engine().traffic();
        long[] byHops = s.messagesByHops();
        long[] bytesByHops = s.bytesByHops();
        List<HopTraffic> traffic = new ArrayList<>();
        for (int h = 0; h < byHops.length; h++) {
            if (byHops[h] > 0) {
                traffic.add(new HopTraffic(h, byHops[h], bytesByHops[h], bytesByHops[h] * h));
            }
        }
        long[] threads = new long[t.clusterCount()];
        boolean[] fleetCluster = new boolean[t.clusterCount()];
        List<MeshPosition> positions = new ArrayList<>();
        for (ClusterId c : t.clusters()) {
            threads[c.index()] = k.dqdt().threads(c);
            positions.add(t.isMesh() ? t.position(c) : new MeshPosition(c.index(), 0));
        }
        for (CoreId f : k.fleetCores()) {
            int c = t.clusterOf(f).index();
            threads[c]--;
            fleetCluster[c] = true;
        }
        String[] letters = new String[t.clusterCount()];
        java.util.Arrays.fill(letters, "");
        for (Map.Entry<String, List<CoreId>> e : k.fleetLayout().entrySet()) {
            String letter = switch (e.getKey()) {
                case "names" -> "N";
                case "pages" -> "P";
                default -> "M";
            };
            for (CoreId c : e.getValue()) {
                letters[t.clusterOf(c).index()] += letter;
            }
        }
        long[] locality = k.pageLocality();
        EngineState engine = k.engine() instanceof SimulatedEngine sim
                ? new EngineState("simulated", sim.seed(), sim.now(), sim.report().traceHash())
                : new EngineState("threaded", 0, 0, 0);
        return new KernelReport(t.name(), engine, fleets, traffic, s.messages(), s.hopBytes(), s.energyPicojoules(),
                k.pages().allocatedPages(), k.pages().totalPages(), locality[0], locality[1], k.processesAlive(),
                t.isMesh() ? t.meshWidth() : t.clusterCount(), t.isMesh() ? t.meshHeight() : 1, threads, fleetCluster,
                List.copyOf(positions), letters);
    }

    private static FleetLoad load(String name, Fleet fleet, Histogram h) {
        long requests = 0;
        List<Address> members = fleet.members();
        for (Address m : members) {
            requests += fleet.metrics(m).requests();
        }
        return new FleetLoad(name, members.size(), requests, h.getTotalCount(), micros(h, 50), micros(h, 90),
                micros(h, 99), h.getTotalCount() == 0 ? 0 : h.getMaxValue() / 1000.0);
    }

    private static double micros(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000.0;
    }

    /** @return the engine and, for the simulated one, its seed, virtual time and trace hash */
    public EngineState engine() {
        return engine;
    }

    /** @return pages held by processes (and the kernel) in the page allocator now */
    public long pagesAllocated() {
        return pagesAllocated;
    }

    /** @return page frames of all banks */
    public long pagesTotal() {
        return pagesTotal;
    }

    /**
     * @return of the pages user threads took since boot, the share that was in the taking thread's
     *         own cluster; 1 when none was taken
     */
    public double localPageRatio() {
        return pagesTaken == 0 ? 1.0 : (double) localPagesTaken / pagesTaken;
    }

    /** @return pages user threads took since boot */
    public long pagesTaken() {
        return pagesTaken;
    }

    /** @return processes alive */
    public int processesAlive() {
        return processesAlive;
    }

    /** @return per fleet load and latency */
    public List<FleetLoad> fleets() {
        return fleets;
    }

    /** @return traffic by hop distance (distances with no message left out) */
    public List<HopTraffic> traffic() {
        return traffic;
    }

    /** @return messages delivered by the engine */
    public long messages() {
        return messages;
    }

    /** @return bytes times hops of every delivered message */
    public long hopBytes() {
        return hopBytes;
    }

    /** @return the energy estimate of the traffic, picojoules */
    public double energyPicojoules() {
        return energyPicojoules;
    }

    /**
     * @param cluster a cluster
     * @return user threads on it now (the DQDT's count less the fleet members there)
     */
    public long userThreads(ClusterId cluster) {
        return userThreads[cluster.index()];
    }

    /**
     * @return where the fleets sit, drawn as the mesh: per cluster, one letter per member core
     *         (N name service, P page allocator, M process manager), {@code .} for none
     */
    public String fleetMap() {
        StringBuilder b = new StringBuilder();
        String[][] grid = new String[height][width];
        int cell = 2;
        for (int c = 0; c < fleetLetters.length; c++) {
            MeshPosition p = positions.get(c);
            grid[p.y()][p.x()] = fleetLetters[c].isEmpty() ? "." : fleetLetters[c];
            cell = Math.max(cell, grid[p.y()][p.x()].length() + 1);
        }
        for (int y = 0; y < height; y++) {
            b.append("  ");
            for (int x = 0; x < width; x++) {
                b.append(String.format(Locale.ROOT, "%" + cell + "s", grid[y][x] == null ? " " : grid[y][x]));
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** @return the report as text, with the fleet map and the thread grid */
    public String text() {
        StringBuilder b = new StringBuilder();
        b.append("kernel report: ").append(topologyName).append('\n');
        if (engine.simulated()) {
            b.append(String.format(Locale.ROOT, "engine: simulated, seed %d, virtual time %.3f ms, trace hash %016x%n",
                    engine.seed(), engine.virtualNanos() / 1e6, engine.traceHash()));
        } else {
            b.append("engine: threaded\n");
        }
        b.append(String.format(Locale.ROOT, "processes alive: %d%n", processesAlive));
        b.append(String.format(Locale.ROOT, "pages: %d allocated of %d; local share of pages taken by user threads: %.3f"
                + " (%d of %d)%n", pagesAllocated, pagesTotal, localPageRatio(), localPagesTaken, pagesTaken));
        b.append("fleets (requests handled; syscall round trips in microseconds):\n");
        b.append(String.format(Locale.ROOT, "  %-10s %7s %10s %9s %9s %9s %9s %9s%n", "fleet", "members", "requests",
                "calls", "p50", "p90", "p99", "max"));
        for (FleetLoad f : fleets) {
            b.append(String.format(Locale.ROOT, "  %-10s %7d %10d %9d %9.1f %9.1f %9.1f %9.1f%n", f.name(), f.members(),
                    f.requests(), f.calls(), f.p50Micros(), f.p90Micros(), f.p99Micros(), f.maxMicros()));
        }
        b.append(String.format(Locale.ROOT, "traffic: %d messages, %d hop-bytes, %.1f nJ%n", messages, hopBytes,
                energyPicojoules / 1000.0));
        for (HopTraffic h : traffic) {
            b.append(String.format(Locale.ROOT, "  %2d hops: %9d messages %11d bytes %12d hop-bytes%n", h.hops(),
                    h.messages(), h.bytes(), h.hopBytes()));
        }
        b.append("fleet members per cluster (N names, P pages, M processes; x right, y down):\n");
        b.append(fleetMap());
        b.append("user threads per cluster (x right, y down; * marks a cluster with fleet members):\n");
        String[][] grid = new String[height][width];
        for (int c = 0; c < userThreads.length; c++) {
            MeshPosition p = positions.get(c);
            grid[p.y()][p.x()] = userThreads[c] + (fleetCluster[c] ? "*" : "");
        }
        for (int y = 0; y < height; y++) {
            b.append("  ");
            for (int x = 0; x < width; x++) {
                b.append(String.format(Locale.ROOT, "%4s", grid[y][x] == null ? "." : grid[y][x]));
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** @return the report as JSON (one object; numbers as numbers) */
    public String toJson() {
        StringBuilder b = new StringBuilder("{");
        field(b, "topology", topologyName).append(',');
        b.append("\"engine\":{");
        field(b, "kind", engine.kind()).append(",\"seed\":").append(engine.seed()).append(",\"virtualNanos\":")
                .append(engine.virtualNanos()).append(",\"traceHash\":").append(engine.traceHash()).append("},");
        b.append("\"processesAlive\":").append(processesAlive).append(',');
        b.append("\"pages\":{\"allocated\":").append(pagesAllocated).append(",\"total\":").append(pagesTotal)
                .append(",\"taken\":").append(pagesTaken).append(",\"takenLocal\":").append(localPagesTaken)
                .append(",\"localRatio\":").append(number(localPageRatio())).append("},");
        b.append("\"fleets\":[");
        for (int i = 0; i < fleets.size(); i++) {
            FleetLoad f = fleets.get(i);
            if (i > 0) {
                b.append(',');
            }
            b.append('{');
            field(b, "name", f.name()).append(',');
            b.append("\"members\":").append(f.members()).append(",\"requests\":").append(f.requests())
                    .append(",\"calls\":").append(f.calls()).append(",\"latencyMicros\":{\"p50\":")
                    .append(number(f.p50Micros())).append(",\"p90\":").append(number(f.p90Micros())).append(",\"p99\":")
                    .append(number(f.p99Micros())).append(",\"max\":").append(number(f.maxMicros())).append("}}");
        }
        b.append("],\"traffic\":{\"messages\":").append(messages).append(",\"hopBytes\":").append(hopBytes)
                .append(",\"energyPicojoules\":").append(number(energyPicojoules)).append(",\"byHops\":[");
        for (int i = 0; i < traffic.size(); i++) {
            HopTraffic h = traffic.get(i);
            if (i > 0) {
                b.append(',');
            }
            b.append("{\"hops\":").append(h.hops()).append(",\"messages\":").append(h.messages()).append(",\"bytes\":")
                    .append(h.bytes()).append(",\"hopBytes\":").append(h.hopBytes()).append('}');
        }
        b.append("]},\"userThreads\":{\"width\":").append(width).append(",\"height\":").append(height)
                .append(",\"rows\":[");
        long[][] rows = new long[height][width];
        for (int c = 0; c < userThreads.length; c++) {
            MeshPosition p = positions.get(c);
            rows[p.y()][p.x()] = userThreads[c];
        }
        for (int y = 0; y < height; y++) {
            if (y > 0) {
                b.append(',');
            }
            b.append('[');
            for (int x = 0; x < width; x++) {
                if (x > 0) {
                    b.append(',');
                }
                b.append(rows[y][x]);
            }
            b.append(']');
        }
        b.append("]}}");
        return b.toString();
    }

    private static StringBuilder field(StringBuilder b, String name, String value) {
        b.append('"').append(name).append("\":\"");
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        return b.append('"');
    }

    private static String number(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "null";
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    @Override
    public String toString() {
        return text();
    }
}
