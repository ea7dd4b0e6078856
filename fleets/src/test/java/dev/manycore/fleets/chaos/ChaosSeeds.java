package dev.manycore.fleets.chaos;

import dev.manycore.messaging.FaultPlan;

import java.util.function.LongUnaryOperator;
import java.util.function.Supplier;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Which seeds a chaos test runs, from system properties (Maven passes {@code -D} properties to the
 * test JVM): {@code chaos.seed} runs that one seed only (to replay a failure); else
 * {@code chaos.seeds} seeds (default {@value #DEFAULT_SEEDS}, the normal build) from
 * {@code chaos.firstSeed} (default 1). {@code -Pchaos} sets {@code chaos.seeds=2000}.
 * {@code chaos.longPartitions=true} exposes every fleet to partitions longer than its suspicion
 * time (the name service runs them in every build): only a side with a quorum of the view moves
 * on. The page fleet's evicted members do not rejoin (they forward), so a page fleet of four
 * that lost one member to a long partition and then two to crashes has no quorum left: 10 of
 * 2000 long-partition seeds of the page fleet fail that way (181, 240, 422, 1045, 1091, 1183,
 * 1335, 1348, 1615, 1720).
 */
final class ChaosSeeds {

    static final int DEFAULT_SEEDS = 200;

    private ChaosSeeds() {
    }

    /** @return the seeds to run */
    static LongStream seeds() {
        String one = System.getProperty("chaos.seed");
        if (one != null && !one.isBlank()) {
            return LongStream.of(Long.parseLong(one.trim()));
        }
        int count = Integer.getInteger("chaos.seeds", DEFAULT_SEEDS);
        long first = Long.getLong("chaos.firstSeed", 1L);
        if (count < 1) {
            throw new IllegalArgumentException("chaos.seeds=" + count + " must be 1 or more");
        }
        return LongStream.range(first, first + count);
    }

    /** @return true when {@code -Dchaos.longPartitions=true}: partitions may outlast the suspicion time */
    static boolean longPartitions() {
        return Boolean.getBoolean("chaos.longPartitions");
    }

    /**
     * @return true unless {@code -Dchaos.partitionMembers=false} (and always with long partitions):
     *         partitions may cut members off from each other, not only clients from the fleet
     */
    static boolean partitionMembers() {
        return !"false".equals(System.getProperty("chaos.partitionMembers")) || longPartitions();
    }

    /**
     * Runs one seed; a failure is rethrown naming the seed, the faults drawn so far and the command
     * that replays just this seed.
     *
     * @param test    the test class
     * @param seed    the seed
     * @param execute the run
     * @param plan    the faults drawn so far (null before they are drawn)
     */
    static void run(Class<?> test, long seed, Runnable execute, Supplier<FaultPlan> plan) {
        try {
            execute.run();
        } catch (AssertionError | RuntimeException e) {
            FaultPlan drawn = plan.get();
            throw new AssertionError("chaos seed " + seed + " failed: " + e.getMessage() + "\nfaults:"
                    + (drawn == null ? " (not drawn yet)" : ChaosFaults.describe(drawn)) + "\nreplay: "
                    + replay(test, seed), e);
        }
    }

    /**
     * Runs seeds 3 and 8 twice each and checks that a seed gives the same trace hash both times.
     *
     * @param traceOf runs one seed from scratch and returns its trace hash
     */
    static void assertSameSeedSameTrace(LongUnaryOperator traceOf) {
        for (long seed : new long[] {3, 8}) {
            long first = traceOf.applyAsLong(seed);
            long again = traceOf.applyAsLong(seed);
            assertEquals(first, again, "seed " + seed + ": the same seed gives the same trace hash");
        }
    }

    /**
     * @param test the test class
     * @param seed a seed
     * @return the command that replays just this seed of this test
     */
    static String replay(Class<?> test, long seed) {
        return "./mvnw -q -pl fleets -am verify -Djcstress.skip=true -Dtest='" + test.getName()
                + "' -Dsurefire.failIfNoSpecifiedTests=false -Dchaos.seed=" + seed;
    }
}
