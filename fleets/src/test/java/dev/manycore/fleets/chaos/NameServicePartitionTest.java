package dev.manycore.fleets.chaos;

import dev.manycore.fleets.MembershipView;
import dev.manycore.fleets.names.NameFlags;
import dev.manycore.fleets.names.NameService;
import dev.manycore.fleets.names.NameServiceClient;
import dev.manycore.fleets.names.NameServiceException;
import dev.manycore.fleets.names.NameTableImage;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.Fault;
import dev.manycore.messaging.FaultPlan;
import dev.manycore.messaging.Name;
import dev.manycore.messaging.NameResolver;
import dev.manycore.messaging.SimulatedEngine;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A partition longer than the suspicion time splits the name service fleet (FleetMember,
 * ViewAgreement: the primary-partition rule). Only the side with a quorum of the view installs a
 * new view and commits updates; the other side keeps its view, serves reads from its replica and
 * fails updates with a {@link NameServiceException}; once the partition heals the cut-off members
 * learn they were evicted, join again, copy the table, and every replica is identical.
 */
class NameServicePartitionTest {

    private static final long HEARTBEAT = 20_000;
    private static final long SUSPECT = 200_000;

    @Test
    void onlyTheMajorityMovesOnAndTheMinorityRejoinsWithTheSameTable() {
        // members on clusters 0 and 3 (the coordinator's side, 2 of 5) against clusters 7, 12 and 15
        Split split = new Split(List.of(0, 12, 28, 48, 60), Set.of(0, 1, 3));
        split.run();
        assertEquals(split.before.epoch(), split.minorityView.epoch(),
                "the minority (without a quorum) installed no view: " + split.minorityView);
        assertEquals(Set.copyOf(split.members.subList(2, 5)), Set.copyOf(split.majorityView.members()),
                "the majority removed the cut-off members");
        assertInstanceOf(NameServiceException.class, Outcomes.cause(split.minorityUpdate.exceptionNow()),
                "an update on the minority side fails with a documented error");
        assertTrue(split.majorityCommitted, "the majority committed its update during the partition");
    }

    @Test
    void anEvenSplitGoesToTheHalfWithTheCoordinator() {
        // members on clusters 0 and 3 (with the coordinator) against clusters 12 and 15
        Split split = new Split(List.of(0, 12, 48, 60), Set.of(0, 1, 3));
        split.run();
        assertEquals(Set.copyOf(split.members.subList(0, 2)), Set.copyOf(split.minorityView.members()),
                "the coordinator's half removed the other half");
        assertTrue(split.minorityView.epoch() > split.before.epoch(), "the coordinator's half moved on");
        assertEquals(split.before.epoch(), split.majorityView.epoch(),
                "the half without the coordinator installed no view: " + split.majorityView);
    }

    /** One run: a fleet, a long partition with a client on each side, the heal, the checks. */
    private static final class Split {
        final List<Integer> memberCores;
        final Set<Integer> island;
        List<Address> members;
        MembershipView before;
        MembershipView minorityView;
        MembershipView majorityView;
        CompletableFuture<Long> minorityUpdate;
        boolean majorityCommitted;

        Split(List<Integer> memberCores, Set<Integer> islandClusters) {
            this.memberCores = memberCores;
            this.island = islandClusters;
        }

        void run() {
            Topology topology = Topology.tsar(4, 4);
            NameResolver resolver = NameService.newResolver(topology);
            try (SimulatedEngine engine = SimulatedEngine.builder(topology).seed(7).nameResolver(resolver).build()) {
                List<CoreId> cores = new ArrayList<>();
                memberCores.forEach(c -> cores.add(topology.core(c)));
                NameService service = NameService.builder(engine).publishTo(resolver).cores(cores)
                        .failureDetection(Duration.ofNanos(HEARTBEAT), Duration.ofNanos(SUSPECT)).seed(7).start();
                Chaos.await(engine, service.fleet().whenView(v -> v.size() == cores.size()), 10_000_000, "the fleet forms");
                members = List.copyOf(service.fleet().view().members());
                before = service.fleet().view();
                NameServiceClient inside = service.client(topology.core(5), "inside")
                        .withTimeouts(Duration.ofNanos(400_000), Duration.ofNanos(1_000_000));
                NameServiceClient outside = service.client(topology.core(57), "outside")
                        .withTimeouts(Duration.ofNanos(400_000), Duration.ofNanos(1_000_000));
                Name shared = Name.of("/shared/x");
                Chaos.await(engine, outside.register(shared, new Address(topology.core(40), 1), NameFlags.single()),
                        engine.now() + 5_000_000, "a register before the partition");

                Set<dev.manycore.numa.ClusterId> cut = new LinkedHashSet<>();
                island.forEach(c -> cut.add(topology.cluster(c)));
                long start = engine.now() + 10_000;
                long length = 10 * SUSPECT;
                engine.schedule(new FaultPlan(List.of(new Fault.Partition(List.of(cut), start, length))));
                engine.runUntil(start + 4 * SUSPECT);

                // during the partition: each side's client updates through its nearest member
                minorityUpdate = inside.register(Name.of("/inside/k"), new Address(topology.core(6), 2), NameFlags.single());
                CompletableFuture<Long> majorityUpdate = outside.register(Name.of("/outside/k"),
                        new Address(topology.core(58), 3), NameFlags.single());
                engine.runUntil(start + 9 * SUSPECT);
                majorityCommitted = majorityUpdate.isDone() && !majorityUpdate.isCompletedExceptionally();
                Chaos.check(minorityUpdate.isDone(), () -> "the minority's update neither committed nor failed");
                // a minority member still serves reads from its replica (clients that follow the
                // newest published view go to the majority, unreachable from here: they time out)
                minorityView = viewOf(service, members.getFirst(), engine, inside);
                majorityView = viewOf(service, members.getLast(), engine, outside);

                // after the heal: every member is in one view again, and every replica is identical
                Chaos.await(engine, service.fleet().whenView(v -> v.members().equals(members)),
                        start + length + 50 * SUSPECT, "a view of all members after the heal");
                engine.runUntilQuiescent(engine.now() + 10_000_000);
                Chaos.check(service.fleet().conflictingViews().isEmpty(),
                        () -> "two views with one epoch: " + service.fleet().conflictingViews());
                List<NameTableImage> images = new ArrayList<>();
                for (Address m : members) {
                    images.add(Chaos.await(engine, outside.image(m), engine.now() + 5_000_000, "image of " + m));
                }
                Chaos.check(new LinkedHashSet<>(images).size() == 1, () -> "replicas differ after the heal: " + images);
                Chaos.check(images.getFirst().entries().stream().anyMatch(e -> e.name().equals(Name.of("/outside/k")))
                        == majorityCommitted, () -> "the majority's update is in the replicas iff it committed");
            }
        }

        /** @return the view of the member, as its replica of /sys/names shows it (its own epoch) */
        private static MembershipView viewOf(NameService service, Address member, SimulatedEngine engine,
                                             NameServiceClient client) {
            NameTableImage image = Chaos.await(engine, client.image(member), engine.now() + 1_000_000, "image of " + member);
            var self = image.entries().stream().filter(e -> e.name().equals(NameService.selfName())).findFirst().orElseThrow();
            List<Address> in = new ArrayList<>();
            self.mappings().forEach(m -> in.add(m));
            return new MembershipView(service.fleet().name(), self.version(), in);
        }
    }
}
