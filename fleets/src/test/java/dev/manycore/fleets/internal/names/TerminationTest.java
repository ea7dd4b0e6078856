package dev.manycore.fleets.internal.names;

import dev.manycore.fleets.Client;
import dev.manycore.fleets.MembershipView;
import dev.manycore.fleets.internal.names.CommitProtocol.Commit;
import dev.manycore.fleets.internal.names.CommitProtocol.Inquiry;
import dev.manycore.fleets.internal.names.CommitProtocol.Prepare;
import dev.manycore.fleets.internal.names.CommitProtocol.TxId;
import dev.manycore.fleets.internal.names.NameRequests.Register;
import dev.manycore.fleets.names.NameFlags;
import dev.manycore.fleets.names.NameNotFoundException;
import dev.manycore.fleets.names.NameService;
import dev.manycore.fleets.names.NameServiceClient;
import dev.manycore.fleets.names.NameServiceTestAccess;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.Name;
import dev.manycore.messaging.ThreadedEngine;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The termination round for transactions whose coordinator is gone: a probe prepares an update at
 * every member of a fleet of five and then vanishes (it is never in the view); a view change makes
 * the survivors ask each other. If one of them received the commit, all commit; if none did, all
 * abort; and this holds with two members failing during the commit, not only one.
 */
class TerminationTest {

    ThreadedEngine engine;
    NameService service;
    Client probe;
    NameServiceClient client;
    Address box;
    MembershipView view;

    @BeforeEach
    void start() throws Exception {
        Topology topology = Topology.tsar(2, 2);
        engine = ThreadedEngine.builder(topology).workers(2).build();
        engine.start();
        service = NameService.builder(engine).cores(List.of(topology.core(0), topology.core(3),
                        topology.core(5), topology.core(10), topology.core(15)))
                .failureDetection(Duration.ofMillis(50), Duration.ofMillis(1000)).start();
        view = service.fleet().whenView(v -> v.size() == 5).get(30, TimeUnit.SECONDS);
        probe = Client.open(engine, topology.core(6));
        client = service.client(topology.core(7), "owner");
        box = new Address(topology.core(9), 4343);
    }

    @AfterEach
    void stop() {
        engine.shutdown();
    }

    private void fromProbe(List<Address> to, Object message) {
        Client.await(probe.execute(ctx -> {
            for (Address m : to) {
                ctx.send(m, message);
            }
            return CompletableFuture.completedFuture(null);
        }));
    }

    private void crashLastAndAwaitTheViewChange() throws Exception {
        crashAndAwaitTheViewChange(List.of(view.members().getLast()));
    }

    /** Crashes the victims at once (two of five leave a quorum) and waits for a view without them. */
    private void crashAndAwaitTheViewChange(List<Address> victims) throws Exception {
        victims.forEach(service.fleet()::failStop); // fail-stop: mailboxes close
        service.fleet().whenView(v -> victims.stream().noneMatch(v::contains)).get(30, TimeUnit.SECONDS);
    }

    /** Every replica applied the update, and a lookup finds it. */
    private void assertCommittedEverywhere(Name name) {
        NameServiceTestAccess.assertReplicasEqual(service, client);
        assertEquals(box, client.blocking().lookup(name));
    }

    /** No replica applied the update, and the name's lock was released. */
    private void assertAbortedEverywhere(Name name) {
        NameServiceTestAccess.assertReplicasEqual(service, client);
        assertThrows(NameNotFoundException.class, () -> client.blocking().lookup(name));
        assertEquals(1, client.blocking().register(name, box, NameFlags.single()), "the lock was released");
    }

    /** The probe prepares a registration of the name at every member, and will never decide it. */
    private TxId preparedEverywhere(Name name) {
        TxId tx = new TxId(1, probe.address(), 0);
        fromProbe(view.members(), prepare(tx, name));
        return tx;
    }

    private Prepare prepare(TxId tx, Name name) {
        return new Prepare(tx, view.epoch(), new Register(name, box, "owner", NameFlags.single()), view.members());
    }

    @Test
    void ifOneSurvivorCommittedEveryoneCommits() throws Exception {
        Name name = Name.of("/terminated/commit");
        TxId tx = preparedEverywhere(name);
        // the probe "dies" after its commit reached only the first member
        fromProbe(List.of(view.members().getFirst()), new Commit(tx));
        crashLastAndAwaitTheViewChange();
        assertCommittedEverywhere(name);
    }

    @Test
    void ifNoSurvivorCommittedEveryoneAbortsAndTheNameIsFreeAgain() throws Exception {
        Name name = Name.of("/terminated/abort");
        preparedEverywhere(name);
        crashLastAndAwaitTheViewChange();
        assertAbortedEverywhere(name);
    }

    @Test
    void twoFailuresDuringTheCommitStillCommitWhenOneSurvivorKnowsIt() throws Exception {
        Name name = Name.of("/terminated/twice/commit");
        TxId tx = preparedEverywhere(name);
        // the commit reached the first member only; the coordinator and two other members fail
        fromProbe(List.of(view.members().getFirst()), new Commit(tx));
        crashAndAwaitTheViewChange(view.members().subList(3, 5));
        assertCommittedEverywhere(name);
    }

    @Test
    void twoFailuresThatTakeEveryMemberThatCommittedLeaveTheOthersToAbort() throws Exception {
        Name name = Name.of("/terminated/twice/abort");
        TxId tx = preparedEverywhere(name);
        // the commit reached the last two members only, and both fail
        fromProbe(view.members().subList(3, 5), new Commit(tx));
        crashAndAwaitTheViewChange(view.members().subList(3, 5));
        assertAbortedEverywhere(name);
    }

    @Test
    void aMemberThatAnsweredUnknownNeverPreparesTheTransaction() {
        Name name = Name.of("/terminated/unknown");
        TxId tx = new TxId(1, probe.address(), 0);
        Address member = view.members().get(2);
        // a termination round asks before the prepare arrives (held at a cut, for instance); the
        // member answers UNKNOWN, so the prepare, and a commit after it, must change nothing
        fromProbe(List.of(member), new Inquiry(tx));
        fromProbe(List.of(member), prepare(tx, name));
        fromProbe(List.of(member), new Commit(tx));
        assertTrue(client.blocking().image(member).entries().stream().noneMatch(e -> e.name().equals(name)),
                "the member applied a transaction it had promised never to prepare");
        assertEquals(1, client.blocking().register(name, box, NameFlags.single()), "no lock was left behind");
    }
}
