package dev.manycore.dqdt.internal;

/**
 * Seeded random bits without shared mutable state: the finaliser of SplitMix64 (Steele, Lea and
 * Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014), so a decision's random
 * tie-breaks depend only on its salt and stay reproducible from the DQDT's seed.
 */
final class Mix {

    /** The SplitMix64 increment (the golden ratio in 64 bits). */
    static final long GAMMA = 0x9E3779B97F4A7C15L;

    private Mix() {
    }

    /** @return a well-mixed 64-bit value of {@code z} */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** @return 16 random bits for an item under a salt */
    static long bits16(long salt, int item) {
        return mix64(salt + item * GAMMA) & 0xFFFF;
    }
}
