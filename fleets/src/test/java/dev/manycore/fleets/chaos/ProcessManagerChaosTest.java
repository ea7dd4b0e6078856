package dev.manycore.fleets.chaos;

import dev.manycore.dqdt.Dqdt;
import dev.manycore.fleets.Client;
import dev.manycore.fleets.RemoteFailureException;
import dev.manycore.fleets.internal.processes.ProcessRequests.Census;
import dev.manycore.fleets.internal.processes.ProcessRequests.Exit;
import dev.manycore.fleets.internal.processes.ProcessRequests.MemberCensus;
import dev.manycore.fleets.internal.processes.ProcessRequests.Spawn;
import dev.manycore.fleets.internal.processes.ProcessRequests.Spawned;
import dev.manycore.fleets.internal.processes.ProcessRequests.StartThread;
import dev.manycore.fleets.names.NameService;
import dev.manycore.fleets.pool.DPoolConfig;
import dev.manycore.fleets.pool.DPoolScheme;
import dev.manycore.fleets.processes.ExitStatus;
import dev.manycore.fleets.processes.NoSuchProcessException;
import dev.manycore.fleets.processes.ProcessManager;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.FaultPlan;
import dev.manycore.messaging.NameResolver;
import dev.manycore.messaging.SimulatedEngine;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;

/**
 * The process manager fleet (fos report 4.7.5; PIDs from a dPool, fos report 4.8.1) on the
 * simulated engine under faults drawn from the seed, with four clients spawning processes,
 * starting threads in them and ending them, while the faults happen. The PID space is small (16
 * PIDs for 3 members), so PIDs run out and are reused all the time.
 *
 * <p>Exposure, and why: the process records live only in the member that spawned them (they are
 * not replicated), so a member's crash loses its processes by design; what the fleet does specify
 * is that PIDs come from a dPool whose elements are "never duplicated or lost through join, leave
 * and failure" and that a PID is "never reused while anything of the old process remains". So one
 * of the three members may crash (agent or core), links slow down, members' mailboxes refuse sends
 * (FULL) for a while, and groups of client clusters are cut off for less than the suspicion time.
 *
 * <p>How the load is driven: {@link dev.manycore.fleets.processes.ProcessManagerClient} is
 * blocking only, which would stop virtual time; the test sends the fleet's own requests (Spawn,
 * StartThread, Exit) through its gateways, each once, to the process's manager. And
 * {@link ProcessManager.Builder#start()} itself blocks on a name-service claim of {@code /proc},
 * so it is started with {@link Chaos#startBlocking}.
 *
 * <p>Checked after each run: every request answered or failed with a documented error (none
 * lost); no PID handed to a second live process; after every known process exits, the census
 * counts at most the processes whose spawn timed out (their answer lost), and every PID is free,
 * in transit or held by such a process, except those held by processes of a crashed member:
 * {@code free + inTransit + remaining == max} when nothing was uncertain; with no crash, the DQDT's
 * thread counts equal the census's threads.
 */
class ProcessManagerChaosTest {

    private static final long SUSPECT = 200_000;
    private static final long WINDOW = 400_000;
    private static final int MAX_PROCESSES = 16;
    private static final Duration TIMEOUT = Duration.ofNanos(300_000);
    private static final ChaosFaults EXPOSURE = ChaosFaults.exposure(1, SUSPECT);

