package dev.manycore.fleets.names;

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
    KEY_AFFINITY
}
