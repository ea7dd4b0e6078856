package dev.manycore.fleets;

/**
 * The seeded random source of a server: SplitMix64 (Steele, Lea and Flood, "Fast splittable
 * pseudorandom number generators", OOPSLA 2014). Server code may not create its own random source
 * (ARCHITECTURE.md: randomness comes from the context), so that the simulated engine replays a run
 * exactly from its seed. Each server's source is derived from the fleet seed and the server's
 * address, so two servers draw different but repeatable sequences.
 *
 * <p>Not thread-safe: confined to the server's thread.
 */
public final class SeededRandom {

    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private long state;

    /**
     * @param seed any value; equal seeds give equal sequences
     */
    public SeededRandom(long seed) {
        this.state = seed;
    }

    /**
     * @param seed  a base seed
     * @param salt  a value that distinguishes this source from others of the same seed (an address)
     * @return a source whose sequence depends on both
     */
    public static SeededRandom derived(long seed, long salt) {
        return new SeededRandom(mix(seed ^ mix(salt + GOLDEN_GAMMA)));
    }

    /** @return the next 64 random bits */
    public long nextLong() {
        state += GOLDEN_GAMMA;
        return mix(state);
    }

    /**
     * @param bound the exclusive upper bound, 1 or more
     * @return a value in {@code [0, bound)}, uniform
     * @throws IllegalArgumentException if the bound is not positive
     */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound " + bound + " is not positive: draw from [0, bound) with bound >= 1");
        }
        long limit = (Long.MAX_VALUE / bound) * bound;
        long r;
        do {
            r = nextLong() >>> 1;
        } while (r >= limit);
        return (int) (r % bound);
    }

    /** @return a value in {@code [0, 1)} with 53 random bits */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /**
     * The SplitMix64 finaliser, also a good 64-bit hash.
     *
     * @param z any value
     * @return its mix
     */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
