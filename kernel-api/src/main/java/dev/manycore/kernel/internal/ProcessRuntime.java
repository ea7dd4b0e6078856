package dev.manycore.kernel.internal;

import dev.manycore.fleets.pages.PageRun;
import dev.manycore.fleets.processes.ExitStatus;
import dev.manycore.fleets.processes.MailboxClosedException;
import dev.manycore.fleets.processes.MailboxRef;
import dev.manycore.fleets.processes.NoSuchProcessException;
import dev.manycore.fleets.processes.ProcessRef;
import dev.manycore.kernel.Pages;
import dev.manycore.kernel.ProcessContext;
import dev.manycore.kernel.ProcessKilledException;
import dev.manycore.kernel.ProcessSpec;
import dev.manycore.kernel.ProcessStats;
import dev.manycore.kernel.Syscalls;
import dev.manycore.kernel.UserProcess;
import dev.manycore.kernel.UserThread;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CoreId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The kernel side of one process (the libfos process runtime): its threads, its mailboxes, its
 * exit. It is both the {@link UserProcess} handle and the {@link ProcessContext} its threads see.
 *
 * <p>Life: spawned (PID, core, mailbox, {@code /proc/<pid>}, initial pages), main thread started;
 * main returns, throws or calls exit, or the process is killed; then, on the main thread: the
 * other threads are interrupted and joined, the pages are released by owner, the mailboxes closed,
 * and the exit is reported to the process manager, which deletes the names, gives back the DQDT
 * charges and the PID, and answers waiters. Thread-safe.
 */
