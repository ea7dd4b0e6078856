package dev.manycore.fleets.internal.names;

import dev.manycore.fleets.internal.Nearest;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.Name;
import dev.manycore.messaging.NameBinding;
import dev.manycore.messaging.NameResolver;
import dev.manycore.numa.Topology;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The engine-level {@link NameResolver} backed by the name service (fos paper 3.1.1: the
 * microkernel's name cache is filled from the name server fleet). A send by name that misses its
 * core's {@link dev.manycore.messaging.NameCache} is resolved here, on the sender's thread, without
 * a message round trip: every replica publishes each committed change of a name into this
 * directory, keeping the highest version (versions of one name are totally ordered by its commit
 * lock, so concurrent publishers converge on the newest state).
 *
 * <p>Invalidation handshake, so no requester keeps a stale binding: {@link #resolve} first records
 * the requester as a watcher, then reads; a replica that commits a delete or move first publishes,
 * then takes the watchers and sends each a {@link dev.manycore.messaging.NameInvalidation}. A
 * resolve that read the old binding registered before the take, so it is invalidated; one that
 * registered after it reads the new binding. A resolve that finds no binding leaves no watcher
 * behind: a miss is never cached (the sender gets {@link dev.manycore.messaging.NameNotBoundException}),
 * so there is nothing to invalidate, and requesters probing names that do not exist cannot grow the
 * watcher table. The table so holds at most one entry per bound name and requester that resolved it.
 * A requester is added inside the map's own atomic {@code compute}, so it can never land in a set
 * that a concurrent miss's clean-up or a replica's take has just unlinked (jcstress
 * {@code PublishedNamesWatchStress}).
 *
 * <p>Thread-safe (concurrent maps; linearisation points: the map operations).
 */
public final class PublishedNames implements NameResolver {

    private final Topology topology;
    private final Map<Name, Published> names = new ConcurrentHashMap<>();
    private final Map<Name, Set<Address>> watchers = new ConcurrentHashMap<>();

    /**
     * @param topology the machine, for choosing the nearest mapping
     */
    public PublishedNames(Topology topology) {
        this.topology = topology;
    }

    @Override
    public Optional<NameBinding> resolve(Name name, Address requester) {
        watchers.compute(name, (n, set) -> {
            Set<Address> watching = set == null ? ConcurrentHashMap.newKeySet() : set;
            watching.add(requester);
            return watching;
        });
        Published p = names.get(name);
        if (p == null || p.mappings.isEmpty()) {
            watchers.computeIfPresent(name, (n, set) -> {
                set.remove(requester);
                return set.isEmpty() ? null : set;
            });
            return Optional.empty();
        }
        Address best = Nearest.among(topology, topology.clusterOf(requester.core()), p.mappings);
        return Optional.of(new NameBinding(name, best, p.version));
    }

    /**
     * Replica thread: publishes a name's committed state unless a newer one is published.
     *
     * @param name     the name
     * @param mappings its mailboxes, empty once deleted
     * @param version  its version
     */
    void publish(Name name, List<Address> mappings, long version) {
        Published fresh = new Published(List.copyOf(mappings), version);
        names.merge(name, fresh, (old, nu) -> nu.version >= old.version ? nu : old);
    }

    /**
     * Replica thread, after {@link #publish}: takes the requesters that may hold a stale binding.
     *
     * @param name the name that was deleted or moved
     * @return the watchers, now forgotten
     */
    Set<Address> takeWatchers(Name name) {
        Set<Address> w = watchers.remove(name);
        return w == null ? Set.of() : w;
    }

    /** @return how many names have watchers (tests) */
    int watchedNames() {
        return watchers.size();
    }

    /**
     * @param name a name
     * @return its watchers now, a copy (tests)
     */
    Set<Address> watchersOf(Name name) {
        Set<Address> w = watchers.get(name);
        return w == null ? Set.of() : Set.copyOf(w);
    }

    private record Published(List<Address> mappings, long version) {
    }
}
