package dev.manycore.fleets;

/**
 * Counters of one server, kept by its runtime and read by the fleet for load reports (fos report
 * 3.2: fleets are self-aware, they watch their own load). Written only on the server's thread;
 * fields are plain longs published with {@code volatile} writes of the totals, so a monitoring
 * thread may read a slightly stale but never torn value.
 *
 * <p>The request rate is an exponentially weighted moving average over windows of
 * {@link #RATE_WINDOW_NANOS}, in requests per second of the engine's clock.
 */
public final class ServerMetrics {

    /** The length of one rate window, 100 ms of the engine's clock. */
    public static final long RATE_WINDOW_NANOS = 100_000_000L;

    private volatile long requests;
    private volatile long failures;
    private volatile long repliesSent;
    private volatile long lateReplies;
    private volatile long timeouts;
    private volatile long queueDepth;
    private volatile double requestRate;
    private long windowStart = Long.MIN_VALUE;
    private long windowRequests;

    /** Creates zeroed counters. */
    public ServerMetrics() {
    }

    /**
     * Server thread: counts a handled request.
     *
     * @param now the engine time
     */
    public void requestHandled(long now) {
        requests = requests + 1;
        if (windowStart == Long.MIN_VALUE) {
            windowStart = now;
        }
        windowRequests++;
        long elapsed = now - windowStart;
        if (elapsed >= RATE_WINDOW_NANOS) {
            double rate = windowRequests * 1e9 / elapsed;
            requestRate = requestRate == 0 ? rate : 0.5 * requestRate + 0.5 * rate;
            windowStart = now;
            windowRequests = 0;
        }
    }

    /** Server thread: counts a handler that failed (an error reply was sent). */
    public void requestFailed() {
        failures = failures + 1;
    }

    /** Server thread: counts a reply sent. */
    public void replySent() {
        repliesSent = repliesSent + 1;
    }

    /** Server thread: counts a reply that arrived after its call had completed (timed out). */
    public void lateReply() {
        lateReplies = lateReplies + 1;
    }

    /** Server thread: counts a call that timed out. */
    public void callTimedOut() {
        timeouts = timeouts + 1;
    }

    /**
     * Server thread: records how many messages the last receive drained (a queue-depth sample).
     *
     * @param depth messages drained in one duty cycle
     */
    public void queueDepth(long depth) {
        queueDepth = depth;
    }

    /** @return requests handled so far */
    public long requests() {
        return requests;
    }

    /** @return requests whose handler failed */
    public long failures() {
        return failures;
    }

    /** @return replies sent */
    public long repliesSent() {
        return repliesSent;
    }

    /** @return replies that arrived after their call had timed out */
    public long lateReplies() {
        return lateReplies;
    }

    /** @return calls of this server that timed out */
    public long timeouts() {
        return timeouts;
    }

    /** @return the last queue-depth sample */
    public long queueDepth() {
        return queueDepth;
    }

    /** @return the smoothed request rate, requests per second of the engine's clock */
    public double requestRate() {
        return requestRate;
    }
}