    static LongStream seeds() {
        return ChaosSeeds.seeds();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void pidsStayUniqueAndCountersComeBack(long seed) {
        Run run = new Run(seed);
        ChaosSeeds.run(ProcessManagerChaosTest.class, seed, run::execute, () -> run.plan);
    }

    /** A process a client spawned and has not asked to end. */
    private record Live(long pid, long inc, Address manager) {
    }

    @Test
    void aSeedReplaysTheSameRun() {
        ChaosSeeds.assertSameSeedSameTrace(seed -> {
            Run run = new Run(seed);
            run.execute();
            return run.trace;
        });
    }

    /** One seed's run. */
    private static final class Run {
        final long seed;
        final List<String> violations = new ArrayList<>();
        final Map<Long, Live> live = new HashMap<>();
        final List<Live> uncertain = new ArrayList<>();
        int spawnTimeouts;
        FaultPlan plan;
        long trace;
        SimulatedEngine engine;
        ProcessManager pm;

        Run(long seed) {
            this.seed = seed;
        }

        void execute() {
            Topology topology = Topology.tsar(4, 4);
            NameResolver resolver = NameService.newResolver(topology);
            try (SimulatedEngine sim = SimulatedEngine.builder(topology).seed(seed).nameResolver(resolver).build()) {
                engine = sim;
                Dqdt dqdt = Dqdt.of(topology);
                NameService names = NameService.builder(engine).publishTo(resolver).cores(List.of(topology.core(0)))
                        .seed(seed).start();
                Chaos.await(engine, names.fleet().whenView(v -> v.size() == 1), 10_000_000, "the name service forms");
                DPoolConfig pidPool = DPoolConfig.builder().scheme(DPoolScheme.values()[(int) Math.floorMod(seed, 5)])
                        .lowWater(1).highWater(6).blockSize(2).period(Duration.ofNanos(50_000)).transferTimeout(TIMEOUT)
                        .build();
                ProcessManager.Builder builder = ProcessManager.builder(engine, dqdt, names).cores(List.of(
                                topology.core(12), topology.core(48), topology.core(60))).maxProcesses(MAX_PROCESSES)
                        .pidPool(pidPool).timeout(TIMEOUT).seed(seed);
                pm = Chaos.startBlocking(engine, builder::start, 20_000_000);
                Chaos.await(engine, pm.fleet().whenView(v -> v.size() == 3), 10_000_000, "the process fleet forms");
                List<Address> members = List.copyOf(pm.fleet().view().members());
                long start = engine.now();
                plan = EXPOSURE.draw(seed, topology, members, start + 20_000, WINDOW, 4);
                engine.schedule(plan);

                Outcomes outcomes = new Outcomes();
                SplittableRandom random = new SplittableRandom(seed);
                int[] clientCores = {5, 22, 39, 57};
                List<Client> gateways = new ArrayList<>();
                for (int c = 0; c < clientCores.length; c++) {
                    Client gateway = Client.open(engine, topology.core(clientCores[c]));
                    gateways.add(gateway);
                    List<Live> mine = new ArrayList<>();
                    for (int i = 0; i < 30; i++) {
                        long at = start + random.nextLong(WINDOW + 100_000);
                        int kind = random.nextInt(10);
                        int arg = random.nextInt(1_000);
                        engine.at(at, () -> act(gateway, mine, kind, arg, outcomes));
                    }
                }
                long end = start + WINDOW + 200_000;
                engine.runUntil(end);
                Chaos.settle(engine, outcomes, end + 20_000_000);

                List<String> lost = outcomes.lost();
                Chaos.check(lost.isEmpty(), () -> lost.size() + " requests lost (no answer, no error): " + lost);
                List<String> odd = outcomes.unexpectedFailures(Run::documented);
                Chaos.check(odd.isEmpty(), () -> "requests failed with undocumented errors: " + odd);
                Chaos.check(violations.isEmpty(), () -> "violations during the run: " + violations);
                Chaos.check(outcomes.answered() > 0, () -> "no request was answered: " + outcomes);

                // failure detection at the fleet's default timing (the process manager sets no other)
                Chaos.await(engine, pm.fleet().whenView(v -> v.members().stream().allMatch(engine::isLive)),
                        engine.now() + 5_000_000_000L, "a view without crashed members");
                engine.runUntilQuiescent(engine.now() + 10_000_000);
                endEverything(gateways.getFirst(), dqdt, topology);
                trace = engine.report().traceHash();
            }
        }

        /** A client's next action, at its scheduled virtual time. */
        private void act(Client gateway, List<Live> mine, int kind, int arg, Outcomes outcomes) {
            if (kind < 4) {
                Address to = nearestMember(gateway.core());
                if (to == null) {
                    return;
                }
                CompletableFuture<Spawned> f = outcomes.sent("spawn at " + to, gateway.call(to, new Spawn("p", 0, -1),
                        TIMEOUT));
                f.whenComplete((s, failure) -> {
                    if (s != null) {
                        Live p = new Live(s.pid(), s.inc(), to);
                        Live before = live.putIfAbsent(s.pid(), p);
                        if (before != null) {
                            violations.add("PID " + s.pid() + " given to a new process at " + to + " while process "
                                    + before + " is alive");
                        }
                        mine.add(p);
                    } else if (Outcomes.isTimeout(failure)) {
                        spawnTimeouts++;
                    }
                });
            } else if (kind < 6) {
                if (mine.isEmpty()) {
                    return;
                }
                Live p = mine.get(arg % mine.size());
                outcomes.sent("thread in " + p, gateway.call(p.manager(), new StartThread(p.pid(), p.inc(),
                        gateway.core()), TIMEOUT));
            } else {
                if (mine.isEmpty()) {
                    return;
                }
                Live p = mine.remove(arg % mine.size());
                live.remove(p.pid());
                CompletableFuture<ExitStatus> f = outcomes.sent("exit of " + p, gateway.call(p.manager(),
                        new Exit(p.pid(), p.inc(), arg), TIMEOUT));
                f.whenComplete((status, failure) -> {
                    if (failure != null) {
                        if (Outcomes.isTimeout(failure)) {
                            uncertain.add(p);
                        } else {
                            violations.add("exit of live " + p + " failed: " + Outcomes.cause(failure));
                        }
                    } else if (status.pid() != p.pid() || !status.exited()) {
                        violations.add("exit of " + p + " answered " + status);
                    }
                });
            }
        }

        private Address nearestMember(CoreId from) {
            Topology t = engine.topology();
            return Chaos.nearestMember(t, t.clusterOf(from), pm.fleet().view().members());
        }

        /** The errors the process manager documents: out of PIDs, no such process, no answer in time. */
        private static boolean documented(Throwable failure) {
            Throwable t = Outcomes.cause(failure);
            return Outcomes.isTimeout(t) || t instanceof RemoteFailureException r
                    && r.remoteType().startsWith("dev.manycore.fleets.processes.");
        }

        /** Ends every process still known, then counts what the fleet holds. */
        private void endEverything(Client gateway, Dqdt dqdt, Topology topology) {
            int lostWithCrash = 0;
            for (Live p : List.copyOf(live.values())) {
                if (!engine.isLive(p.manager())) {
                    lostWithCrash++;
                    continue;
                }
                ExitStatus s = Chaos.await(engine, gateway.call(p.manager(), new Exit(p.pid(), p.inc(), 0), TIMEOUT),
                        engine.now() + 20_000_000, "exit of " + p + " after the faults");
                Chaos.check(s.exited() && s.pid() == p.pid(), () -> "exit of " + p + " answered " + s);
            }
            int uncertainLost = 0;
            for (Live p : uncertain) {
                if (!engine.isLive(p.manager())) {
                    uncertainLost++;
                    continue;
                }
                CompletableFuture<ExitStatus> f = gateway.call(p.manager(), new Exit(p.pid(), p.inc(), 0), TIMEOUT);
                engine.runUntilDone(f, engine.now() + 20_000_000);
                Chaos.check(f.isDone(), () -> "exit of " + p + " (its first exit timed out) got no answer");
                if (f.isCompletedExceptionally()) {
                    Throwable t = Outcomes.cause(f.exceptionNow());
                    Chaos.check(t instanceof RemoteFailureException r
                                    && r.remoteType().equals(NoSuchProcessException.class.getName()),
                            () -> "exit of " + p + " (its first exit timed out) failed with " + t);
                }
            }
            engine.runUntilQuiescent(engine.now() + 10_000_000);
            int processes = 0;
            int threads = 0;
            int known = 0;
            for (Address m : pm.fleet().view().members()) {
                MemberCensus c = Chaos.await(engine, gateway.call(m, new Census(), TIMEOUT), engine.now() + 20_000_000,
                        "census of " + m);
                processes += c.processes();
                threads += c.threads();
                known += c.freePids() + c.pidsInTransit() + c.processes();
            }
            int remaining = processes;
            int pidsKnown = known;
            Chaos.check(remaining <= spawnTimeouts, () -> remaining + " processes remain after every known one exited,"
                    + " but only " + spawnTimeouts + " spawns went unanswered");
            Chaos.check(pidsKnown <= MAX_PROCESSES, () -> pidsKnown + " PIDs free, in transit or held: more than the "
                    + MAX_PROCESSES + " there are (a PID was duplicated)");
            int unsure = uncertainLost;
            int mayBeMissing = lostWithCrash + uncertainLost + spawnTimeouts;
            int crashLost = lostWithCrash;
            Chaos.check(pidsKnown >= MAX_PROCESSES - mayBeMissing, () -> "PIDs lost: " + pidsKnown + " free, in transit or"
                    + " held of " + MAX_PROCESSES + "; at most " + mayBeMissing + " may be missing (" + crashLost
                    + " processes of a crashed member, " + unsure + " unsure exits there, " + spawnTimeouts
                    + " unanswered spawns)");
            boolean crashed = plan.faults().stream().anyMatch(f -> f instanceof dev.manycore.messaging.Fault.CrashAgent
                    || f instanceof dev.manycore.messaging.Fault.CrashCore);
            if (!crashed) {
                long charged = 0;
                for (int i = 0; i < topology.coreCount(); i++) {
                    charged += dqdt.threads(topology.core(i));
                }
                long dqdtThreads = charged;
                int censusThreads = threads;
                Chaos.check(dqdtThreads == censusThreads, () -> "the DQDT charges " + dqdtThreads
                        + " threads, the census counts " + censusThreads);
            }
        }
    }
}
