package dev.manycore.messaging;

/**
 * What a {@link LoadGenerator} observed: requests issued and refused, replies and their latency
 * (from the send to the moment the reply is handed to the generator, in the engine's clock),
 * failures and timeouts. Latencies are also kept in a histogram of powers of two, for percentiles.
 *
 * <p>Every issued request ends in exactly one of: completed, failed (a failure reply), timed out,
 * or still outstanding: {@code issued == completed + failed + timedOut + outstanding()}. Refused
 * sends (FULL, CLOSED, unbound name) are not issued requests.
 *
 * <p>Not thread-safe: written by the generator's agent; read it when the engine is between runs
 * (simulation) or shut down (threaded engine).
 */
public final class LoadStats {

    private static final int BUCKETS = 64;

    long issued;
    long refusedFull;
    long refusedClosed;
    long unboundName;
    long completed;
    long failed;
    long timedOut;
    long lateReplies;
    long latencySum;
    long latencyMin = Long.MAX_VALUE;
    long latencyMax;
    private final long[] histogram = new long[BUCKETS];

    /** Creates empty statistics. */
    public LoadStats() {
    }

    void recordLatency(long nanos) {
        long n = Math.max(0, nanos);
        latencySum += n;
        latencyMin = Math.min(latencyMin, n);
        latencyMax = Math.max(latencyMax, n);
        // bucket b holds latencies in [2^(b-1), 2^b); bucket 0 holds 0
        histogram[Math.min(BUCKETS - 1, 64 - Long.numberOfLeadingZeros(n))]++;
    }

    /** @return requests sent and accepted (DELIVERED) */
    public long issued() {
        return issued;
    }

    /** @return sends refused with FULL */
    public long refusedFull() {
        return refusedFull;
    }

    /** @return sends refused with CLOSED */
    public long refusedClosed() {
        return refusedClosed;
    }

    /** @return sends to a name the resolver did not know */
    public long unboundName() {
        return unboundName;
    }

    /** @return requests answered with a reply that is not a failure */
    public long completed() {
        return completed;
    }

    /** @return requests answered with a failure reply */
    public long failed() {
        return failed;
    }

    /** @return requests given up after the timeout */
    public long timedOut() {
        return timedOut;
    }

    /** @return replies that matched no outstanding request (after a timeout, or duplicates) */
    public long lateReplies() {
        return lateReplies;
    }

    /** @return issued requests with no outcome yet */
    public long outstanding() {
        return issued - completed - failed - timedOut;
    }

    /** @return the mean latency of answered requests in nanoseconds; 0 when none */
    public double meanLatencyNanos() {
        long answered = completed + failed;
        return answered == 0 ? 0 : (double) latencySum / answered;
    }

    /** @return the smallest latency, or 0 when none */
    public long minLatencyNanos() {
        return latencyMin == Long.MAX_VALUE ? 0 : latencyMin;
    }

    /** @return the largest latency, or 0 when none */
    public long maxLatencyNanos() {
        return latencyMax;
    }

    /**
     * @param quantile from 0 to 1
     * @return an upper bound of that latency quantile: the power of two above it (0 when no answer)
     */
    public long latencyQuantileUpperBound(double quantile) {
        if (!(quantile >= 0 && quantile <= 1)) {
            throw new IllegalArgumentException("quantile " + quantile + " is not in [0, 1]");
        }
        long answered = completed + failed;
        if (answered == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(quantile * answered);
        long seen = 0;
        for (int b = 0; b < BUCKETS; b++) {
            seen += histogram[b];
            if (seen >= Math.max(1, rank)) {
                return b == 0 ? 0 : (b >= 63 ? Long.MAX_VALUE : (1L << b) - 1);
            }
        }
        return latencyMax;
    }

    @Override
    public String toString() {
        return "LoadStats[issued " + issued + ", completed " + completed + ", failed " + failed + ", timed out "
                + timedOut + ", refused " + refusedFull + " full / " + refusedClosed + " closed / " + unboundName
                + " unbound, mean " + String.format("%.1f", meanLatencyNanos()) + " ns, max " + latencyMax + " ns]";
    }
}
