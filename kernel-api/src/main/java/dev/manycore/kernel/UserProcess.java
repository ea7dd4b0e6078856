package dev.manycore.kernel;

import dev.manycore.fleets.processes.ExitStatus;
import dev.manycore.numa.ClusterId;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * A process spawned through {@link Kernel#spawn} or {@link Syscalls#spawn} (not
 * {@code java.lang.Process}): a PID from the process manager fleet, a main thread on a core the
 * DQDT chose, a mailbox named {@code /proc/<pid>}. Thread-safe.
 */
public interface UserProcess {

    /** @return the PID (PIDs are reused once a process has ended) */
    long pid();

    /** @return the program's name */
    String name();

    /** @return true until the process has ended and everything it held was freed */
    boolean isAlive();

    /**
     * Waits for the process to end and its resources to be freed.
     *
     * @param timeout the longest wait
     * @return the exit code: 0 when main returned, 1 when it threw, the code given to
     *         {@link Syscalls#exit}, {@link ExitStatus#KILLED} when killed
     * @throws TimeoutException     if it did not end in time
     * @throws InterruptedException if the caller is interrupted
     */
    int waitFor(Duration timeout) throws TimeoutException, InterruptedException;

    /** @return how it ended, or empty while it lives */
    Optional<ExitStatus> exitStatus();

    /**
     * Kills the process: the process manager refuses it new threads, its threads are interrupted and
     * stop at their next safe point, and it ends with {@link ExitStatus#KILLED}. Returns at once; use
     * {@link #waitFor} to wait for the end. Killing an ended process does nothing.
     */
    void kill();

    /**
     * Migrates the process to a cluster: its mailbox moves to the target at once (its names are
     * moved in the name service, so letters follow), and each thread moves to a user core of the
     * target at its next safe point. Pages stay where they are.
     *
     * @param target the cluster
     * @throws IllegalArgumentException if the cluster has no user core
     * @throws IllegalStateException    if the process has ended or is ending
     */
    void migrate(ClusterId target);

    /**
     * @return the process's statistics now
     * @throws IllegalStateException if it has ended
     */
    ProcessStats stats();
}
