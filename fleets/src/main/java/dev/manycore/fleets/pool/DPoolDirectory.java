package dev.manycore.fleets.pool;

import dev.manycore.fleets.internal.pool.ShardDirectory;
import dev.manycore.messaging.Address;

import java.util.Optional;
import java.util.Set;

/**
 * The fleet-wide directory of one {@link DPool}'s partitions. A partition lives in its member's
 * memory bank, which outlives the member's core: the directory is how the fleet finds the partition
 * of a member that failed or left, so that another member adopts it and no element is lost.
 *
 * <p>Create one per pool before the fleet and give the same directory to every member's server
 * (capture it in the fleet's server factory). Each member registers its partition when it creates
 * its {@link DPool}; only the partition's owner writes it until another member adopts it.
 *
 * <p>Thread-safe.
 *
 * @param <E> the element type (immutable)
 */
public sealed interface DPoolDirectory<E> permits ShardDirectory {

    /**
     * @param name the pool's name, unique among the pools of one fleet (it routes the pool's messages)
     * @param <E>  the element type
     * @return an empty directory
     * @throws IllegalArgumentException if the name is blank
     */
    static <E> DPoolDirectory<E> create(String name) {
        return new ShardDirectory<>(name);
    }

    /** @return the pool's name */
    String name();

    /** @return the members that ever registered a partition */
    Set<Address> partitions();

    /**
     * @param member a member that registered a partition
     * @return the member that adopted its partition, or empty while the member still owns it
     * @throws IllegalArgumentException if the member never registered a partition of this pool
     */
    Optional<Address> adopter(Address member);
}
