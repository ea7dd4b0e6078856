package dev.manycore.fleets.internal.pool;

import dev.manycore.fleets.pool.DPoolDirectory;
import dev.manycore.messaging.Address;

import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fleet-wide directory of a dPool's partitions (fos report 4.8.1; recovery as described in
 * {@link Shard}): one {@link Shard} per member that created a partition, found by its owner's
 * address. Registration is a concurrent map insert; the shards themselves are written only by their
 * owners (and, once sealed, by nobody).
 *
 * <p>Thread-safe.
 *
 * @param <E> the element type
 */
public final class ShardDirectory<E> implements DPoolDirectory<E> {

    private final String name;
    private final Map<Address, Shard<E>> shards = new ConcurrentHashMap<>();

    /**
     * @param name the pool's name
     * @throws IllegalArgumentException if blank
     */
    public ShardDirectory(String name) {
        Objects.requireNonNull(name, "pool name is null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("pool name is blank: name the pool, such as 'pids'");
        }
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<Address> partitions() {
        return Set.copyOf(shards.keySet());
    }

    @Override
    public Optional<Address> adopter(Address member) {
        Shard<E> s = shards.get(Objects.requireNonNull(member, "member is null"));
        if (s == null) {
            throw new IllegalArgumentException(member + " never registered a partition of pool " + name);
        }
        return Optional.ofNullable(s.adoptedBy());
    }

    /**
     * @param shard a new member's shard
     * @throws IllegalArgumentException if its owner already has one
     */
    void register(Shard<E> shard) {
        if (shards.putIfAbsent(shard.owner(), shard) != null) {
            throw new IllegalArgumentException(shard.owner() + " already has a partition of pool " + name
                    + ": one partition per member");
        }
    }

    /**
     * @param owner a member's address
     * @return its shard, or null
     */
    Shard<E> get(Address owner) {
        return shards.get(owner);
    }

    /** @return every shard */
    Collection<Shard<E>> all() {
        return shards.values();
    }

    @Override
    public String toString() {
        return "DPoolDirectory[" + name + ", " + shards.size() + " partitions]";
    }
}
