package dev.manycore.kernel;

import dev.manycore.fleets.processes.Letter;
import dev.manycore.fleets.processes.MailboxRef;
import dev.manycore.messaging.Address;
import dev.manycore.numa.CoreId;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * The libfos layer (fos paper 3.2, fos report 4.6): ordinary blocking calls for user code, each
 * turned into request messages from the calling thread's core to the fleets (process manager, page
 * allocator, name service) or to a core's mailbox host, and answered by reply messages. A
 * {@code Syscalls} belongs to one user thread and acts from that thread's current core; get it from
 * {@link ProcessContext#syscalls()}.
 *
 * <p>Every call is a <b>safe point</b>: if the process was killed or is exiting it throws
 * {@link ProcessKilledException}, and if the process was migrated the thread first moves to its new
 * core. Long computations that make no syscall can call {@link #safePoint()}.
 *
 * <p>Errors: bad arguments give {@link IllegalArgumentException} naming the value; the fleets'
 * exceptions ({@code dev.manycore.fleets.pages}, {@code .names}, {@code .processes}) pass through.
 *
 * <p>Thread-safety: use a thread's syscalls from that thread.
 */
public interface Syscalls {

    /** @return the calling process's PID */
    long pid();

    /** @return the core this thread runs on now */
    CoreId core();

    /** Checks for a kill, an exit or a pending migration (see the class comment). */
    void safePoint();

    /**
     * Takes pages from the page allocator, near this thread's cluster (the allocator's policy
     * decides), owned by the process: all or nothing.
     *
     * @param count the number of pages, 1 or more
     * @return the pages
     * @throws IllegalArgumentException if the count is not positive
     */
    Pages allocPages(int count);

    /**
     * Gives pages back.
     *
     * @param pages what {@link #allocPages} returned, not freed before
     */
    void freePages(Pages pages);

    /**
     * Spawns a child process (placed by the DQDT as {@link Kernel#spawn} does).
     *
     * @param spec the program
     * @return the child
     */
    UserProcess spawn(ProcessSpec spec);

    /**
     * Ends the process with an exit code: the calling thread unwinds at once, the process's other
     * threads at their next safe point. Never returns.
     *
     * @param code the exit code
     */
    void exit(int code);

    /**
     * Waits for a process to end.
     *
     * @param process the process
     * @param timeout the longest wait
     * @return its exit code
     * @throws TimeoutException     if it did not end in time
     * @throws InterruptedException if this thread is interrupted
     */
    int waitFor(UserProcess process, Duration timeout) throws TimeoutException, InterruptedException;

    /**
     * Registers a name for this process's mailbox in the name service (deleted when the process
     * ends). {@code /proc/<pid>} is registered already.
     *
     * @param name an absolute name outside the claimed namespaces {@code /sys} and {@code /proc}
     */
    void register(String name);

    /**
     * @param name a name
     * @return the mailbox host the name resolves to (its core is where the mailbox lives)
     * @throws dev.manycore.fleets.names.NameNotFoundException if nothing is registered under it
     */
    Address lookup(String name);

    /**
     * Sends a letter to the mailbox registered under a name (followed through migrations).
     *
     * @param name the name
     * @param body an immutable message (a record)
     */
    void send(String name, Object body);

    /**
     * Sends a letter to a mailbox, typically a letter's {@link Letter#replyTo()}.
     *
     * @param to   the mailbox
     * @param body an immutable message
     */
    void send(MailboxRef to, Object body);

    /**
     * Takes the next letter of this process's mailbox.
     *
     * @param timeout the longest wait, zero or more
     * @return the letter, or empty if none came in time
     */
    Optional<Letter> receive(Duration timeout);

    /** @return this process's main mailbox (where it is now), the one {@code /proc/<pid>} names */
    MailboxRef mailbox();

    /**
     * Opens another mailbox of this process on this thread's core (for example one per thread, so
     * threads can be written to separately). It is closed when the process ends, and moves with it.
     *
     * @return the new mailbox
     */
    MailboxRef openMailbox();

    /**
     * Takes the next letter of one of this process's mailboxes.
     *
     * @param mailbox the main mailbox or one from {@link #openMailbox()}
     * @param timeout the longest wait, zero or more
     * @return the letter, or empty if none came in time
     * @throws IllegalArgumentException if the mailbox is not an open mailbox of this process
     */
    Optional<Letter> receive(MailboxRef mailbox, Duration timeout);

    /**
     * Closes a mailbox opened by {@link #openMailbox()}; its unread letters are dropped.
     *
     * @param mailbox the mailbox
     * @return the unread letters dropped
     * @throws IllegalArgumentException if it is not an open extra mailbox of this process
     */
    int closeMailbox(MailboxRef mailbox);

    /**
     * Starts a thread of this process near this thread (DQDT thread placement).
     *
     * @param body what it runs
     * @return the thread
     */
    UserThread startThread(Runnable body);

    /**
     * Waits for a thread to end.
     *
     * @param thread a thread of this process
     * @throws InterruptedException if this thread is interrupted
     */
    void join(UserThread thread) throws InterruptedException;

    /**
     * @return the kernel's clock in nanoseconds, on an arbitrary origin: the host's monotonic clock
     *         on the threaded engine, virtual time on the simulated engine (the only time a program
     *         should read there)
     */
    long now();

    /**
     * Waits for {@code duration} of the kernel's time (virtual time on the simulated engine, where
     * {@link Thread#sleep} would stop the program). A kill ends the wait with
     * {@link ProcessKilledException}; another interrupt ends it early and stays set.
     *
     * @param duration zero or more
     * @throws IllegalArgumentException if negative
     */
    void sleep(Duration duration);

    /**
     * Declares computation. On the simulated engine the thread's core is busy for {@code work} of
     * virtual time, and the thread resumes when it is done (computation itself takes no virtual
     * time there: this is how a program says what it costs). On the threaded engine real work takes
     * real time, so this is only a safe point.
     *
     * @param work zero or more
     * @throws IllegalArgumentException if negative
     */
    void compute(Duration work);
}
