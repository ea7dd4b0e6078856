package dev.manycore.fleets.pool;

import java.time.Duration;
import java.util.Objects;

/**
 * The settings of a {@link DPool} (fos report 4.8.1: "thresholds and block sizes are
 * configurable"). Immutable; build one with {@link #builder()}.
 *
 * <p>Defaults: {@link DPoolScheme#ON_DEMAND}, low-water mark 8, high-water mark 64, block size 16,
 * rebalancing period 10 ms, transfer timeout 500 ms.
 *
 * @param scheme          how elements move between members
 * @param lowWater        background pull refills a partition holding fewer elements than this
 * @param highWater       background push pushes what a partition holds above this
 * @param blockSize       elements fetched by one bulk transfer or one background pull
 * @param period          the period of the pool's timer (rebalancing, recovery of transfers and of
 *                        failed members' partitions)
 * @param transferTimeout how long a member waits for an answer to a request for elements before it
 *                        asks another member, and for the acknowledgement of a transfer before it
 *                        finds out whether the receiver accepted it
 */
public record DPoolConfig(DPoolScheme scheme, int lowWater, int highWater, int blockSize, Duration period,
                          Duration transferTimeout) {

    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if a count or a time is out of range
     * @throws NullPointerException     if the scheme or a time is null
     */
    public DPoolConfig {
        Objects.requireNonNull(scheme, "dPool scheme is null");
        Objects.requireNonNull(period, "dPool period is null");
        Objects.requireNonNull(transferTimeout, "dPool transfer timeout is null");
        if (lowWater < 0) {
            throw new IllegalArgumentException("dPool low-water mark " + lowWater + " is negative: 0 or more");
        }
        if (highWater < lowWater) {
            throw new IllegalArgumentException("dPool high-water mark " + highWater + " is below the low-water mark "
                    + lowWater + ": the high mark must be at least the low mark");
        }
        if (blockSize < 1) {
            throw new IllegalArgumentException("dPool block size " + blockSize + " is not positive: 1 or more");
        }
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("dPool period " + period + " is not positive");
        }
        if (transferTimeout.isNegative() || transferTimeout.isZero()) {
            throw new IllegalArgumentException("dPool transfer timeout " + transferTimeout + " is not positive");
        }
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the defaults with another scheme */
    public static DPoolConfig of(DPoolScheme scheme) {
        return builder().scheme(scheme).build();
    }

    /** Builds a {@link DPoolConfig}; validates on {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private DPoolScheme scheme = DPoolScheme.ON_DEMAND;
        private int lowWater = 8;
        private int highWater = 64;
        private int blockSize = 16;
        private Duration period = Duration.ofMillis(10);
        private Duration transferTimeout = Duration.ofMillis(500);

        private Builder() {
        }

        /**
         * @param scheme the rebalancing scheme
         * @return this builder
         */
        public Builder scheme(DPoolScheme scheme) {
            this.scheme = scheme;
            return this;
        }

        /**
         * @param lowWater the low-water mark, 0 or more, at most the high-water mark
         * @return this builder
         */
        public Builder lowWater(int lowWater) {
            this.lowWater = lowWater;
            return this;
        }

        /**
         * @param highWater the high-water mark, at least the low-water mark
         * @return this builder
         */
        public Builder highWater(int highWater) {
            this.highWater = highWater;
            return this;
        }

        /**
         * @param blockSize elements per bulk transfer or background pull, positive
         * @return this builder
         */
        public Builder blockSize(int blockSize) {
            this.blockSize = blockSize;
            return this;
        }

        /**
         * @param period the timer period, positive
         * @return this builder
         */
        public Builder period(Duration period) {
            this.period = period;
            return this;
        }

        /**
         * @param transferTimeout the answer and acknowledgement timeout, positive
         * @return this builder
         */
        public Builder transferTimeout(Duration transferTimeout) {
            this.transferTimeout = transferTimeout;
            return this;
        }

        /**
         * @return the settings
         * @throws IllegalArgumentException if one is out of range (the message names it and the rule)
         */
        public DPoolConfig build() {
            return new DPoolConfig(scheme, lowWater, highWater, blockSize, period, transferTimeout);
        }
    }
}