final class ProcessRuntime implements UserProcess, ProcessContext {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessRuntime.class);

    final KernelRuntime kernel;
    final ProcessRef ref;
    final ProcessSpec spec;
    final ThreadRuntime main;
    final Map<Integer, ThreadRuntime> threads = new ConcurrentHashMap<>();
    /** Every mailbox reference the process held (old places of moved ones included): closed at the end. */
    final List<MailboxRef> mailboxes = new CopyOnWriteArrayList<>();
    /** The extra mailboxes open now, at their current places. */
    final List<MailboxRef> extraMailboxes = new CopyOnWriteArrayList<>();
    /** Where a moved extra mailbox went: old reference to new. */
    final Map<MailboxRef, MailboxRef> movedTo = new ConcurrentHashMap<>();
    /** Earlier places of the main mailbox. */
    final List<MailboxRef> mainHistory = new CopyOnWriteArrayList<>();
    final AtomicLong messagesSent = new AtomicLong();
    final Map<PageRun, Boolean> localRuns = new ConcurrentHashMap<>();
    final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    volatile MailboxRef mailbox;
    volatile Pages initialPages;
    volatile boolean killed;
    volatile boolean exiting;
    private volatile Integer exitCode;
    private volatile String abandonReason;
    /** Serialises migration with the closing of the mailboxes it moves; held across syscalls. */
    private final EngineLock mailboxLock;

    ProcessRuntime(KernelRuntime kernel, ProcessRef ref, ProcessSpec spec, CoreId core) {
        this.kernel = kernel;
        this.ref = ref;
        this.spec = spec;
        this.main = new ThreadRuntime(this, 0, core);
        this.mailboxLock = new EngineLock(kernel.engine());
        threads.put(0, main);
    }

    // ---------------------------------------------------------------- UserProcess

    @Override
    public long pid() {
        return ref.pid();
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public boolean isAlive() {
        return !exit.isDone();
    }

    @Override
    public int waitFor(Duration timeout) throws TimeoutException, InterruptedException {
        Objects.requireNonNull(timeout, "timeout is null");
        if (!kernel.await(exit, timeout)) {
            throw new TimeoutException("process " + pid() + " (" + name() + ") did not end within " + timeout);
        }
        String reason = abandonReason;
        if (reason != null) {
            throw new IllegalStateException(reason);
        }
        return exit.join().code();
    }

    @Override
    public Optional<ExitStatus> exitStatus() {
        return Optional.ofNullable(exit.getNow(null));
    }

    @Override
    public void kill() {
        kernel.checkOpen();
        if (exit.isDone()) {
            return;
        }
        killed = true;
        try {
            kernel.timed(Latencies.PROCESSES, () -> {
                kernel.callerServices().pm().kill(ref);
                return null;
            });
        } catch (NoSuchProcessException | IllegalStateException e) {
            LOG.debug("kill of {}: {}", pid(), e.getMessage());
        }
        for (ThreadRuntime t : threads.values()) {
            if (t != main || !exiting) {
                t.interrupt();
            }
        }
    }

    @Override
    public void migrate(ClusterId target) {
        kernel.checkOpen();
        kernel.topology().cluster(target.index());
        CompletableFuture<Void> release = mailboxLock.acquire();
        try {
            migrateHolding(target);
        } finally {
            release.complete(null);
        }
    }

    private void migrateHolding(ClusterId target) {
        if (exit.isDone() || exiting || killed) {
            throw new IllegalStateException("process " + pid() + " has ended or is ending: it cannot migrate");
        }
        CoreServices s = kernel.callerServices();
        Map<Integer, CoreId> plan;
        try {
            plan = kernel.timed(Latencies.PROCESSES, () -> s.pm().planMigration(ref, target));
        } catch (NoSuchProcessException e) {
            throw new IllegalStateException("process " + pid() + " has ended: it cannot migrate", e);
        }
        CoreId home = plan.getOrDefault(0, plan.values().iterator().next());
        MailboxRef old = mailbox;
        MailboxRef moved = kernel.timed(Latencies.MAILBOXES, () -> kernel.mailboxes().move(s.client(), old, home));
        if (!moved.equals(old)) {
            mailboxes.add(moved);
            mainHistory.add(old);
            mailbox = moved;
            kernel.timed(Latencies.PROCESSES, () -> {
                s.pm().moveNames(ref, old.host(), moved.host());
                return null;
            });
        }
        for (MailboxRef extra : List.copyOf(extraMailboxes)) {
            MailboxRef to = kernel.timed(Latencies.MAILBOXES, () -> kernel.mailboxes().move(s.client(), extra, home));
            if (!to.equals(extra)) {
                mailboxes.add(to);
                extraMailboxes.remove(extra);
                extraMailboxes.add(to);
                movedTo.put(extra, to);
            }
        }
        for (Map.Entry<Integer, CoreId> e : plan.entrySet()) {
            ThreadRuntime t = threads.get(e.getKey());
            if (t != null) {
                t.pendingCore = e.getValue();
            }
        }
    }

    @Override
    public ProcessStats stats() {
        kernel.checkOpen();
        if (exit.isDone()) {
            throw new IllegalStateException("process " + pid() + " has ended: no statistics");
        }
        try {
            return new ProcessStats(kernel.timed(Latencies.PROCESSES,
                    () -> kernel.callerServices().pm().statistics(ref)), messagesSent.get());
        } catch (NoSuchProcessException e) {
            throw new IllegalStateException("process " + pid() + " has ended: no statistics", e);
        }
    }

    // ---------------------------------------------------------------- ProcessContext

    @Override
    public CoreId core() {
        return current().core;
    }

    @Override
    public Syscalls syscalls() {
        return current().syscalls;
    }

    @Override
    public UserThread startThread(Runnable body) {
        return current().syscalls.startThread(body);
    }

    /** @return the calling thread's runtime if it is one of this process's, else the main thread's */
    ThreadRuntime current() {
        if (KernelRuntime.CURRENT.isBound()) {
            ThreadRuntime t = KernelRuntime.CURRENT.get();
            if (t.process == this) {
                return t;
            }
        }
        return main;
    }

    @Override
    public Optional<Pages> initialPages() {
        return Optional.ofNullable(initialPages);
    }

    // ---------------------------------------------------------------- threads and exit

    void startMain() {
        kernel.start(main, this::runMain);
    }

    /**
     * A thread was stopped by the simulated engine for blocking outside its syscalls: the process
     * exits (code 1) and {@link #waitFor} reports the reason. The first reason is kept.
     *
     * @param reason what happened, for the waiter
     */
    void abandon(String reason) {
        if (abandonReason == null) {
            abandonReason = reason;
        }
        requestExit(1);
    }

    /** Ends the process after its main thread was stopped (on a fresh program, see {@link #abandon}). */
    void finishAbandoned() {
        finish(1);
    }

    private void runMain() {
        int code = 0;
        try {
            ScopedValue.where(KernelRuntime.CURRENT, main).call(() -> {
                spec.program().main(this);
                return null;
            });
        } catch (ProcessExit | ProcessKilledException e) {
            LOG.debug("process {} main ends: {}", pid(), e.getMessage());
        } catch (Throwable t) {
            if (!killed && !exiting) {
                LOG.warn("process {} ({}) failed: {}", pid(), name(), t.toString());
                code = 1;
            }
        }
        if (main.abandoned) {
            return; // the simulated engine stopped this thread; another program ended the process
        }
        Integer requested = exitCode;
        finish(requested != null ? requested : code);
    }

    /**
     * Marks the process exiting with a code (the first code wins) and interrupts its threads.
     *
     * @param code the exit code
     */
    void requestExit(int code) {
        if (exitCode == null) {
            exitCode = code;
        }
        exiting = true;
        for (ThreadRuntime t : threads.values()) {
            t.interrupt();
        }
    }

    /**
     * @param ref a mailbox reference the process was given
     * @return where that mailbox is now
     * @throws IllegalArgumentException if it is not an open mailbox of this process
     */
    MailboxRef current(MailboxRef ref) {
        MailboxRef r = ref;
        for (MailboxRef next = movedTo.get(r); next != null; next = movedTo.get(r)) {
            r = next;
        }
        if (r.equals(mailbox) || extraMailboxes.contains(r)) {
            return r;
        }
        if (mainHistory.contains(ref)) {
            return mailbox;
        }
        throw new IllegalArgumentException("mailbox " + ref + " is not an open mailbox of process " + pid());
    }

    /** A safe point of a thread of this process: stop if killed or exiting. */
    void checkAlive(ThreadRuntime t) {
        if (killed) {
            throw new ProcessKilledException("process " + pid() + " (" + name() + ") was killed");
        }
        if (exiting) {
            throw new ProcessKilledException("process " + pid() + " (" + name() + ") is exiting");
        }
    }

    private void finish(int code) {
        exiting = true;
        ExitStatus status = null;
        Thread.interrupted();
        try {
            for (ThreadRuntime t : threads.values()) {
                if (t != main) {
                    t.interrupt();
                }
            }
            for (ThreadRuntime t : List.copyOf(threads.values())) {
                if (t != main && !joinQuietly(t)) {
                    LOG.warn("process {}: thread {} did not stop within {}; its resources are freed anyway", pid(),
                            t.tid, kernel.exitGrace());
                }
            }
            CoreServices s = kernel.services(main.core);
            int freed = kernel.timed(Latencies.PAGES, () -> kernel.pages().releaseOwner(s.core(), pid()));
            LOG.debug("process {}: {} pages released", pid(), freed);
            closeMailboxes(s);
            status = kernel.timed(Latencies.PROCESSES, () -> s.pm().exit(ref, code));
        } catch (RuntimeException e) {
            LOG.warn("process {} ({}): ending failed: {}", pid(), name(), e.toString());
        } finally {
            kernel.forget(this);
            exit.complete(status != null ? status
                    : new ExitStatus(pid(), true, killed ? ExitStatus.KILLED : code, killed));
        }
    }

    /** Closes every mailbox the process held; serialised with {@link #migrate}, which moves them. */
    private void closeMailboxes(CoreServices s) {
        CompletableFuture<Void> release = mailboxLock.acquire();
        try {
            List<MailboxRef> boxes = new ArrayList<>(mailboxes);
            for (MailboxRef m : boxes.reversed()) {
                try {
                    kernel.timed(Latencies.MAILBOXES, () -> kernel.mailboxes().close(s.client(), m));
                } catch (MailboxClosedException e) {
                    LOG.debug("process {}: {}", pid(), e.getMessage());
                }
            }
        } finally {
            release.complete(null);
        }
    }

    /** Joins a thread within the exit grace, ignoring interrupts (a kill may arrive meanwhile). */
    private boolean joinQuietly(ThreadRuntime t) {
        dev.manycore.messaging.Clock clock = kernel.engine().clock();
        long deadline = clock.nanos() + kernel.exitGrace().toNanos();
        while (true) {
            try {
                return t.join(Duration.ofNanos(Math.max(0, deadline - clock.nanos())));
            } catch (InterruptedException e) {
                LOG.debug("process {}: interrupted while joining thread {}", pid(), t.tid);
            }
        }
    }

    @Override
    public String toString() {
        return "UserProcess[" + pid() + " " + name() + (exit.isDone() ? ", ended" : "") + "]";
    }
}
