package dev.manycore.kernel.internal;

import dev.manycore.messaging.Engine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A mutual-exclusion lock for kernel code that holds it across syscalls, whose waits go through
 * the engine ({@link Engine#await}): on the simulated engine a user thread that waits for it hands
 * control back to the engine instead of blocking its host thread (a Java monitor held across a
 * syscall would stop virtual time there). Holders queue in arrival order: each takes the tail's
 * future and waits for its predecessor's to complete. Not reentrant. Thread-safe, lock-free
 * (one atomic swap per acquisition).
 */
final class EngineLock {

    private final Engine engine;
    private final AtomicReference<CompletableFuture<Void>> tail =
            new AtomicReference<>(CompletableFuture.completedFuture(null));

    EngineLock(Engine engine) {
        this.engine = engine;
    }

    /**
     * Waits for the lock (interrupts do not end the wait; the thread's status is set again).
     *
     * @return the holder's release: complete it (in a {@code finally}) to let the next holder in
     */
    CompletableFuture<Void> acquire() {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        engine.awaitUninterruptibly(tail.getAndSet(mine), Long.MAX_VALUE);
        return mine;
    }
}
