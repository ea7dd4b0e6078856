package dev.manycore.fleets.chaos;

import java.util.stream.LongStream;

/**
 * Which seeds a chaos test runs, from system properties (Maven passes {@code -D} properties to the
 * test JVM): {@code chaos.seed} runs that one seed only (to replay a failure); else
 * {@code chaos.seeds} seeds (default {@value #DEFAULT_SEEDS}, the normal build) from
 * {@code chaos.firstSeed} (default 1). {@code -Pchaos} sets {@code chaos.seeds=2000}.
 * {@code chaos.longPartitions=true} exposes the fleets to partitions longer than their suspicion
 * time, which they are not specified to survive.
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
     * @param test the test class
     * @param seed a seed
     * @return the command that replays just this seed of this test
     */
    static String replay(Class<?> test, long seed) {
        return "./mvnw -q -pl fleets -am verify -Djcstress.skip=true -Dtest='" + test.getName()
                + "' -Dsurefire.failIfNoSpecifiedTests=false -Dchaos.seed=" + seed;
    }
}
