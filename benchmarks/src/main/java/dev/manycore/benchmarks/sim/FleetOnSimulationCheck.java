package dev.manycore.benchmarks.sim;

import dev.manycore.fleets.MembershipView;
import dev.manycore.fleets.names.NameFlags;
import dev.manycore.fleets.names.NameService;
import dev.manycore.fleets.names.NameServiceClient;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.Fault;
import dev.manycore.messaging.Name;
import dev.manycore.messaging.NameResolver;
import dev.manycore.messaging.SimulatedEngine;
import dev.manycore.messaging.SimulationReport;
import dev.manycore.numa.Topology;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The fleets' name service, unchanged, on the simulated engine (issue 8: "the same servers, fleets
 * and ServerContext as the threaded engine"): four members on a 4 x 4 TSAR mesh, a register and a
 * lookup, then a {@link Fault.CrashAgent} of the coordinator, the view change by heartbeats in
 * virtual time, and a lookup after it; run twice with one seed to compare the trace hashes. The
 * driving thread submits operations between runs and the engine completes their futures.
 * Run: {@code java -cp benchmarks/target/benchmarks.jar dev.manycore.benchmarks.sim.FleetOnSimulationCheck}.
 */
public final class FleetOnSimulationCheck {

    private FleetOnSimulationCheck() {
    }

    /** @param args unused */
    public static void main(String[] args) {
        String first = once(7);
        String second = once(7);
        System.out.printf("same seed, same trace: %s%n", first.equals(second));
    }

    private static String once(long seed) {
        Topology topology = Topology.tsar(4, 4);
        NameResolver resolver = NameService.newResolver(topology);
        try (SimulatedEngine engine = SimulatedEngine.builder(topology).seed(seed).nameResolver(resolver).build()) {
            NameService service = NameService.builder(engine).publishTo(resolver)
                    .cores(List.of(topology.core(0), topology.core(12), topology.core(48), topology.core(60)))
                    .failureDetection(Duration.ofNanos(20_000), Duration.ofNanos(200_000)).seed(seed).start();
            MembershipView view = await(engine, service.fleet().whenView(v -> v.size() == 4), "4 members");
            NameServiceClient client = service.client(topology.core(5), "app");
            Address target = new Address(topology.core(9), 123_456);
            Name name = Name.of("/app/x");
            long version = await(engine, client.register(name, target, NameFlags.single()), "register");
            Address found = await(engine, client.lookup(name), "lookup");
            System.out.printf("t %d ns: view of %d, registered %s at version %d, lookup -> %s (%s)%n", engine.now(),
                    view.size(), name, version, found, found.equals(target) ? "ok" : "WRONG");

            Address victim = service.fleet().view().coordinator();
            engine.schedule(new Fault.CrashAgent(victim, engine.now() + 1_000));
            MembershipView after = await(engine, service.fleet().whenView(v -> !v.contains(victim)), "view change");
            Address again = await(engine, client.lookup(name), "lookup after the crash");
            SimulationReport report = engine.report();
            System.out.printf("t %d ns: coordinator %s crashed, view of %d, lookup -> %s (%s); %d messages, %d lost to "
                            + "the crash, trace %s%n", engine.now(), victim, after.size(), again,
                    again.equals(target) ? "ok" : "WRONG", report.received(), report.lostToCrash(), report.traceHashHex());
            return report.traceHashHex();
        }
    }

    private static <T> T await(SimulatedEngine engine, CompletableFuture<T> future, String what) {
        if (!engine.runUntilDone(future, engine.now() + 100_000_000L)) {
            throw new IllegalStateException(what + " did not complete within 100 ms of virtual time (t " + engine.now() + " ns)");
        }
        return future.join();
    }
}
