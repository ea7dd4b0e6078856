package dev.manycore.kernel.internal;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Round-trip latencies of the syscalls, per fleet, as the calling user thread sees them (request
 * sent to reply received), in HdrHistogram form (three significant digits, up to one minute).
 * Thread-safe: one concurrent histogram per fleet.
 */
public final class Latencies {

    /** The process manager fleet. */
    public static final String PROCESSES = "processes";
    /** The page allocator fleet. */
    public static final String PAGES = "pages";
    /** The name service fleet. */
    public static final String NAMES = "names";
    /** The per-core mailbox hosts. */
    public static final String MAILBOXES = "mailboxes";

    private static final long HIGHEST_NANOS = 60_000_000_000L;

    private final Map<String, ConcurrentHistogram> byFleet = new ConcurrentHashMap<>();

    /**
     * @param fleet the fleet called
     * @param nanos the call's round trip
     */
    public void record(String fleet, long nanos) {
        byFleet.computeIfAbsent(fleet, f -> new ConcurrentHistogram(HIGHEST_NANOS, 3))
                .recordValue(Math.clamp(nanos, 1, HIGHEST_NANOS));
    }

    /** @return a copy of every fleet's histogram, in the fixed fleet order */
    public Map<String, Histogram> snapshot() {
        Map<String, Histogram> out = new LinkedHashMap<>();
        for (String f : new String[] {PROCESSES, PAGES, NAMES, MAILBOXES}) {
            ConcurrentHistogram h = byFleet.get(f);
            out.put(f, h == null ? new Histogram(HIGHEST_NANOS, 3) : h.copy());
        }
        return out;
    }
}
