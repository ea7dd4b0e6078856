package dev.manycore.benchmarks.sim;

import dev.manycore.fleets.names.NameFlags;
import dev.manycore.fleets.names.NameService;
import dev.manycore.fleets.names.NameServiceClient;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.FaultPlan;
import dev.manycore.messaging.Name;
import dev.manycore.messaging.NameResolver;
import dev.manycore.messaging.SimulatedEngine;
import dev.manycore.numa.Topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A first probe toward issue 8's chaos suite, on the one fleet that exists (the name service): for
 * each seed, four members, three clients that each submit 20 registers and 20 lookups at once,
 * and random faults drawn from the seed (crashes of members, link delays, full mailboxes,
 * partitions) in the first 100 us; after 20 ms of virtual time every request must have an outcome
 * (answered, or failed with an error to its caller): none lost. It prints one line per seed, and
 * for a seed with lost requests the command that replays it. Each lookup is submitted together with
 * its register, so many lookups fail with not-found by design (they race the commit): the probe
 * counts outcomes, it does not grade them, and it checks no replica contents yet.
 * Run: {@code java -cp benchmarks/target/benchmarks.jar dev.manycore.benchmarks.sim.NameServiceChaosProbe [seeds] [first]}.
 */
public final class NameServiceChaosProbe {

    private NameServiceChaosProbe() {
    }

    /** @param args optional: number of seeds (default 50), first seed (default 1) */
    public static void main(String[] args) {
        int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        long firstSeed = args.length > 1 ? Long.parseLong(args[1]) : 1;
        int bad = 0;
        for (long seed = firstSeed; seed < firstSeed + seeds; seed++) {
            if (!once(seed)) {
                bad++;
                System.out.printf("seed %d LOST REQUESTS; replay: java -cp benchmarks/target/benchmarks.jar %s 1 %d%n", seed,
                        NameServiceChaosProbe.class.getName(), seed);
            }
        }
        System.out.printf("%d seeds, %d with lost requests%n", seeds, bad);
    }

    private static boolean once(long seed) {
        Topology topology = Topology.tsar(4, 4);
        NameResolver resolver = NameService.newResolver(topology);
        try (SimulatedEngine engine = SimulatedEngine.builder(topology).seed(seed).nameResolver(resolver).build()) {
            NameService service = NameService.builder(engine).publishTo(resolver)
                    .cores(List.of(topology.core(0), topology.core(12), topology.core(48), topology.core(60)))
                    .failureDetection(Duration.ofNanos(20_000), Duration.ofNanos(200_000)).seed(seed).start();
            CompletableFuture<?> formed = service.fleet().whenView(v -> v.size() == 4);
            while (!formed.isDone() && engine.now() < 10_000_000) {
                engine.runFor(10_000);
            }
            List<Address> members = new ArrayList<>(service.fleet().view().members());
            FaultPlan plan = engine.scheduleRandomFaults(members, 100_000, 3);
            List<CompletableFuture<?>> requests = new ArrayList<>();
            for (int c = 0; c < 3; c++) {
                NameServiceClient client = service.client(topology.core(20 + 10 * c), "app" + c)
                        .withTimeouts(Duration.ofNanos(2_000_000), Duration.ofNanos(5_000_000));
                for (int i = 0; i < 20; i++) {
                    Name name = Name.of("/app" + c + "/n" + i);
                    requests.add(client.register(name, new Address(topology.core(7), 900_000 + i), NameFlags.single()));
                    requests.add(client.lookup(name));
                }
            }
            engine.runFor(20_000_000);
            long answered = requests.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).count();
            long failed = requests.stream().filter(CompletableFuture::isCompletedExceptionally).count();
            long lost = requests.size() - answered - failed;
            System.out.printf("seed %d: %d faults (%s), %d requests: %d answered, %d failed with an error, %d lost; "
                            + "view of %d; trace %s%n", seed, plan.faults().size(), kinds(plan), requests.size(), answered,
                    failed, lost, service.fleet().view().size(), engine.report().traceHashHex());
            return lost == 0;
        }
    }

    private static String kinds(FaultPlan plan) {
        return plan.faults().stream().map(f -> f.getClass().getSimpleName()).reduce((a, b) -> a + " " + b).orElse("");
    }
}
