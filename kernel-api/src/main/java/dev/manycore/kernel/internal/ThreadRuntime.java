package dev.manycore.kernel.internal;

import dev.manycore.kernel.UserThread;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.ProgramContext;
import dev.manycore.numa.CoreId;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One user thread: a virtual thread (on the simulated engine, a program of the engine), the
 * simulated core it runs on, and a core it must move to at its next safe point after a migration.
 * Thread-safe: the core fields are volatile; only the thread itself moves its core.
 */
final class ThreadRuntime implements UserThread {

    final ProcessRuntime process;
    final int tid;
    final SyscallsImpl syscalls;
    /** Completes when the body has ended and the process manager was told. */
    final CompletableFuture<Void> finished = new CompletableFuture<>();
    volatile CoreId core;
    volatile CoreId pendingCore;
    /** The thread running the body, once it started. */
    volatile Thread thread;
    /** On the simulated engine: the thread's program (interrupted through the engine), else null. */
    volatile Address program;
    /** On the simulated engine: the program's context, set when it starts. */
    volatile ProgramContext programContext;
    /** Set when the simulated engine stopped the thread: its end is done by another program. */
    volatile boolean abandoned;

    ThreadRuntime(ProcessRuntime process, int tid, CoreId core) {
        this.process = process;
        this.tid = tid;
        this.core = core;
        this.syscalls = new SyscallsImpl(this);
    }

    @Override
    public int tid() {
        return tid;
    }

    @Override
    public CoreId core() {
        return core;
    }

    @Override
    public boolean isAlive() {
        return !finished.isDone();
    }

    @Override
    public void join() throws InterruptedException {
        process.kernel.engine().await(finished, Long.MAX_VALUE);
    }

    @Override
    public boolean join(Duration timeout) throws InterruptedException {
        return process.kernel.engine().await(finished, KernelRuntime.nanos(timeout));
    }

    /**
     * Interrupts the thread unless it is the caller: on the threaded engine its virtual thread, on
     * the simulated engine its program, through the engine (a wait ends at the current virtual time).
     */
    void interrupt() {
        Thread t = thread;
        if (t != null && t == Thread.currentThread()) {
            return;
        }
        Address p = program;
        if (p != null) {
            process.kernel.interruptProgram(p);
        } else if (t != null) {
            t.interrupt();
        }
    }

    @Override
    public String toString() {
        return "UserThread[" + process.pid() + "/" + tid + " on " + core + "]";
    }
}
