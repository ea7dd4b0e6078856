package dev.manycore.fleets.internal;

import dev.manycore.fleets.ServerMetrics;
import dev.manycore.messaging.Address;

/**
 * What the outside world (a fleet, a test) may do to one running server: read its metrics and
 * crash it, which turns it into a black hole that drains and discards its messages and skips its
 * stop hook ({@code Fleet.crash}; {@code Fleet.failStop} also retires it from the engine, which
 * closes its mailbox). Thread-safe: the crash flag is
 * volatile, the metrics publish volatile totals.
 */
public final class ServerControl {

    private final ServerMetrics metrics = new ServerMetrics();
    private volatile boolean crashed;
    private volatile Address address;

    /** @return the server's counters */
    public ServerMetrics metrics() {
        return metrics;
    }

    /** Crashes the server: from its next duty cycle it answers nothing. Idempotent. */
    public void crash() {
        crashed = true;
    }

    /** @return true once crashed */
    public boolean isCrashed() {
        return crashed;
    }

    void bind(Address address) {
        this.address = address;
    }

    /** @return the server's address once it started, else null */
    public Address address() {
        return address;
    }
}
