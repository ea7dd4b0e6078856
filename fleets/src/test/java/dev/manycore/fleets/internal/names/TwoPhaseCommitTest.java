package dev.manycore.fleets.internal.names;

import dev.manycore.fleets.Client;
import dev.manycore.fleets.internal.names.CommitProtocol.Abort;
import dev.manycore.fleets.internal.names.CommitProtocol.Prepare;
import dev.manycore.fleets.internal.names.CommitProtocol.TxId;
import dev.manycore.fleets.internal.names.NameRequests.Register;
import dev.manycore.fleets.names.NameConflictException;
import dev.manycore.fleets.names.NameFlags;
import dev.manycore.fleets.names.NameService;
import dev.manycore.fleets.names.NameServiceClient;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.Name;
import dev.manycore.messaging.ThreadedEngine;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Wait-die conflicts, made deterministic: a probe plays the coordinator of a transaction that
 * holds a name's lock at every member, then a real update of the same name arrives.
 */
class TwoPhaseCommitTest {

    ThreadedEngine engine;
    NameService service;
    Client probe;
    NameServiceClient client;
    Address box;

    @BeforeEach
    void start() throws Exception {
        Topology topology = Topology.tsar(2, 2);
        engine = ThreadedEngine.builder(topology).workers(2).build();
        engine.start();
        service = NameService.builder(engine).cores(List.of(topology.core(0), topology.core(15))).start();
        service.fleet().whenView(v -> v.size() == 2).get(30, TimeUnit.SECONDS);
        probe = Client.open(engine, topology.core(5));
        client = service.client(topology.core(6), "owner");
        box = new Address(topology.core(9), 4242);
    }

    @AfterEach
    void stop() {
        engine.shutdown();
    }

    /** Sends a message from the probe to every member; the probe's own mailbox collects the votes. */
    private void fromProbe(Object message) {
        Client.await(probe.execute(ctx -> {
            for (Address m : service.fleet().members()) {
                ctx.send(m, message);
            }
            return CompletableFuture.completedFuture(null);
        }));
    }

    @Test
    void aYoungerUpdateOfALockedNameGetsAConflictError() {
        Name name = Name.of("/locked");
        TxId older = new TxId(Long.MIN_VALUE, probe.address(), 0);
        fromProbe(new Prepare(older, service.fleet().view().epoch(), new Register(name, box, "owner", NameFlags.single()),
                service.fleet().view().members()));
        NameConflictException e = assertThrows(NameConflictException.class,
                () -> client.blocking().register(name, box, NameFlags.single()));
        assertEquals(name, e.name());
        assertTrue(e.getMessage().contains("/locked"), e.getMessage());
        fromProbe(new Abort(older));
        assertEquals(1, client.blocking().register(name, box, NameFlags.single()), "the lock is released by the abort");
    }

    @Test
    void anOlderUpdateWaitsForTheLockAndThenCommits() throws Exception {
        Name name = Name.of("/waited");
        TxId younger = new TxId(Long.MAX_VALUE, probe.address(), 0);
        fromProbe(new Prepare(younger, service.fleet().view().epoch(), new Register(name, box, "owner", NameFlags.single()),
                service.fleet().view().members()));
        CompletableFuture<Long> waiting = client.register(name, box, NameFlags.single());
        // the client's update is older: it waits instead of failing; a lookup shows nothing committed yet
        assertThrows(dev.manycore.fleets.names.NameNotFoundException.class, () -> client.blocking().lookup(name));
        assertFalse(waiting.isDone());
        fromProbe(new Abort(younger));
        assertEquals(1L, waiting.get(30, TimeUnit.SECONDS));
        assertEquals(box, client.blocking().lookup(name));
    }
}
