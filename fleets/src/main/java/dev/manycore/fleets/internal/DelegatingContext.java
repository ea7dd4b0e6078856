package dev.manycore.fleets.internal;

import dev.manycore.fleets.Caller;
import dev.manycore.fleets.FleetContext;
import dev.manycore.fleets.Request;
import dev.manycore.fleets.ScheduledTimer;
import dev.manycore.fleets.SeededRandom;
import dev.manycore.fleets.ServerContext;
import dev.manycore.fleets.ServerMetrics;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.NameCache;
import dev.manycore.messaging.SendStatus;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;
import org.slf4j.Logger;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * The {@link ServerContext} half of a {@link FleetContext}, passed through to the member's runtime,
 * so that {@link FleetMember} holds only the fleet protocol. Confined to the member's thread.
 */
abstract class DelegatingContext implements FleetContext {

    /** The member's runtime context, set when the runtime starts the member. */
    ServerContext ctx;

    @Override
    public Address address() {
        return ctx.address();
    }

    @Override
    public CoreId core() {
        return ctx.core();
    }

    @Override
    public ClusterId cluster() {
        return ctx.cluster();
    }

    @Override
    public Topology topology() {
        return ctx.topology();
    }

    @Override
    public long now() {
        return ctx.now();
    }

    @Override
    public SendStatus send(Address to, Object payload) {
        return ctx.send(to, payload);
    }

    @Override
    public void reply(Caller caller, Object reply) {
        ctx.reply(caller, reply);
    }

    @Override
    public void replyError(Caller caller, Throwable failure) {
        ctx.replyError(caller, failure);
    }

    @Override
    public void forward(Address to, Object request, Caller caller) {
        ctx.forward(to, request, caller);
    }

    @Override
    public <R> CompletionStage<R> call(Address to, Request<R> request, Duration timeout) {
        return ctx.call(to, request, timeout);
    }

    @Override
    public CompletionStage<Object> callUntyped(Address to, Object request, long timeoutNs) {
        return ctx.callUntyped(to, request, timeoutNs);
    }

    @Override
    public ScheduledTimer schedule(long delayNs, Runnable action) {
        return ctx.schedule(delayNs, action);
    }

    @Override
    public ScheduledTimer every(long periodNs, Runnable action) {
        return ctx.every(periodNs, action);
    }

    @Override
    public Executor executor() {
        return ctx.executor();
    }

    @Override
    public SeededRandom random() {
        return ctx.random();
    }

    @Override
    public ServerMetrics metrics() {
        return ctx.metrics();
    }

    @Override
    public Logger logger() {
        return ctx.logger();
    }

    @Override
    public NameCache nameCache() {
        return ctx.nameCache();
    }
}
