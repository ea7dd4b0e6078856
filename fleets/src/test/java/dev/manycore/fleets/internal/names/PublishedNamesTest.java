package dev.manycore.fleets.internal.names;

import dev.manycore.messaging.Address;
import dev.manycore.messaging.Name;
import dev.manycore.messaging.NameBinding;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine resolver's watchers: kept for bindings handed out, never for misses. */
class PublishedNamesTest {

    private static final Topology TOPOLOGY = Topology.mesh(2, 2).coresPerCluster(1).build();
    private static final Address SERVER = new Address(new CoreId(0), 1);
    private static final Address A = new Address(new CoreId(1), 1);
    private static final Address B = new Address(new CoreId(2), 1);

    private final PublishedNames names = new PublishedNames(TOPOLOGY);

    @Test
    void probingNamesThatWereNeverBoundLeavesNoWatcher() {
        for (int i = 0; i < 10_000; i++) {
            assertEquals(Optional.empty(), names.resolve(Name.of("/missing/n" + i), A));
        }

        assertEquals(0, names.watchedNames());
    }

    @Test
    void aMissOnADeletedNameLeavesNoWatcher() {
        Name name = Name.of("/svc");
        names.publish(name, List.of(SERVER), 1);
        names.publish(name, List.of(), 2);

        assertEquals(Optional.empty(), names.resolve(name, A));
        assertEquals(0, names.watchedNames());
    }

    @Test
    void aRequesterHandedABindingIsTakenByTheDeleteThatMakesItStale() {
        Name name = Name.of("/svc");
        names.publish(name, List.of(SERVER), 1);

        Optional<NameBinding> got = names.resolve(name, A);
        names.publish(name, List.of(), 2);

        assertEquals(Optional.of(new NameBinding(name, SERVER, 1)), got);
        assertEquals(Set.of(A), names.takeWatchers(name));
        assertEquals(0, names.watchedNames());
    }

    @Test
    void aMissRemovesOnlyTheMissingRequester() {
        Name name = Name.of("/svc");
        names.publish(name, List.of(SERVER), 1);
        names.resolve(name, A);
        // the delete is published; its replica has not taken the watchers yet
        names.publish(name, List.of(), 2);

        assertEquals(Optional.empty(), names.resolve(name, B));
        assertEquals(Set.of(A), names.watchersOf(name));
        assertTrue(names.takeWatchers(name).contains(A));
    }
}
