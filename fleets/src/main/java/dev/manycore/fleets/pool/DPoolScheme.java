package dev.manycore.fleets.pool;

/**
 * How a {@link DPool} moves elements between the partitions of its members (fos report 4.8.1: the
 * plain distributed storage and its four rebalancing schemes).
 */
public enum DPoolScheme {

    /** Distributed storage: a member asks the others for one element at a time, only when it has none. */
    ON_DEMAND,

    /** Like {@link #ON_DEMAND}, but a member that runs out fetches a block of {@link DPoolConfig#blockSize()} elements. */
    BULK_TRANSFER,

    /**
     * Every period a member below its {@link DPoolConfig#lowWater() low-water mark} pulls a block from
     * another member's surplus; a take that still finds the partition empty asks on demand.
     */
    BACKGROUND_PULL,

    /**
     * Every period a member above its {@link DPoolConfig#highWater() high-water mark} pushes its surplus,
     * spread evenly, to all the other members, whether they need it or not; takes fall back to on demand.
     */
    BACKGROUND_PUSH,

    /**
     * Like {@link #BACKGROUND_PUSH}, but a member keeps lazily updated estimates of the others' sizes
     * (piggybacked on every pool message) and pushes only to members estimated to hold fewer elements
     * than itself, so two members do not push the same elements back and forth.
     */
    PUSH_WITH_ESTIMATION
}
