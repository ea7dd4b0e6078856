package dev.manycore.fleets.names;

import dev.manycore.fleets.Fleet;
import dev.manycore.fleets.MembershipView;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.Name;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Keeps a fleet registered under one name (fos paper 3.2: "a fleet is registered under one name";
 * fos report 3.2.3: a failed member is removed from the name service): every member of each new
 * view is registered as a member of the name's service set, and every member that left the view
 * is unregistered. Views are followed one after the other, each synchronised before the next, so
 * updates never race each other.
 *
 * <p>An update that fails (a timeout while the name service itself changes) is retried at the
 * next view change. Thread-safe; {@link #close()} stops following.
 */
public final class FleetRegistration implements AutoCloseable {

    private final Fleet fleet;
    private final Name name;
    private final NameFlags flags;
    private final NameServiceClient client;
    private final Set<Address> registered = new LinkedHashSet<>();
    private volatile long syncedEpoch;
    private volatile boolean closed;

    private FleetRegistration(Fleet fleet, Name name, NameFlags flags, NameServiceClient client) {
        this.fleet = fleet;
        this.name = name;
        this.flags = flags;
        this.client = client;
    }

    /**
     * Registers a fleet's members under a name and keeps them registered as the fleet changes.
     *
     * @param fleet  the fleet
     * @param name   the name, inside a namespace the client's owner may use
     * @param flags  service-set flags (their {@code serviceSet} must be true)
     * @param client the client that makes the updates (its owner owns the name)
     * @return the registration, already following the fleet
     * @throws IllegalArgumentException if the flags are not those of a service set
     */
    public static FleetRegistration follow(Fleet fleet, Name name, NameFlags flags, NameServiceClient client) {
        Objects.requireNonNull(fleet, "fleet is null");
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(client, "client is null");
        if (!flags.serviceSet()) {
            throw new IllegalArgumentException("fleet " + fleet.name() + " registered under " + name
                    + " needs service-set flags: a fleet has several members");
        }
        FleetRegistration r = new FleetRegistration(fleet, name, flags, client);
        r.followAfter(0);
        return r;
    }

    /** @return the epoch of the last view whose members were (re)registered */
    public long syncedEpoch() {
        return syncedEpoch;
    }

    private void followAfter(long epoch) {
        fleet.whenView(v -> v.epoch() > epoch)
                .thenCompose(v -> closed ? CompletableFuture.completedFuture(v) : sync(v).thenApply(x -> v))
                .thenAccept(v -> {
                    syncedEpoch = v.epoch();
                    if (!closed) {
                        followAfter(v.epoch());
                    }
                });
    }

    /**
     * Registers joiners and unregisters leavers one update after the other (updates of one name
     * would conflict with each other), retrying an update refused as a conflict a few times.
     */
    private CompletableFuture<Void> sync(MembershipView view) {
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (Address a : view.members()) {
            if (!registered.contains(a)) {
                chain = chain.thenCompose(x -> withRetries(() -> client.register(name, a, flags), CONFLICT_RETRIES)
                        .handle((v, e) -> {
                            if (e == null || cause(e) instanceof NameTakenException) {
                                registered.add(a);
                            }
                            return null;
                        }));
            }
        }
        for (Address a : List.copyOf(registered)) {
            if (!view.contains(a)) {
                chain = chain.thenCompose(x -> withRetries(() -> client.unregister(name, a), CONFLICT_RETRIES)
                        .handle((v, e) -> {
                            if (e == null || cause(e) instanceof NameNotFoundException) {
                                registered.remove(a);
                            }
                            return null;
                        }));
            }
        }
        return chain;
    }

    private static final int CONFLICT_RETRIES = 8;

    private static CompletableFuture<Long> withRetries(java.util.function.Supplier<CompletableFuture<Long>> update,
                                                       int retries) {
        return update.get().handle((v, e) -> {
            if (e != null && retries > 0 && cause(e) instanceof NameConflictException) {
                return withRetries(update, retries - 1);
            }
            return e != null ? CompletableFuture.<Long>failedFuture(cause(e)) : CompletableFuture.completedFuture(v);
        }).thenCompose(f -> f);
    }

    private static Throwable cause(Throwable e) {
        return e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    /** Stops following the fleet; the names registered so far stay. */
    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "FleetRegistration[" + fleet.name() + " as " + name + ", epoch " + syncedEpoch + "]";
    }
}
