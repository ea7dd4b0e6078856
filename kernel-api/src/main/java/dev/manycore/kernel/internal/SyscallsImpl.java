package dev.manycore.kernel.internal;

import dev.manycore.fleets.pages.PageRun;
import dev.manycore.fleets.processes.ExitStatus;
import dev.manycore.fleets.processes.Letter;
import dev.manycore.fleets.processes.MailboxClosedException;
import dev.manycore.fleets.processes.MailboxRef;
import dev.manycore.fleets.processes.NoSuchProcessException;
import dev.manycore.fleets.processes.ThreadPlacement;
import dev.manycore.kernel.Pages;
import dev.manycore.kernel.ProcessKilledException;
import dev.manycore.kernel.ProcessSpec;
import dev.manycore.kernel.Syscalls;
import dev.manycore.kernel.UserProcess;
import dev.manycore.kernel.UserThread;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.Name;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CoreId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * The syscalls of one user thread (the libfos layer, fos paper 3.2): each call is a safe point,
 * then blocking requests from the thread's current core to the fleets. Confined to its thread.
 */
final class SyscallsImpl implements Syscalls {

    private static final Logger LOG = LoggerFactory.getLogger(SyscallsImpl.class);

    private final ThreadRuntime self;

    SyscallsImpl(ThreadRuntime self) {
        this.self = self;
    }

    private ProcessRuntime process() {
        return self.process;
    }

    private KernelRuntime kernel() {
        return self.process.kernel;
    }

    @Override
    public long pid() {
        return process().pid();
    }

    @Override
    public CoreId core() {
        return self.core;
    }

    @Override
    public void safePoint() {
        kernel().checkOpen();
        process().checkAlive(self);
        CoreId to = self.pendingCore;
        if (to != null) {
            self.pendingCore = null;
            if (!to.equals(self.core)) {
                CoreServices s = kernel().services(to);
                kernel().timed(Latencies.PROCESSES, () -> {
                    s.pm().threadMoved(process().ref, self.tid, to);
                    return null;
                });
                self.core = to;
            }
        }
    }

    private CoreServices enter() {
        safePoint();
        return kernel().services(self.core);
    }

