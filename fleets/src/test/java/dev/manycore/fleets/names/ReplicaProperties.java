package dev.manycore.fleets.names;

import dev.manycore.messaging.Address;
import dev.manycore.messaging.Name;
import dev.manycore.messaging.ThreadedEngine;
import dev.manycore.numa.Topology;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * fos report 4.8.2: every replica of the name table is identical after random concurrent
 * register, delete, move, unregister and claim updates from 8 clients against 4 members.
 */
class ReplicaProperties {

    enum Kind { REGISTER, REGISTER_SET, DELETE, UNREGISTER, MOVE, CLAIM }

    record Op(Kind kind, int name, int box, int other) {
    }

    @Provide
    Arbitrary<List<List<Op>>> workloads() {
        Arbitrary<Op> op = Combinators.combine(Arbitraries.of(Kind.class), Arbitraries.integers().between(0, 5),
                Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 3)).as(Op::new);
        return op.list().ofMinSize(4).ofMaxSize(14).list().ofSize(8);
    }

    @Property(tries = 25)
    void replicasAreIdenticalAfterRandomConcurrentUpdates(@ForAll("workloads") List<List<Op>> workload) throws Exception {
        Topology topology = Topology.tsar(4, 4);
        try (ThreadedEngine engine = ThreadedEngine.builder(topology).workers(2).build()) {
            engine.start();
            NameService service = NameService.builder(engine)
                    .cores(List.of(topology.core(0), topology.core(12), topology.core(48), topology.core(60))).start();
            service.fleet().whenView(v -> v.size() == 4).get(30, TimeUnit.SECONDS);
            List<CompletableFuture<Void>> clients = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                // six clients share one owner, two another, so ownership errors happen too
                NameServiceClient client = service.client(topology.core(8 * c + 5), c < 6 ? "p" : "q");
                CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
                for (Op op : workload.get(c)) {
                    chain = chain.thenCompose(x -> run(client, op, topology).handle((v, e) -> null));
                }
                clients.add(chain);
            }
            CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            NameServiceClient checker = service.client(topology.core(1), "checker");
            NameTableImage image = NameServiceTest.assertReplicasEqual(service, checker);
            for (NameEntry e : image.entries()) {
                assertEquals(e.mappings().size(), Set.copyOf(e.mappings()).size(), "no mapping twice in " + e);
            }
        }
    }

    private static CompletableFuture<Long> run(NameServiceClient client, Op op, Topology topology) {
        Name name = Name.of((op.name() % 2 == 0 ? "/p/n" : "/q/n") + op.name());
        Address box = new Address(topology.core(op.box() * 4 + 1), 500_000 + op.box());
        Address other = new Address(topology.core(op.other() * 4 + 2), 600_000 + op.other());
        return switch (op.kind()) {
            case REGISTER -> client.register(name, box, NameFlags.single());
            case REGISTER_SET -> client.register(name, box, NameFlags.serviceSet(LookupPolicy.ROUND_ROBIN));
            case DELETE -> client.delete(name);
            case UNREGISTER -> client.unregister(name, box);
            case MOVE -> client.move(name, box, other);
            case CLAIM -> client.claim(name.parent());
        };
    }
}
