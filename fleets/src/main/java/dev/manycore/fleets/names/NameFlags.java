package dev.manycore.fleets.names;

import java.util.Objects;

/**
 * How a mailbox is registered under a name (fos paper 3.4).
 *
 * @param serviceSet      true: the mailbox is one member of a set of servers under the name, and
 *                        more may register; false: the name maps to this one mailbox
 * @param interchangeable true: any member can serve any request (stateless); false: members are
 *                        stateful, so lookups by key should use {@link LookupPolicy#KEY_AFFINITY}
 * @param policy          how lookups choose a member; fixed by the first registration of a name
 */
public record NameFlags(boolean serviceSet, boolean interchangeable, LookupPolicy policy) {

    /**
     * @throws NullPointerException     if the policy is null
     * @throws IllegalArgumentException if a stateful service set does not use key affinity (its
     *                                  members are not interchangeable, so a key must always reach
     *                                  the same one)
     */
    public NameFlags {
        Objects.requireNonNull(policy, "lookup policy is null");
        if (serviceSet && !interchangeable && policy != LookupPolicy.KEY_AFFINITY) {
            throw new IllegalArgumentException("a stateful service set looked up by " + policy
                    + " would send one key to different members: stateful sets use KEY_AFFINITY");
        }
    }

    /** @return a single, interchangeable mailbox (the usual registration) */
    public static NameFlags single() {
        return new NameFlags(false, true, LookupPolicy.NEAREST);
    }

    /**
     * @param policy how lookups choose a member
     * @return a member of a set of interchangeable servers
     */
    public static NameFlags serviceSet(LookupPolicy policy) {
        return new NameFlags(true, true, policy);
    }

    /** @return a member of a set of stateful servers, found by key affinity */
    public static NameFlags statefulSet() {
        return new NameFlags(true, false, LookupPolicy.KEY_AFFINITY);
    }
}
