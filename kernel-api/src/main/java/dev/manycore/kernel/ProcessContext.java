package dev.manycore.kernel;

import dev.manycore.numa.CoreId;

/**
 * What a running process sees of itself. One context per process, shared by its threads: every
 * method answers <em>for the calling thread</em>. Each user thread runs inside a
 * {@link ScopedValue} binding that names the thread (its id and its current core); {@link #core()}
 * and {@link #syscalls()} read that binding, so inside a thread started by {@link #startThread} they
 * give that thread's own core and syscalls, and after a migration the new core. Called from a
 * thread that is not one of the process's (a test, another process), they answer for the process's
 * main thread.
 *
 * <p>Thread-safe.
 */
public interface ProcessContext {

    /** @return the process's PID */
    long pid();

    /** @return the simulated core of the calling thread (see the class comment) */
    CoreId core();

    /** @return the pages taken for the process at spawn ({@link ProcessSpec#initialPages()}), or empty */
    java.util.Optional<Pages> initialPages();

    /** @return the syscalls of the calling thread: its requests leave from its own core */
    Syscalls syscalls();

    /**
     * Starts a thread of this process on a core the DQDT chooses near the calling thread (thread
     * placement); same as {@code syscalls().startThread(body)}.
     *
     * @param body what the thread runs
     * @return the thread
     * @throws ProcessKilledException if the process was killed or is exiting
     */
    UserThread startThread(Runnable body);
}
