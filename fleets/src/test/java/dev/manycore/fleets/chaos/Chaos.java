package dev.manycore.fleets.chaos;

import dev.manycore.fleets.internal.Nearest;
import dev.manycore.messaging.Address;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.Topology;
import java.util.List;

import dev.manycore.messaging.SimulatedEngine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/** Driving a simulated engine in the chaos tests, and their checks. */
final class Chaos {

    private Chaos() {
    }

    /**
     * Runs the engine until the future is done, and returns its value.
     *
     * @throws AssertionError if it is not done by {@code limit} or failed
     */
    static <T> T await(SimulatedEngine engine, CompletableFuture<T> future, long limit, String what) {
        if (!engine.runUntilDone(future, Math.max(limit, engine.now()))) {
            throw new AssertionError(what + ": not done by " + limit + " ns of virtual time (now " + engine.now() + ")");
        }
        if (future.isCompletedExceptionally()) {
            throw new AssertionError(what + ": failed with " + Outcomes.cause(future.exceptionNow()),
                    future.exceptionNow());
        }
        return future.join();
    }

    /** Runs until every request has an outcome (or the limit), then until the engine is quiescent. */
    static void settle(SimulatedEngine engine, Outcomes outcomes, long limit) {
        while (!outcomes.allDone() && engine.now() < limit) {
            engine.runFor(Math.min(100_000, limit - engine.now()));
        }
        engine.runUntilQuiescent(engine.now() + 10_000_000);
    }

    /**
     * Runs a start-up that blocks the calling thread on fleet futures (which only the engine can
     * complete) on a helper thread, and drives the engine 1 us at a time while it waits. It
     * stays deterministic: the helper makes its engine calls before its first wait, and only
     * returns after its last one, so the engine sees the same inputs at the same virtual times on
     * every run; the run then continues to the fixed virtual time {@code readyAt}, so that how far
     * the driving thread ran before it saw the helper finish does not matter.
     *
     * @param start   the blocking start-up
     * @param readyAt a virtual time by which the start-up is done
     * @return what the start-up returned
     */
    static <T> T startBlocking(SimulatedEngine engine, Supplier<T> start, long readyAt) {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread helper = Thread.ofPlatform().name("chaos-start").start(() -> {
            try {
                result.set(start.get());
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        long hostDeadline = System.nanoTime() + 60_000_000_000L;
        while (helper.isAlive()) {
            // advance virtual time only while the helper waits for it (it may be descheduled on a busy host)
            while (helper.isAlive() && helper.getState() != Thread.State.WAITING) {
                check(System.nanoTime() < hostDeadline, () -> "the start-up neither finished nor waited in 60 s");
                Thread.onSpinWait();
            }
            if (!helper.isAlive()) {
                break;
            }
            check(engine.now() < readyAt, () -> "the start-up was not done by " + readyAt + " ns of virtual time ("
                    + helper.getState() + " at " + java.util.Arrays.toString(helper.getStackTrace()) + ")");
            check(System.nanoTime() < hostDeadline, () -> "the start-up did not finish in 60 s of host time");
            // small steps of virtual time, not single events: the next event may be a heartbeat far ahead
            engine.runFor(Math.min(1_000, readyAt - engine.now()));
            // a helper woken by that run reads WAITING until it gets a CPU: give it one
            java.util.concurrent.locks.LockSupport.parkNanos(2_000);
        }
        try {
            helper.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        if (failure.get() != null) {
            throw new AssertionError("the start-up failed: " + failure.get(), failure.get());
        }
        check(engine.now() <= readyAt, () -> "the start-up was not done by " + readyAt + " ns of virtual time");
        engine.runUntil(readyAt);
        return result.get();
    }

    /** @throws AssertionError with the message if the condition is false */
    /**
     * @param topology the machine
     * @param from     the requester's cluster
     * @param members  the fleet's members
     * @return the member with the fewest hops from {@code from} (the lowest address on ties), null if none
     */
    static Address nearestMember(Topology topology, ClusterId from, List<Address> members) {
        return Nearest.among(topology, from, members);
    }

    static void check(boolean condition, Supplier<String> message) {
        if (!condition) {
            throw new AssertionError(message.get());
        }
    }
}
