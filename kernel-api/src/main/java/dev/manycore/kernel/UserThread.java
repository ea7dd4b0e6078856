package dev.manycore.kernel;

import dev.manycore.numa.CoreId;

import java.time.Duration;

/**
 * A thread of a user process: a virtual thread bound to a simulated core chosen by the DQDT near
 * its parent. Thread-safe.
 */
public interface UserThread {

    /** @return the thread's id in its process (the main thread is 0) */
    int tid();

    /** @return the core it runs on now (changes at a safe point after a migration) */
    CoreId core();

    /** @return true until its body has returned or thrown */
    boolean isAlive();

    /**
     * Waits for the thread's body to end.
     *
     * @throws InterruptedException if the waiting thread is interrupted (a kill interrupts the
     *                              process's threads)
     */
    void join() throws InterruptedException;

    /**
     * Waits at most {@code timeout} for the thread's body to end.
     *
     * @param timeout the longest wait
     * @return true if it ended
     * @throws InterruptedException if the waiting thread is interrupted
     */
    boolean join(Duration timeout) throws InterruptedException;
}
