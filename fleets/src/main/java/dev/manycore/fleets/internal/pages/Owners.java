package dev.manycore.fleets.internal.pages;

/**
 * Owner ids of the page allocator. Callers own runs under ids from 0 to {@link #MAX_USER} (the
 * kernel uses process ids, 0 for itself); ids above are the allocator's own: the client cache of
 * each core ({@link #cache(int)}) and the dPool ({@link #POOL}), so a bank always knows who holds
 * every frame, including the frames that sit in caches and pools.
 */
public final class Owners {

    /** The largest owner id a caller may use. */
    public static final long MAX_USER = (1L << 62) - 1;

    /** The frames held in the members' dPool partitions, or lent from them. */
    public static final long POOL = Long.MAX_VALUE;

    private static final long CACHE_BASE = 1L << 62;

    private Owners() {
    }

    /**
     * @param core a core index
     * @return the owner id of that core's client cache
     */
    public static long cache(int core) {
        return CACHE_BASE + core;
    }

    /**
     * @param owner an owner id
     * @return the core whose cache it names, or -1 if it is not a cache's id
     */
    public static int cacheCore(long owner) {
        return owner >= CACHE_BASE && owner != POOL ? (int) (owner - CACHE_BASE) : -1;
    }

    /**
     * @param owner an owner id from a caller
     * @return it
     * @throws IllegalArgumentException if outside 0 to {@link #MAX_USER}
     */
    public static long checkUser(long owner) {
        if (owner < 0 || owner > MAX_USER) {
            throw new IllegalArgumentException("owner " + owner + " is outside 0 to " + MAX_USER
                    + ": owners are process ids (0 = the kernel); larger ids are the allocator's own");
        }
        return owner;
    }
}
