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
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Keeps a fleet registered under one name (fos paper 3.2: "a fleet is registered under one name";
 * fos report 3.2.3: a failed member is removed from the name service): every member of each new
 * view is registered as a member of the name's service set, and every member that left the view
 * is unregistered. Views are followed one after the other, each synchronised before the next, so
 * updates never race each other.
 *
 * <p>Following is asynchronous: {@link #follow} returns before the first view is registered, and
 * a lookup made meanwhile may find no member. A program that starts clients right away waits for
 * {@link #whenSynced(long)} first.
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
    private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();
    private volatile long syncedEpoch;
    private volatile boolean closed;

    /** A caller of {@link #whenSynced(long)} waiting for a view at or after {@code epoch}. */
    private record Waiter(long epoch, CompletableFuture<Long> done) {
    }

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

    /**
     * @return the epoch of the last view whose members were all registered, with every member that
     *         left it unregistered; 0 before the first
     */
    public long syncedEpoch() {
        return syncedEpoch;
    }

    /**
     * Waits for the name to show a view of the fleet: the returned future completes with the synced
     * epoch once every member of a view with {@code epoch} or a later one is registered under the
     * name and every member that left it is unregistered. With the epoch of the view a program saw
     * (or 1 for the fleet's first), a lookup made after it completes finds a member. A view whose
     * updates failed is not synced; the wait goes on to the next view, which retries them.
     *
     * @param epoch a view epoch, at least 1
     * @return a future of the synced epoch ({@code >= epoch}); it fails with
     *         {@link IllegalStateException} if the registration is closed first
     * @throws IllegalArgumentException if {@code epoch < 1}
     */
    public CompletableFuture<Long> whenSynced(long epoch) {
        if (epoch < 1) {
            throw new IllegalArgumentException("epoch " + epoch + " is not a view epoch: epochs start at 1");
        }
        Waiter w = new Waiter(epoch, new CompletableFuture<>());
        waiters.add(w);
        // the re-check after adding: a sync or close that ran before the add did not see this waiter
        settle(w);
        return w.done();
    }

    /**
     * Completes a waiter if its view is synced, or fails it if the registration is closed, and
     * then forgets it. Safe to run from several threads: a future completes once.
     */
    private void settle(Waiter w) {
        long synced = syncedEpoch;
        if (synced >= w.epoch()) {
            w.done().complete(synced);
        } else if (closed) {
            w.done().completeExceptionally(closedBefore(w.epoch()));
        } else {
            return;
        }
        waiters.remove(w);
    }

    private void followAfter(long epoch) {
        fleet.whenView(v -> v.epoch() > epoch).thenAccept(v ->
                (closed ? CompletableFuture.completedFuture(false) : sync(v)).thenAccept(complete -> {
                    if (complete) {
                        synced(v.epoch());
                    }
                    if (!closed) {
                        followAfter(v.epoch());
                    }
                }));
    }

    private void synced(long epoch) {
        syncedEpoch = epoch;
        waiters.forEach(this::settle);
    }

    private IllegalStateException closedBefore(long epoch) {
        return new IllegalStateException(this + " was closed before view " + epoch + " was registered");
    }

    /**
     * Registers joiners and unregisters leavers one update after the other (updates of one name
     * would conflict with each other), retrying an update refused as a conflict a few times.
     *
     * @return a future of whether the name now lists exactly the view's members
     */
    private CompletableFuture<Boolean> sync(MembershipView view) {
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
        return chain.thenApply(x -> registered.equals(Set.copyOf(view.members())));
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

    /**
     * Stops following the fleet; the names registered so far stay, and a {@link #whenSynced} still
     * waiting fails.
     */
    @Override
    public void close() {
        closed = true;
        waiters.forEach(this::settle);
    }

    @Override
    public String toString() {
        return "FleetRegistration[" + fleet.name() + " as " + name + ", epoch " + syncedEpoch + "]";
    }
}
