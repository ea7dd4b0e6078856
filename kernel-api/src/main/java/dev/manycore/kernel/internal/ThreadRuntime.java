package dev.manycore.kernel.internal;

import dev.manycore.kernel.UserThread;
import dev.manycore.numa.CoreId;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One user thread: a virtual thread, the simulated core it runs on, and a core it must move to at
 * its next safe point after a migration. Thread-safe: the core fields are volatile; only the thread
 * itself moves its core.
 */
final class ThreadRuntime implements UserThread {

    final ProcessRuntime process;
    final int tid;
    final SyscallsImpl syscalls;
    final CountDownLatch done = new CountDownLatch(1);
    volatile CoreId core;
    volatile CoreId pendingCore;
    volatile Thread thread;

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
        return done.getCount() > 0;
    }

    @Override
    public void join() throws InterruptedException {
        done.await();
    }

    @Override
    public boolean join(Duration timeout) throws InterruptedException {
        return done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    void interrupt() {
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
        }
    }

    @Override
    public String toString() {
        return "UserThread[" + process.pid() + "/" + tid + " on " + core + "]";
    }
}
