package dev.manycore.fleets.names;

import dev.manycore.fleets.internal.Nearest;
import dev.manycore.fleets.CallTimeoutException;
import dev.manycore.fleets.Client;
import dev.manycore.fleets.Fleet;
import dev.manycore.fleets.RemoteFailureException;
import dev.manycore.fleets.Request;
import dev.manycore.fleets.ServerContext;
import dev.manycore.fleets.UndeliverableException;
import dev.manycore.fleets.internal.names.NameRequests.Claim;
import dev.manycore.fleets.internal.names.NameRequests.Committed;
import dev.manycore.fleets.internal.names.NameRequests.Delete;
import dev.manycore.fleets.internal.names.NameRequests.Dump;
import dev.manycore.fleets.internal.names.NameRequests.FollowMove;
import dev.manycore.fleets.internal.names.NameRequests.Lookup;
import dev.manycore.fleets.internal.names.NameRequests.LookupAll;
import dev.manycore.fleets.internal.names.NameRequests.LookupResult;
import dev.manycore.fleets.internal.names.NameRequests.Members;
import dev.manycore.fleets.internal.names.NameRequests.Move;
import dev.manycore.fleets.internal.names.NameRequests.Moved;
import dev.manycore.fleets.internal.names.NameRequests.NameUpdate;
import dev.manycore.fleets.internal.names.NameRequests.Register;
import dev.manycore.fleets.internal.names.NameRequests.ReportLoad;
import dev.manycore.fleets.internal.names.NameRequests.Unregister;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.Name;
import dev.manycore.messaging.NameBinding;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The typed client stub of the name service (fos paper 3.4, the naming API of libfos): each
 * operation becomes a request to the member nearest to the client's core and a
 * {@link CompletableFuture} of its typed answer; {@link #blocking()} gives the same operations as
 * blocking calls for user threads.
 *
 * <p>Lookups first consult the client core's {@link dev.manycore.messaging.NameCache} and fill it
 * with nearest-policy answers; the service invalidates those entries when the name is deleted or
 * moved. A read that gets no answer in time is retried at the next nearest member, so a failed
 * member costs a lookup one timeout, not its success. An update is sent once (it is not
 * idempotent): if no answer comes, it fails with {@link NameServiceTimeoutException}.
 *
 * <p>Errors: {@link NameNotFoundException}, {@link NameTakenException},
 * {@link NamespaceOwnedException}, {@link NameConflictException},
 * {@link NameServiceTimeoutException}; each message names the name.
 *
 * <p>Thread-safe.
 */
public final class NameServiceClient {

    private final Client client;
    private final Fleet fleet;
    private final String owner;
    private final Duration readTimeout;
    private final Duration updateTimeout;
    private final Blocking blocking = new Blocking();

    NameServiceClient(Client client, Fleet fleet, String owner, Duration readTimeout, Duration updateTimeout) {
        Objects.requireNonNull(owner, "owner is null");
        if (owner.isBlank()) {
            throw new IllegalArgumentException("owner is blank: names are registered in someone's name");
        }
        this.client = client;
        this.fleet = fleet;
        this.owner = owner;
        this.readTimeout = Objects.requireNonNull(readTimeout, "read timeout is null");
        this.updateTimeout = Objects.requireNonNull(updateTimeout, "update timeout is null");
    }

    /**
     * @param readTimeout   how long one read attempt waits for a member
     * @param updateTimeout how long an update waits for its commit
     * @return a client of the same core and owner with these timeouts
     * @throws IllegalArgumentException if a timeout is not positive
     */
    public NameServiceClient withTimeouts(Duration readTimeout, Duration updateTimeout) {
        if (readTimeout.isNegative() || readTimeout.isZero() || updateTimeout.isNegative() || updateTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts " + readTimeout + " and " + updateTimeout + " must be positive");
        }
        return new NameServiceClient(client, fleet, owner, readTimeout, updateTimeout);
    }

    /** @return the owner this client acts for */
    public String owner() {
        return owner;
    }

    /** @return the client's gateway address (the requester the service sees) */
    public Address address() {
        return client.address();
    }

    /** @return the same operations, blocking */
    public Blocking blocking() {
        return blocking;
    }

    // ---------------------------------------------------------------- updates

    /**
     * Registers a mailbox under a name.
     *
     * @param name    the name
     * @param address the mailbox
     * @param flags   service set or single, interchangeable or stateful, lookup policy
     * @return completes with the name's new version
     */
    public CompletableFuture<Long> register(Name name, Address address, NameFlags flags) {
        return update(new Register(name, Objects.requireNonNull(address, "address is null"), owner,
                Objects.requireNonNull(flags, "flags are null")));
    }

    /**
     * Claims a namespace: afterwards only this owner may register inside it.
     *
     * @param prefix the namespace
     * @return completes with 0 once claimed (claiming one's own namespace again succeeds)
     */
    public CompletableFuture<Long> claim(Name prefix) {
        return update(new Claim(prefix, owner));
    }

    /**
     * Deletes a name and all its mappings.
     *
     * @param name the name
     * @return completes with the name's new version
     */
    public CompletableFuture<Long> delete(Name name) {
        return update(new Delete(name, owner));
    }

    /**
     * Deletes one mapping of a name; the name goes when its last mapping goes.
     *
     * @param name    the name
     * @param address the mapping to delete
     * @return completes with the name's new version
     */
    public CompletableFuture<Long> unregister(Name name, Address address) {
        return update(new Unregister(name, Objects.requireNonNull(address, "address is null"), owner));
    }

    /**
     * Moves a mapping of a name to a new mailbox (migration): caches are invalidated and
     * {@link #followMove} redirects holders of the old address.
     *
     * @param name the name
     * @param from the old mailbox
     * @param to   the new mailbox
     * @return completes with the name's new version
     */
    public CompletableFuture<Long> move(Name name, Address from, Address to) {
        return update(new Move(name, Objects.requireNonNull(from, "from is null"),
                Objects.requireNonNull(to, "to is null"), owner));
    }

    private CompletableFuture<Long> update(NameUpdate update) {
        Objects.requireNonNull(update.name(), "name is null");
        Name name = update.name();
        return client.execute(ctx -> attempt(ctx, update, name, updateTimeout, false, new HashSet<>())
                .thenApply(Committed::version));
    }

    // ---------------------------------------------------------------- reads

    /**
     * Looks up one mailbox of a name by its policy (with key 0 for key affinity).
     *
     * @param name the name
     * @return completes with the chosen mailbox
     */
    public CompletableFuture<Address> lookup(Name name) {
        Objects.requireNonNull(name, "name is null");
        return client.execute(ctx -> {
            NameBinding cached = ctx.nameCache().lookup(name);
            if (cached != null) {
                return CompletableFuture.completedFuture(cached.address());
            }
            return attempt(ctx, new Lookup(name, 0), name, readTimeout, true, new HashSet<>()).thenApply(r -> {
                if (r.policy() == LookupPolicy.NEAREST) {
                    ctx.nameCache().put(new NameBinding(r.name(), r.address(), r.version()));
                }
                return r.address();
            });
        });
    }

    /**
     * Looks up the member of a service set that serves a key (key affinity; other policies ignore
     * the key). Not cached.
     *
     * @param name the name
     * @param key  the key
     * @return completes with the chosen mailbox
     */
    public CompletableFuture<Address> lookup(Name name, long key) {
        Objects.requireNonNull(name, "name is null");
        return client.execute(ctx -> attempt(ctx, new Lookup(name, key), name, readTimeout, true, new HashSet<>())
                .thenApply(LookupResult::address));
    }

    /**
     * @param name the name
     * @return completes with every mailbox of the name, in registration order
     */
    public CompletableFuture<List<Address>> lookupAll(Name name) {
        Objects.requireNonNull(name, "name is null");
        return client.execute(ctx -> attempt(ctx, new LookupAll(name), name, readTimeout, true, new HashSet<>())
                .thenApply(Members::addresses));
    }

    /**
     * @param from an address that may have moved
     * @return completes with where it is now ({@code from} itself if it never moved)
     */
    public CompletableFuture<Address> followMove(Address from) {
        Objects.requireNonNull(from, "address is null");
        return client.execute(ctx -> attempt(ctx, new FollowMove(from), Name.root(), readTimeout, true,
                new HashSet<>()).thenApply(Moved::to));
    }

    /**
     * Sends a load hint for {@link LookupPolicy#LEAST_LOADED} to every member (one-way, best effort).
     *
     * @param address a registered mailbox
     * @param load    its load, smaller is better
     * @return completes once sent
     */
    public CompletableFuture<Void> reportLoad(Address address, long load) {
        ReportLoad hint = new ReportLoad(Objects.requireNonNull(address, "address is null"), load);
        return client.execute(ctx -> {
            for (Address member : fleet.members()) {
                ctx.send(member, hint);
            }
            return CompletableFuture.completedFuture(null);
        });
    }

    /**
     * @param member a member of the name service
     * @return completes with an image of that member's replica
     */
    public CompletableFuture<NameTableImage> image(Address member) {
        Objects.requireNonNull(member, "member is null");
        return client.call(member, new Dump(), updateTimeout);
    }

    // ---------------------------------------------------------------- attempts

    private <R> CompletionStage<R> attempt(ServerContext ctx, Request<R> request, Name name, Duration timeout,
                                           boolean retry, Set<Address> tried) {
        Address member = nearest(ctx, tried);
        if (member == null) {
            return CompletableFuture.failedFuture(new NameServiceTimeoutException(name, "no member of the name service"
                    + " answered " + request.getClass().getSimpleName() + " of " + name + " (tried " + tried + ")"));
        }
        tried.add(member);
        CompletableFuture<R> result = new CompletableFuture<>();
        ctx.call(member, request, timeout).whenComplete((value, failure) -> {
            if (failure == null) {
                result.complete(value);
                return;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            boolean unanswered = cause instanceof CallTimeoutException || cause instanceof UndeliverableException;
            if (unanswered && (retry || cause instanceof UndeliverableException)) {
                attempt(ctx, request, name, timeout, retry, tried).whenComplete((v, f) -> {
                    if (f != null) {
                        result.completeExceptionally(f);
                    } else {
                        result.complete(v);
                    }
                });
            } else {
                result.completeExceptionally(translate(cause, name, request, member, timeout));
            }
        });
        return result;
    }

    private static Throwable translate(Throwable cause, Name name, Request<?> request, Address member, Duration timeout) {
        if (cause instanceof RemoteFailureException remote) {
            NameServiceException e = NameServiceException.rebuild(remote.remoteType(), name, remote.remoteMessage());
            return e != null ? e : remote;
        }
        if (cause instanceof CallTimeoutException) {
            return new NameServiceTimeoutException(name, request.getClass().getSimpleName() + " of " + name
                    + " got no answer from " + member + " within " + timeout);
        }
        return cause;
    }

    private Address nearest(ServerContext ctx, Set<Address> tried) {
        return Nearest.among(ctx.topology(), ctx.cluster(), fleet.members(), tried::contains);
    }

    @Override
    public String toString() {
        return "NameServiceClient[" + owner + " at " + client.address() + "]";
    }

    /**
     * The operations of the enclosing client as blocking calls, for user threads. Each throws the
     * exceptions listed on the client. Thread-safe.
     */
    public final class Blocking {

        private Blocking() {
        }

        /** @see NameServiceClient#register */
        public long register(Name name, Address address, NameFlags flags) {
            return client.waitFor(NameServiceClient.this.register(name, address, flags));
        }

        /** @see NameServiceClient#claim */
        public long claim(Name prefix) {
            return client.waitFor(NameServiceClient.this.claim(prefix));
        }

        /** @see NameServiceClient#delete */
        public long delete(Name name) {
            return client.waitFor(NameServiceClient.this.delete(name));
        }

        /** @see NameServiceClient#unregister */
        public long unregister(Name name, Address address) {
            return client.waitFor(NameServiceClient.this.unregister(name, address));
        }

        /** @see NameServiceClient#move */
        public long move(Name name, Address from, Address to) {
            return client.waitFor(NameServiceClient.this.move(name, from, to));
        }

        /** @see NameServiceClient#lookup(Name) */
        public Address lookup(Name name) {
            return client.waitFor(NameServiceClient.this.lookup(name));
        }

        /** @see NameServiceClient#lookup(Name, long) */
        public Address lookup(Name name, long key) {
            return client.waitFor(NameServiceClient.this.lookup(name, key));
        }

        /** @see NameServiceClient#lookupAll */
        public List<Address> lookupAll(Name name) {
            return client.waitFor(NameServiceClient.this.lookupAll(name));
        }

        /** @see NameServiceClient#followMove */
        public Address followMove(Address from) {
            return client.waitFor(NameServiceClient.this.followMove(from));
        }

        /** @see NameServiceClient#image */
        public NameTableImage image(Address member) {
            return client.waitFor(NameServiceClient.this.image(member));
        }
    }
}