    @Override
    public Pages allocPages(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("page count " + count + " must be at least 1");
        }
        CoreServices s = enter();
        return kernel().takePages(process(), s, count);
    }

    @Override
    public void freePages(Pages pages) {
        Objects.requireNonNull(pages, "pages are null");
        if (pages.owner() != pid()) {
            throw new IllegalArgumentException("pages " + pages.runs() + " belong to process " + pages.owner()
                    + ", not to process " + pid() + ": a process frees only its own pages");
        }
        CoreServices s = enter();
        Map<ClusterId, int[]> changes = new LinkedHashMap<>();
        for (PageRun run : pages.runs()) {
            kernel().timed(Latencies.PAGES, () -> {
                kernel().pages().free(s.core(), run, pid());
                return null;
            });
            boolean local = process().localRuns.remove(run) != null;
            int[] c = changes.computeIfAbsent(run.cluster(), k -> new int[2]);
            c[0] -= run.pages();
            c[1] -= local ? run.pages() : 0;
        }
        for (Map.Entry<ClusterId, int[]> e : changes.entrySet()) {
            kernel().timed(Latencies.PROCESSES, () -> {
                s.pm().pagesChanged(process().ref, e.getKey(), e.getValue()[0], e.getValue()[1]);
                return null;
            });
        }
    }

    @Override
    public UserProcess spawn(ProcessSpec spec) {
        Objects.requireNonNull(spec, "process spec is null");
        enter();
        return kernel().spawn(spec, pid(), self.core);
    }

    @Override
    public void exit(int code) {
        process().requestExit(code);
        throw new ProcessExit(pid(), code);
    }

    @Override
    public int waitFor(UserProcess process, Duration timeout) throws TimeoutException, InterruptedException {
        Objects.requireNonNull(process, "process is null");
        Objects.requireNonNull(timeout, "timeout is null");
        if (!(process instanceof ProcessRuntime p) || p.kernel != kernel()) {
            throw new IllegalArgumentException(process + " is not a process of this kernel");
        }
        CoreServices s = enter();
        ExitStatus status;
        try {
            status = kernel().timed(Latencies.PROCESSES, () -> s.pm().waitFor(p.ref, timeout));
        } catch (NoSuchProcessException e) {
            return p.waitFor(timeout);
        }
        if (!status.exited()) {
            throw new TimeoutException("process " + p.pid() + " (" + p.name() + ") did not end within " + timeout);
        }
        return p.waitFor(kernel().exitGrace());
    }

    @Override
    public void register(String name) {
        Name n = Name.of(Objects.requireNonNull(name, "name is null"));
        CoreServices s = enter();
        MailboxRef box = process().mailbox;
        kernel().timed(Latencies.PROCESSES, () -> {
            s.pm().registerName(process().ref, n, box.host());
            return null;
        });
        kernel().timed(Latencies.MAILBOXES, () -> {
            kernel().mailboxes().bind(s.client(), box, n);
            return null;
        });
    }

    @Override
    public Address lookup(String name) {
        Name n = Name.of(Objects.requireNonNull(name, "name is null"));
        CoreServices s = enter();
        return kernel().timed(Latencies.NAMES, () -> s.names().lookup(n));
    }

    @Override
    public void send(String name, Object body) {
        Name n = Name.of(Objects.requireNonNull(name, "name is null"));
        Objects.requireNonNull(body, "message body is null");
        CoreServices s = enter();
        Letter letter = new Letter(pid(), process().mailbox, body);
        Address host = kernel().timed(Latencies.NAMES, () -> s.names().lookup(n));
        try {
            kernel().timed(Latencies.MAILBOXES, () -> kernel().mailboxes().deliver(s.client(), host, n, letter));
        } catch (MailboxClosedException e) {
            // A stale cached lookup (the name moved or went): the service invalidated it, ask again once.
            LOG.debug("send to {} at {}: {}; resolving again", n, host, e.getMessage());
            Address again = kernel().timed(Latencies.NAMES, () -> s.names().lookup(n));
            kernel().timed(Latencies.MAILBOXES, () -> kernel().mailboxes().deliver(s.client(), again, n, letter));
        }
        process().messagesSent.incrementAndGet();
    }

    @Override
    public void send(MailboxRef to, Object body) {
        Objects.requireNonNull(to, "mailbox is null");
        Objects.requireNonNull(body, "message body is null");
        CoreServices s = enter();
        Letter letter = new Letter(pid(), process().mailbox, body);
        kernel().timed(Latencies.MAILBOXES, () -> kernel().mailboxes().deliver(s.client(), to, letter));
        process().messagesSent.incrementAndGet();
    }

    @Override
    public Optional<Letter> receive(Duration timeout) {
        return receiveFrom(null, timeout);
    }

    @Override
    public Optional<Letter> receive(MailboxRef mailbox, Duration timeout) {
        Objects.requireNonNull(mailbox, "mailbox is null");
        return receiveFrom(mailbox, timeout);
    }

    @Override
    public MailboxRef openMailbox() {
        CoreServices s = enter();
        MailboxRef box = kernel().timed(Latencies.MAILBOXES, () -> kernel().mailboxes().open(s.client(), self.core, pid()));
        process().mailboxes.add(box);
        process().extraMailboxes.add(box);
        return box;
    }

    @Override
    public int closeMailbox(MailboxRef mailbox) {
        Objects.requireNonNull(mailbox, "mailbox is null");
        MailboxRef current = process().current(mailbox);
        if (!process().extraMailboxes.contains(current)) {
            throw new IllegalArgumentException("mailbox " + mailbox + " is not an open extra mailbox of process " + pid()
                    + " (the main mailbox closes with the process)");
        }
        CoreServices s = enter();
        int dropped = kernel().timed(Latencies.MAILBOXES, () -> kernel().mailboxes().close(s.client(), current));
        process().extraMailboxes.remove(current);
        process().mailboxes.remove(current);
        return dropped;
    }

    private Optional<Letter> receiveFrom(MailboxRef requested, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout is null");
        CoreServices s = enter();
        MailboxRef box = requested == null ? process().mailbox : process().current(requested);
        long start = now();
        try {
            Optional<Letter> letter = kernel().mailboxes().receive(s.client(), box, timeout);
            kernel().latencies().record(Latencies.MAILBOXES, now() - start);
            return letter;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            safePoint();
            return Optional.empty();
        }
    }

    @Override
    public long now() {
        return kernel().engine().clock().nanos();
    }

    @Override
    public void sleep(Duration duration) {
        safePoint();
        pause(nonNegative(duration, "sleep"));
    }

    private static Duration nonNegative(Duration d, String what) {
        if (Objects.requireNonNull(d, what + " duration is null").isNegative()) {
            throw new IllegalArgumentException(what + " of " + d + " is negative");
        }
        return d;
    }

    /** Lets {@code duration} of the engine's time pass; an interrupt ends it at a safe point. */
    private void pause(Duration duration) {
        try {
            kernel().await(new java.util.concurrent.CompletableFuture<Void>(), duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            safePoint();
        }
    }

    @Override
    public void compute(Duration work) {
        nonNegative(work, "compute");
        safePoint();
        dev.manycore.messaging.ProgramContext program = self.programContext;
        if (program == null || work.isZero()) {
            return;
        }
        // the core is busy for the work; the thread resumes when its core is free again
        program.compute(KernelRuntime.nanos(work));
        pause(Duration.ofNanos(1));
    }

    @Override
    public MailboxRef mailbox() {
        return process().mailbox;
    }

    @Override
    public UserThread startThread(Runnable body) {
        Objects.requireNonNull(body, "thread body is null");
        CoreServices s = enter();
        ThreadPlacement placed;
        try {
            placed = kernel().timed(Latencies.PROCESSES, () -> s.pm().startThread(process().ref, self.core));
        } catch (IllegalStateException e) {
            throw new ProcessKilledException(e.getMessage());
        }
        return kernel().launch(process(), placed, body);
    }

    @Override
    public void join(UserThread thread) throws InterruptedException {
        Objects.requireNonNull(thread, "thread is null");
        if (!(thread instanceof ThreadRuntime t) || t.process != process()) {
            throw new IllegalArgumentException(thread + " is not a thread of process " + pid());
        }
        safePoint();
        t.join();
    }

    @Override
    public String toString() {
        return "Syscalls[" + pid() + "/" + self.tid + " on " + self.core + "]";
    }
}
