package dev.manycore.fleets.internal;

import dev.manycore.messaging.Address;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.Topology;

import java.util.Collection;
import java.util.function.Predicate;

/**
 * The one nearest-mailbox choice of the fleets (fos paper 3.2: a client talks to a nearby server):
 * fewest hops from a cluster, ties to the lowest address, so every caller that asks the same
 * question of the same candidates gets the same answer. Stateless; thread-safe.
 */
public final class Nearest {

    private Nearest() {
    }

    /**
     * @param topology   the machine
     * @param from       the asking cluster
     * @param candidates the mailboxes to choose among
     * @return the nearest candidate, or null when there is none
     */
    public static Address among(Topology topology, ClusterId from, Collection<Address> candidates) {
        return among(topology, from, candidates, a -> false);
    }

    /**
     * @param topology   the machine
     * @param from       the asking cluster
     * @param candidates the mailboxes to choose among
     * @param skip       the candidates not to choose (this member itself, those already tried)
     * @return the nearest candidate not skipped, or null when there is none
     */
    public static Address among(Topology topology, ClusterId from, Collection<Address> candidates,
                                Predicate<? super Address> skip) {
        Address best = null;
        int bestHops = Integer.MAX_VALUE;
        for (Address a : candidates) {
            if (skip.test(a)) {
                continue;
            }
            int hops = topology.distance(from, topology.clusterOf(a.core()));
            if (hops < bestHops || (hops == bestHops && a.compareTo(best) < 0)) {
                best = a;
                bestHops = hops;
            }
        }
        return best;
    }
}
