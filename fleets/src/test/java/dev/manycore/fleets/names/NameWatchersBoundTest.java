package dev.manycore.fleets.names;

import dev.manycore.messaging.Address;
import dev.manycore.messaging.Name;
import dev.manycore.messaging.SimulatedEngine;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A member remembers at most {@code maxWatchersPerName} requesters of a name (to invalidate their
 * caches when it changes); a lookup by one more fails with {@link NameWatchersFullException}.
 */
class NameWatchersBoundTest {

    @Test
    void aLookupBeyondTheBoundOfRequestersFailsNamingTheNameAndTheBound() {
        Topology topology = Topology.tsar(2, 2);
        try (SimulatedEngine engine = SimulatedEngine.builder(topology).seed(3).build()) {
            NameService service = NameService.builder(engine).cores(List.of(topology.core(0)))
                    .failureDetection(Duration.ofNanos(20_000), Duration.ofNanos(200_000)).maxWatchersPerName(2).start();
            Name name = Name.of("/watched/x");
            Address box = new Address(topology.core(9), 99);
            NameServiceClient owner = client(service, topology, 1, "owner");
            assertEquals(1L, run(engine, owner.register(name, box, NameFlags.single())));
            assertEquals(box, run(engine, client(service, topology, 2, "a").lookup(name)));
            assertEquals(box, run(engine, client(service, topology, 3, "b").lookup(name)));
            NameServiceClient third = client(service, topology, 4, "c");
            CompletionException e = assertThrows(CompletionException.class, () -> run(engine, third.lookup(name)));
            NameWatchersFullException full = assertInstanceOf(NameWatchersFullException.class, e.getCause());
            assertEquals(name, full.name());
            assertTrue(full.getMessage().contains("2 requesters of /watched/x"), full.getMessage());
            // a delete invalidates (and forgets) the requesters, so a new one fits again
            run(engine, owner.delete(name));
            run(engine, owner.register(name, box, NameFlags.single()));
            assertEquals(box, run(engine, third.lookup(name)));
        }
    }

    @Test
    void theBoundMustBePositive() {
        Topology topology = Topology.tsar(2, 2);
        try (SimulatedEngine engine = SimulatedEngine.builder(topology).seed(3).build()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> NameService.builder(engine).maxWatchersPerName(0));
            assertTrue(e.getMessage().contains("maxWatchersPerName 0"), e.getMessage());
        }
    }

    private static NameServiceClient client(NameService service, Topology topology, int core, String owner) {
        return service.client(topology.core(core), owner)
                .withTimeouts(Duration.ofNanos(1_000_000), Duration.ofNanos(2_000_000));
    }

    private static <T> T run(SimulatedEngine engine, CompletableFuture<T> f) {
        assertTrue(engine.runUntilDone(f, engine.now() + 50_000_000L), "not done");
        return f.join();
    }
}
