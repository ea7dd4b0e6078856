package dev.manycore.messaging;

/**
 * The time source of an engine, in nanoseconds on an arbitrary origin. Code above the engine reads
 * time only through a clock (or {@link AgentContext#now()}), never from {@link System}: the
 * threaded engine gives the host's monotonic clock, the simulated engine its virtual time, and the
 * same server code runs on both.
 *
 * <p>Implementations must be monotonic (never go backwards as seen by one thread) and thread-safe.
 */
@FunctionalInterface
public interface Clock {

    /** @return the current time in nanoseconds, on this clock's origin */
    long nanos();

    /** @return the host's monotonic clock, {@link System#nanoTime()} */
    static Clock system() {
        return System::nanoTime;
    }
}

