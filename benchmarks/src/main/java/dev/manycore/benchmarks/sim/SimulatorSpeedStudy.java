package dev.manycore.benchmarks.sim;

import dev.manycore.messaging.Address;
import dev.manycore.messaging.Agent;
import dev.manycore.messaging.AgentContext;
import dev.manycore.messaging.LoadGenerator;
import dev.manycore.messaging.LoadStats;
import dev.manycore.messaging.MessageHandler;
import dev.manycore.messaging.SimulatedEngine;
import dev.manycore.messaging.SimulationReport;
import dev.manycore.numa.CostModel;
import dev.manycore.numa.Topology;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Issue 8's speed and memory figures for the simulated engine, each beside a baseline measured in
 * the same run (CONVENTIONS.md, benchmarks):
 * <ol>
 *   <li><b>Scale</b>: a 1024-core {@link Topology#tsar()} with 64 echo servers and 960 closed-loop
 *       clients (one request outstanding, exponential think time of 1 us) for 10 ms of virtual
 *       time: host seconds, simulated messages per host second and events per message. Three
 *       rates, all printed: per wall second; per process-CPU second (includes the JIT and GC
 *       threads, which run on another core); and per CPU second of the simulating thread alone,
 *       the honest "on one core" figure of issue 8 (its target: 2 million).</li>
 *   <li><b>Baseline</b>: the same request/reply traffic (same latencies, service times, think
 *       times) simulated by the plainest discrete-event loop, a {@code PriorityQueue<Event>} of
 *       event objects with no agents, mailboxes, contexts, envelopes or accounting: the floor that
 *       a textbook event loop gives, against which the engine's full contract is paid.</li>
 *   <li><b>Memory per pending event</b>: 1,048,576 messages in flight in the engine (1024 agents x
 *       1024 injected messages, one shared payload), heap after GC divided by the count; against
 *       a {@code PriorityQueue} holding as many event objects.</li>
 * </ol>
 * Run: {@code java -cp benchmarks/target/benchmarks.jar dev.manycore.benchmarks.sim.SimulatorSpeedStudy [rounds]}
 * (the first round warms the JIT; figures of every round are printed).
 */
public final class SimulatorSpeedStudy {

    private SimulatorSpeedStudy() {
    }

    /** The request of the studies. @param n its number */
    public record Ping(long n) {
    }

    /** An echo server that keeps nothing. */
    public static final class Echo implements Agent {
        private final AgentContext ctx;
        private final MessageHandler<Object> handler;

        public Echo(AgentContext ctx) {
            this.ctx = ctx;
            this.handler = e -> ctx.send(e.sender(), e.payload(), e.correlationId());
        }

        @Override
        public int doWork() {
            return ctx.receive(handler, 64);
        }
    }

    /**
     * @param args optional: number of rounds (default 3)
     */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        System.out.printf("# simulated engine speed study; JDK %s; %d host CPUs visible; %s%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), java.time.Instant.now());
        for (int r = 1; r <= rounds; r++) {
            scale(r);
            baseline(r);
        }
        memory();
    }

    static void scale(int round) {
        Topology tsar = Topology.tsar();
        try (SimulatedEngine engine = SimulatedEngine.builder(tsar).seed(1).build()) {
            List<Address> servers = new ArrayList<>();
            for (int s = 0; s < 64; s++) {
                servers.add(engine.spawn(tsar.core(s * 16), Echo::new));
            }
            List<LoadStats> stats = new ArrayList<>();
            int clients = 0;
            for (int core = 0; core < tsar.coreCount() && clients < 960; core++) {
                if (core % 16 == 0) {
                    continue;
                }
                LoadGenerator.Builder<Ping> load = LoadGenerator.to(servers.get(core / 16), (n, random) -> new Ping(n))
                        .closedLoop(1, 1_000, true).seed(core);
                stats.add(load.stats());
                engine.spawn(tsar.core(core), load.build());
                clients++;
            }
            long cpu0 = cpuNanos();
            long thread0 = threadCpuNanos();
            SimulationReport report = engine.runUntil(10_000_000);
            long thread = threadCpuNanos() - thread0;
            long cpu = cpuNanos() - cpu0;
            long completed = stats.stream().mapToLong(LoadStats::completed).sum();
            System.out.printf("scale round %d: 1024 cores, 64 servers, %d clients, 10 ms virtual: %.2f s wall, %.2f s process CPU, "
                            + "%.2f s simulating-thread CPU; %d messages (%.2f M/s wall, %.2f M/s process CPU, %.2f M/s thread CPU), "
                            + "%d events (%.2f M/s thread CPU, %.2f per message), %d requests completed, trace %s%n",
                    round, clients, report.hostNanos() / 1e9, cpu / 1e9, thread / 1e9, report.received(),
                    report.receivedPerHostSecond() / 1e6, report.received() * 1e3 / cpu, report.received() * 1e3 / thread,
                    report.events(), report.events() * 1e3 / thread, (double) report.events() / report.received(), completed,
                    report.traceHashHex());
        }
    }

    /** The baseline's event: one object per event, compared by (time, seq). */
    record Event(long time, long seq, int kind, int client, long payload) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    /**
     * The same closed-loop traffic with a PriorityQueue: client sends (think over), request arrives
     * at the server (queued behind its busy time, served), reply arrives at the client.
     */
    static void baseline(int round) {
        Topology tsar = Topology.tsar();
        CostModel cost = CostModel.tsar();
        int clients = 960;
        int[] clientCore = new int[clients];
        int[] serverOf = new int[clients];
        long[] latency = new long[clients];
        int n = 0;
        for (int core = 0; core < tsar.coreCount() && n < clients; core++) {
            if (core % 16 == 0) {
                continue;
            }
            clientCore[n] = core;
            serverOf[n] = core / 16;
            int hops = tsar.distance(tsar.clusterOf(tsar.core(core)), tsar.clusterOf(tsar.core((core / 16) * 16)));
            latency[n] = cost.messageLatency(hops, 48);
            n++;
        }
        long service = Math.round(2 * cost.localMemoryNanos());
        long[] serverFree = new long[64];
        long[] clientFree = new long[clients];
        SplittableRandom random = new SplittableRandom(1);
        PriorityQueue<Event> queue = new PriorityQueue<>();
        long seq = 0;
        for (int c = 0; c < clients; c++) {
            queue.add(new Event(0, seq++, 0, c, 0));
        }
        long t0 = System.nanoTime();
        long cpu0 = cpuNanos();
        long thread0 = threadCpuNanos();
        long messages = 0;
        long events = 0;
        while (!queue.isEmpty() && queue.peek().time() <= 10_000_000) {
            Event e = queue.poll();
            events++;
            int c = e.client();
            switch (e.kind()) {
                case 0 -> queue.add(new Event(e.time() + latency[c], seq++, 1, c, e.payload() + 1));
                case 1 -> {
                    int s = serverOf[c];
                    long start = Math.max(e.time(), serverFree[s]);
                    serverFree[s] = start + service + 10;
                    messages++;
                    queue.add(new Event(start + service + latency[c], seq++, 2, c, e.payload()));
                }
                default -> {
                    long start = Math.max(e.time(), clientFree[c]);
                    clientFree[c] = start + service + 10;
                    messages++;
                    long think = Math.max(1, Math.round(-Math.log(1 - random.nextDouble()) * 1_000));
                    queue.add(new Event(start + service + think, seq++, 0, c, e.payload()));
                }
            }
        }
        long thread = threadCpuNanos() - thread0;
        long host = System.nanoTime() - t0;
        long cpu = cpuNanos() - cpu0;
        System.out.printf("baseline round %d: PriorityQueue<Event> loop, same traffic, 10 ms virtual: %.2f s wall, "
                        + "%.2f s process CPU, %.2f s simulating-thread CPU; %d messages (%.2f M/s wall, %.2f M/s process CPU, "
                        + "%.2f M/s thread CPU), %d events (%.2f M/s thread CPU, %.2f per message)%n",
                round, host / 1e9, cpu / 1e9, thread / 1e9, messages, messages * 1e3 / host, messages * 1e3 / cpu,
                messages * 1e3 / thread, events, events * 1e3 / thread, (double) events / messages);
    }

    static void memory() {
        int agents = 1024;
        int perAgent = 1024;
        Topology tsar = Topology.tsar();
        Ping shared = new Ping(1);
        long before = usedAfterGc();
        SimulatedEngine engine = SimulatedEngine.builder(tsar).mailboxCapacity(perAgent).build();
        Address[] to = new Address[agents];
        for (int a = 0; a < agents; a++) {
            to[a] = engine.spawn(tsar.core(a), ctx -> () -> 0);
        }
        engine.runUntil(0);
        long withAgents = usedAfterGc();
        Address outside = new Address(tsar.core(0), 1 << 20);
        for (int i = 0; i < perAgent; i++) {
            for (int a = 0; a < agents; a++) {
                engine.inject(outside, to[a], shared, i);
            }
        }
        long withMessages = usedAfterGc();
        SimulationReport report = engine.report();
        double perEvent = (double) (withMessages - withAgents) / report.inFlight();
        System.out.printf("memory: engine with %d agents %.1f MiB; %d messages in flight add %.1f MiB = %.1f B per pending "
                        + "message (payload shared; includes the per-(from, to) order map of injections)%n",
                agents, (withAgents - before) / 1048576.0, report.inFlight(), (withMessages - withAgents) / 1048576.0,
                perEvent);
        engine.shutdown();
        engine = null;
        to = null;

        long base = usedAfterGc();
        PriorityQueue<Event> queue = new PriorityQueue<>();
        long count = (long) agents * perAgent;
        for (long i = 0; i < count; i++) {
            queue.add(new Event(i * 7 % 1_000_003, i, 1, (int) (i % 960), i));
        }
        long withQueue = usedAfterGc();
        System.out.printf("memory baseline: PriorityQueue<Event> of %d events (time, seq, kind, client, payload as "
                        + "fields, no envelope): %.1f B per pending event%n",
                queue.size(), (double) (withQueue - base) / queue.size());
        if (queue.isEmpty()) {
            System.out.println(Arrays.toString(new int[0]));
        }
    }

    /** @return CPU time of the whole process (java.base only: the module reads no java.management), GC and JIT included */
    private static long cpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
    }

    /**
     * @return CPU time of the calling thread alone (the simulating thread: the honest "on one core"
     *         figure, without the JIT and GC threads), from the kernel's {@code /proc/thread-self/schedstat}
     *         in nanoseconds, since the module reads no java.management; -1 where that file is missing
     */
    private static long threadCpuNanos() {
        try {
            String line = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/thread-self/schedstat"));
            return Long.parseLong(line.substring(0, line.indexOf(' ')));
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
