package dev.manycore.fleets.names;

import dev.manycore.fleets.SeededRandom;
import dev.manycore.messaging.Address;
import java.util.List;

/**
 * How a lookup picks one mailbox among those a name maps to (fos paper 3.4: "the name server may
 * choose among the members of a service set"; fos report 4.7.1).
 */
public enum LookupPolicy {
    /** The member with the fewest hops from the requester's cluster; ties go to the lowest address. */
    NEAREST,
    /** Each replica hands the members out in turn. */
    ROUND_ROBIN,
    /** The member with the lowest reported load; ties go to the nearest. */
    LEAST_LOADED,
    /**
     * The member chosen by rendezvous hashing of the request's key: stable for a key while the
     * member set is unchanged, and a change moves only the keys of the members that changed.
     */
    KEY_AFFINITY;

    /**
     * The member that {@link #KEY_AFFINITY} picks for a key: rendezvous (highest random weight)
     * hashing over the members' addresses. Public so that a partitioned fleet's members compute the
     * same owner for a key as the name service does, and forward a request only when a client's
     * lookup was stale.
     *
     * @param members the candidates, not empty
     * @param key     the request's key
     * @return the member with the highest weight for the key
     * @throws IllegalArgumentException if {@code members} is empty
     */
    public static Address keyAffinityChoice(List<Address> members, long key) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("no member to choose for key " + key + ": a service set has members");
        }
        Address best = null;
        long bestWeight = 0;
        for (Address a : members) {
            long weight = SeededRandom.mix(key ^ SeededRandom.mix(((long) a.core().index() << 32) | a.mailbox()));
            if (best == null || Long.compareUnsigned(weight, bestWeight) > 0) {
                best = a;
                bestWeight = weight;
            }
        }
        return best;
    }
}
