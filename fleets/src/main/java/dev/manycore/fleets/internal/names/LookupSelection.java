package dev.manycore.fleets.internal.names;

import dev.manycore.fleets.internal.Nearest;
import dev.manycore.fleets.names.LookupPolicy;
import dev.manycore.fleets.names.NameEntry;
import dev.manycore.messaging.Address;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.Topology;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Chooses one mailbox of a name for a lookup, by the name's policy (fos paper 3.4; fos report
 * 4.7.1: "the name server can return the closest or least loaded member"). Round-robin turns and
 * load hints are per replica, not replicated: they steer, they need not agree.
 *
 * <p>Not thread-safe: confined to its member's thread.
 */
final class LookupSelection {

    private final Topology topology;
    private final Map<dev.manycore.messaging.Name, Integer> turns = new HashMap<>();
    private final Map<Address, Long> loads = new HashMap<>();

    LookupSelection(Topology topology) {
        this.topology = topology;
    }

    void reportLoad(Address address, long load) {
        loads.put(address, load);
    }

    Address choose(NameEntry entry, ClusterId requester, long key) {
        List<Address> all = entry.mappings();
        if (all.size() == 1) {
            return all.getFirst();
        }
        return switch (entry.flags().policy()) {
            case NEAREST -> nearest(all, requester);
            case ROUND_ROBIN -> {
                int turn = turns.merge(entry.name(), 1, Integer::sum) - 1;
                yield all.get(Math.floorMod(turn, all.size()));
            }
            case LEAST_LOADED -> {
                Address best = null;
                long bestLoad = Long.MAX_VALUE;
                int bestHops = Integer.MAX_VALUE;
                for (Address a : all) {
                    long load = loads.getOrDefault(a, 0L);
                    int hops = hops(requester, a);
                    if (load < bestLoad || (load == bestLoad && (hops < bestHops
                            || (hops == bestHops && a.compareTo(best) < 0)))) {
                        best = a;
                        bestLoad = load;
                        bestHops = hops;
                    }
                }
                yield best;
            }
            case KEY_AFFINITY -> LookupPolicy.keyAffinityChoice(all, key);
        };
    }

    private Address nearest(List<Address> all, ClusterId requester) {
        return Nearest.among(topology, requester, all);
    }

    private int hops(ClusterId from, Address to) {
        return topology.distance(from, topology.clusterOf(to.core()));
    }
}
