package dev.manycore.fleets.chaos;

import dev.manycore.messaging.SimulatedEngine;

import java.util.concurrent.CompletableFuture;
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

    /** @throws AssertionError with the message if the condition is false */
    static void check(boolean condition, Supplier<String> message) {
        if (!condition) {
            throw new AssertionError(message.get());
        }
    }
}
