package dev.manycore.fleets.internal.processes;

import dev.manycore.fleets.internal.Nearest;
import dev.manycore.fleets.CallTimeoutException;
import dev.manycore.fleets.Fleet;
import dev.manycore.fleets.RemoteFailureException;
import dev.manycore.fleets.ServerContext;
import dev.manycore.fleets.UndeliverableException;
import dev.manycore.fleets.internal.names.NameRequests.Committed;
import dev.manycore.fleets.internal.names.NameRequests.NameUpdate;
import dev.manycore.fleets.names.NameConflictException;
import dev.manycore.fleets.names.NameServiceException;
import dev.manycore.fleets.names.NameServiceTimeoutException;
import dev.manycore.messaging.Address;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Name service updates made by a process manager member as messages from its own context (fos
 * report 4.7.5: the process manager talks to the name server): the update goes to the nearest
 * replica, which coordinates its two-phase commit; an update refused as a conflict is retried a few
 * times, one whose replica is gone goes to the next nearest. Confined to the member's thread.
 */
final class NameUpdates {

    private static final int CONFLICT_RETRIES = 16;

    private final Fleet names;
    private final Duration timeout;

    NameUpdates(Fleet names, Duration timeout) {
        this.names = names;
        this.timeout = timeout;
    }

    CompletionStage<Long> update(ServerContext ctx, NameUpdate update) {
        return attempt(ctx, update, new HashSet<>(), CONFLICT_RETRIES);
    }

    private CompletionStage<Long> attempt(ServerContext ctx, NameUpdate update, Set<Address> tried, int retries) {
        Address replica = nearest(ctx, tried);
        if (replica == null) {
            return CompletableFuture.failedFuture(new NameServiceTimeoutException(update.name(),
                    "no name service member answered " + update.getClass().getSimpleName() + " of " + update.name()
                            + " (tried " + tried + ")"));
        }
        CompletableFuture<Long> result = new CompletableFuture<>();
        ctx.call(replica, update, timeout).whenComplete((Committed c, Throwable failure) -> {
            if (failure == null) {
                result.complete(c.version());
                return;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof RemoteFailureException remote) {
                NameServiceException e = NameServiceException.rebuild(remote.remoteType(), update.name(),
                        remote.remoteMessage());
                cause = e != null ? e : remote;
            }
            CompletionStage<Long> next = null;
            if (cause instanceof NameConflictException && retries > 0) {
                next = attempt(ctx, update, new HashSet<>(), retries - 1);
            } else if (cause instanceof UndeliverableException) {
                tried.add(replica);
                next = attempt(ctx, update, tried, retries);
            } else if (cause instanceof CallTimeoutException) {
                cause = new NameServiceTimeoutException(update.name(), update.getClass().getSimpleName() + " of "
                        + update.name() + " got no answer from " + replica + " within " + timeout);
            }
            if (next == null) {
                result.completeExceptionally(cause);
            } else {
                next.whenComplete((v, f) -> {
                    if (f != null) {
                        result.completeExceptionally(f);
                    } else {
                        result.complete(v);
                    }
                });
            }
        });
        return result;
    }

    private Address nearest(ServerContext ctx, Set<Address> tried) {
        return Nearest.among(ctx.topology(), ctx.cluster(), names.members(), tried::contains);
    }
}
