package dev.manycore.fleets.internal.pool;

import dev.manycore.fleets.FleetContext;
import dev.manycore.fleets.Handlers;
import dev.manycore.fleets.MembershipView;
import dev.manycore.fleets.ScheduledTimer;
import dev.manycore.fleets.internal.pool.PoolMessages.Ack;
import dev.manycore.fleets.internal.pool.PoolMessages.Ask;
import dev.manycore.fleets.internal.pool.PoolMessages.Cancel;
import dev.manycore.fleets.internal.pool.PoolMessages.CancelResult;
import dev.manycore.fleets.internal.pool.PoolMessages.Empty;
import dev.manycore.fleets.internal.pool.PoolMessages.Forget;
import dev.manycore.fleets.internal.pool.PoolMessages.Grant;
import dev.manycore.fleets.internal.pool.PoolMessages.PartitionHandOver;
import dev.manycore.fleets.internal.pool.PoolMessages.PoolMessage;
import dev.manycore.fleets.internal.pool.Shard.Transfer;
import dev.manycore.fleets.pool.DPool;
import dev.manycore.fleets.pool.DPoolClosedException;
import dev.manycore.fleets.pool.DPoolConfig;
import dev.manycore.fleets.pool.DPoolDirectory;
import dev.manycore.fleets.pool.DPoolEmptyException;
import dev.manycore.fleets.pool.DPoolScheme;
import dev.manycore.messaging.Address;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One member's partition of a dPool and the protocol that moves elements between partitions (fos
 * report 4.8.1: distributed storage on demand, bulk transfer, background pull, background push,
 * background push with estimation). Recovery of partitions and transfers is ours; see
 * {@link Shard} for the ownership guard it rests on.
 *
 * <p><b>Transfers.</b> A sender moves elements out of its partition into its in-transit list, under
 * one guarded change, then sends them ({@link Grant}). The receiver, under one guarded change, adds
 * them and records the key as accepted (or drops them if it promised to refuse that key), then
 * acknowledges. The sender settles on the acknowledgement and tells the receiver to forget the key.
 * A transfer not acknowledged within the transfer timeout (or whose receiver left the view, or one
 * adopted with a partition) is settled: if the receiver's shard is sealed, by reading whether it
 * accepted the key before the seal (it can accept nothing after); otherwise by a {@link Cancel}: the
 * receiver answers accepted, or records a refusal and answers refused, and the sender takes the
 * elements back. Either way each element ends in exactly one partition.
 *
 * <p><b>Adoption.</b> The first member of the current view whose shard is not sealed adopts every
 * unsealed shard whose owner was a member and is no longer in the view (failed or left), and the
 * coordinator adopts a leaver's shard when its hand-over arrives: seal it, then copy its elements and
 * its in-transit list into its own shard, all inside one guarded change of its own shard (so an
 * adopter that is itself sealed meanwhile cannot lose what it adopted: its own adopter gets it).
 *
 * <p>Not thread-safe: confined to the member's thread.
 *
 * @param <E> the element type
 */
public final class PoolPartition<E> implements DPool<E> {

    private final FleetContext ctx;
    private final ShardDirectory<E> directory;
    private final DPoolConfig config;
    private final Shard<E> shard;
    private final Address self;
    private final long timeoutNs;
    private final ArrayDeque<CompletableFuture<E>> waiting = new ArrayDeque<>();
    private final Map<Address, Integer> estimates = new HashMap<>();
    private final Set<Address> everSeen = new HashSet<>();
    private MembershipView view;
    private boolean frozen;
    private boolean closed;
    private ScheduledTimer timer;
    private long nextAskId = 1;
    private int rotation;
    private Fetch fetch;
    private long pullAskId;
    private ScheduledTimer pullTimer;
    private boolean adoptionRetryScheduled;

    /** An on-demand (or bulk) request in progress: the members still to ask. */
    private static final class Fetch {
        final ArrayDeque<Address> candidates;
        final List<Address> asked = new ArrayList<>();
        long askId;
        Address target;
        ScheduledTimer timer;

        Fetch(ArrayDeque<Address> candidates) {
            this.candidates = candidates;
        }
    }

    private PoolPartition(FleetContext ctx, ShardDirectory<E> directory, DPoolConfig config) {
        this.ctx = ctx;
        this.directory = directory;
        this.config = config;
        this.self = ctx.address();
        this.shard = new Shard<>(self);
        this.timeoutNs = config.transferTimeout().toNanos();
        this.view = ctx.view();
    }

    /**
     * Implements {@link DPool#create}.
     *
     * @param context   the member's context
     * @param handlers  the server's handler table
     * @param directory the pool's directory
     * @param config    the settings
     * @param initial   this member's first elements
     * @param <E>       the element type
     * @return the partition
     */
    public static <E> PoolPartition<E> create(FleetContext context, Handlers handlers, DPoolDirectory<E> directory,
                                              DPoolConfig config, Collection<? extends E> initial) {
        Objects.requireNonNull(context, "fleet context is null");
        Objects.requireNonNull(handlers, "handlers are null");
        Objects.requireNonNull(directory, "pool directory is null");
        Objects.requireNonNull(config, "pool config is null");
        Objects.requireNonNull(initial, "initial elements are null: give an empty collection");
        for (E e : initial) {
            if (e == null) {
                throw new IllegalArgumentException("initial elements of pool " + directory.name() + " at "
                        + context.address() + " contain null: elements are non-null values");
            }
        }
        PoolPartition<E> p = new PoolPartition<>(context, (ShardDirectory<E>) directory, config);
        PoolRouter.in(handlers).add(p);
        p.shard.elements.addAll(initial);
        p.directory.register(p.shard);
        p.timer = context.every(config.period().toNanos(), p::tick);
        if (p.view.contains(p.self)) {
            p.viewChanged(p.view, p.view);
        }
        return p;
    }

    // ---------------------------------------------------------------- local operations

    @Override
    public String name() {
        return directory.name();
    }

    @Override
    public DPoolConfig config() {
        return config;
    }

    @Override
    public Optional<E> tryTake() {
        return Optional.ofNullable(takeLocal());
    }

    private E takeLocal() {
        if (shard.elements.isEmpty() || !open()) {
            return null;
        }
        E e = shard.elements.pollFirst();
        shard.close();
        return e;
    }

    /** Opens the own shard; notices the seal (fails waiting takes) if it fails. */
    private boolean open() {
        if (shard.open()) {
            return true;
        }
        if (!closed) {
            closed = true;
            ctx.logger().info("pool {}: partition of {} was adopted by {}", name(), self, shard.adoptedBy());
            failWaiting(closedException());
        }
        return false;
    }

    private DPoolClosedException closedException() {
        return new DPoolClosedException("the partition of pool " + name() + " at " + self
                + " was adopted by " + shard.adoptedBy() + ": this member left the fleet or was removed from it");
    }

    @Override
    public CompletionStage<E> take() {
        E e = takeLocal();
        if (e != null) {
            return CompletableFuture.completedFuture(e);
        }
        if (closed || shard.isSealed()) {
            open();
            return CompletableFuture.failedFuture(closedException());
        }
        CompletableFuture<E> f = new CompletableFuture<>();
        waiting.add(f);
        startFetch();
        return f;
    }

    @Override
    public void put(E element) {
        Objects.requireNonNull(element, "element put into pool " + name() + " is null");
        if (!open()) {
            throw closedException();
        }
        shard.elements.addLast(element);
        shard.close();
        serveWaiting();
    }

    @Override
    public void putAll(Collection<? extends E> elements) {
        for (E e : elements) {
            Objects.requireNonNull(e, "an element put into pool " + name() + " is null; none was stored");
        }
        if (!open()) {
            throw closedException();
        }
        shard.elements.addAll(elements);
        shard.close();
        serveWaiting();
    }

    @Override
    public int localSize() {
        return shard.isSealed() ? 0 : shard.elements.size();
    }

    @Override
    public List<E> localElements() {
        return shard.isSealed() ? List.of() : List.copyOf(shard.elements);
    }

    @Override
    public int inTransit() {
        if (shard.isSealed()) {
            return 0;
        }
        int n = 0;
        for (Transfer<E> t : shard.inTransit.values()) {
            n += t.elements().size();
        }
        return n;
    }

    @Override
    public Map<Address, Integer> estimates() {
        return Map.copyOf(estimates);
    }

    @Override
    public boolean isClosed() {
        return closed || shard.isSealed();
    }

    private void serveWaiting() {
        while (!waiting.isEmpty()) {
            E e = takeLocal();
            if (e == null) {
                return;
            }
            waiting.poll().complete(e);
        }
    }

    private void failWaiting(RuntimeException failure) {
        CompletableFuture<E> f;
        while ((f = waiting.poll()) != null) {
            f.completeExceptionally(failure);
        }
    }

    // ---------------------------------------------------------------- fetching on demand

    private List<Address> peers() {
        List<Address> peers = new ArrayList<>(view.size());
        for (Address a : view.members()) {
            if (!a.equals(self)) {
                peers.add(a);
            }
        }
        return peers;
    }

    private void startFetch() {
        if (fetch != null || waiting.isEmpty()) {
            return;
        }
        List<Address> peers = peers();
        ArrayDeque<Address> order = new ArrayDeque<>(peers.size());
        if (!peers.isEmpty()) {
            int start = Math.floorMod(rotation++, peers.size());
            for (int i = 0; i < peers.size(); i++) {
                order.add(peers.get((start + i) % peers.size()));
            }
        }
        fetch = new Fetch(order);
        askNext();
    }

    private void askNext() {
        Fetch f = fetch;
        if (f.timer != null) {
            f.timer.cancel();
        }
        Address target;
        do {
            target = f.candidates.poll();
        } while (target != null && !view.contains(target));
        if (target == null) {
            fetch = null;
            serveWaiting();
            if (!waiting.isEmpty()) {
                failWaiting(new DPoolEmptyException("pool " + name() + " is empty: " + self
                        + " has no element and none of the members it asked had one (asked " + f.asked + ")"));
            }
            return;
        }
        long id = nextAskId++;
        int count = config.scheme() == DPoolScheme.BULK_TRANSFER
                ? Math.max(config.blockSize(), waiting.size()) : 1;
        f.askId = id;
        f.target = target;
        f.asked.add(target);
        ctx.send(target, new Ask(name(), id, count, false, localSize()));
        f.timer = ctx.schedule(timeoutNs, () -> {
            if (fetch == f && f.askId == id) {
                askNext();
            }
        });
    }

    private void fetchAnswered(long askId, boolean granted) {
        Fetch f = fetch;
        if (f == null || f.askId != askId) {
            return;
        }
        if (granted) {
            f.timer.cancel();
            fetch = null;
            serveWaiting();
            startFetch();
        } else {
            askNext();
        }
    }

    // ---------------------------------------------------------------- messages

    /**
     * Handles a message of this pool (called by the {@link PoolRouter}).
     *
     * @param message the message
     * @param from    its sender
     */
    void onMessage(PoolMessage message, Address from) {
        if (view.contains(from) && !from.equals(self)) {
            estimates.put(from, message.senderSize());
        }
        switch (message) {
            case Ask a -> onAsk(a, from);
            case Grant g -> onGrant(g, from);
            case Empty e -> onEmpty(e);
            case Ack a -> onAck(a, from);
            case Cancel c -> onCancel(c, from);
            case CancelResult r -> onCancelResult(r, from);
            case Forget f -> onForget(f);
        }
    }

    private void onAsk(Ask ask, Address from) {
        int size = localSize();
        int give = ask.background() ? Math.min(ask.count(), size - config.lowWater()) : Math.min(ask.count(), size);
        if (give <= 0 || !send(from, give, ask.askId())) {
            ctx.send(from, new Empty(name(), ask.askId(), localSize()));
        }
    }

    /**
     * Moves up to {@code count} elements to a member, as one transfer.
     *
     * @return false if nothing was sent (no element, or the shard is sealed)
     */
    private boolean send(Address to, int count, long askId) {
        if (shard.elements.isEmpty() || !open()) {
            return false;
        }
        int n = Math.min(count, shard.elements.size());
        List<E> moved = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            moved.add(shard.elements.pollFirst());
        }
        TransferKey key = new TransferKey(self, shard.nextTransferId++);
        shard.inTransit.put(key, new Transfer<>(to, List.copyOf(moved), ctx.now()));
        shard.close();
        ctx.send(to, new Grant(name(), key, new ArrayList<>(moved), askId, localSize()));
        return true;
    }

    @SuppressWarnings("unchecked")
    private void onGrant(Grant grant, Address from) {
        if (!open()) {
            // sealed: we accept nothing more; the sender settles by reading our sealed record
            return;
        }
        boolean accept;
        if (shard.refused.remove(grant.key())) {
            accept = false;
        } else {
            accept = shard.accepted.add(grant.key());
            if (accept) {
                for (Object o : grant.elements()) {
                    shard.elements.addLast((E) o);
                }
            }
        }
        boolean refused = !accept && !shard.accepted.contains(grant.key());
        shard.close();
        if (!refused) {
            ctx.send(from, new Ack(name(), grant.key(), localSize()));
        }
        if (grant.askId() != 0 && pullAskId == grant.askId()) {
            pullDone();
        }
        serveWaiting();
        fetchAnswered(grant.askId(), true);
    }

    private void onEmpty(Empty empty) {
        if (empty.askId() == pullAskId && pullAskId != 0) {
            pullDone();
        }
        fetchAnswered(empty.askId(), false);
    }

    private void onAck(Ack ack, Address from) {
        if (!open()) {
            return;
        }
        Transfer<E> t = shard.inTransit.remove(ack.key());
        shard.close();
        if (t != null) {
            ctx.send(from, new Forget(name(), ack.key(), localSize()));
        }
    }

    private void onCancel(Cancel cancel, Address from) {
        if (!open()) {
            // sealed: the asker reads our sealed record instead
            return;
        }
        boolean accepted = shard.accepted.contains(cancel.key());
        if (!accepted) {
            shard.refused.add(cancel.key());
        }
        shard.close();
        ctx.send(from, new CancelResult(name(), cancel.key(), accepted, localSize()));
    }

    private void onCancelResult(CancelResult result, Address from) {
        if (settle(result.key(), result.accepted()) && result.accepted()) {
            ctx.send(from, new Forget(name(), result.key(), localSize()));
        }
    }

    private void onForget(Forget forget) {
        if (!open()) {
            return;
        }
        shard.accepted.remove(forget.key());
        shard.close();
    }

    /**
     * Settles a transfer of the own shard's in-transit list.
     *
     * @return true if it was still in transit
     */
    private boolean settle(TransferKey key, boolean accepted) {
        if (!open()) {
            return false;
        }
        Transfer<E> t = shard.inTransit.remove(key);
        if (t != null && !accepted) {
            shard.elements.addAll(t.elements());
        }
        shard.close();
        if (t != null && !accepted) {
            serveWaiting();
        }
        return t != null;
    }

    // ---------------------------------------------------------------- the timer: recovery and rebalancing

    private void tick() {
        if (closed || shard.isSealed()) {
            open();
            return;
        }
        adoptOrphans();
        settleOverdue();
        if (!frozen && view.contains(self)) {
            rebalance();
        }
    }

    private void settleOverdue() {
        if (shard.inTransit.isEmpty()) {
            return;
        }
        long now = ctx.now();
        List<Map.Entry<TransferKey, Transfer<E>>> overdue = new ArrayList<>();
        for (Map.Entry<TransferKey, Transfer<E>> e : shard.inTransit.entrySet()) {
            Transfer<E> t = e.getValue();
            Shard<E> receiver = directory.get(t.to());
            boolean sealed = receiver != null && receiver.isSealed();
            if (t.sentAt() == Long.MIN_VALUE || now - t.sentAt() > timeoutNs || sealed) {
                overdue.add(Map.entry(e.getKey(), t));
            }
        }
        for (Map.Entry<TransferKey, Transfer<E>> e : overdue) {
            TransferKey key = e.getKey();
            Transfer<E> t = e.getValue();
            Shard<E> receiver = directory.get(t.to());
            if (t.to().equals(self)) {
                // adopted with a partition, addressed to us: we are the receiver
                settleWithSelf(key);
            } else if (receiver != null && receiver.isSealed()) {
                // the receiver accepts nothing after its seal: what it accepted before is final
                settle(key, receiver.acceptedBeforeSeal(key));
            } else if (open()) {
                // ask the receiver; ask again only after another timeout
                shard.inTransit.put(key, new Transfer<>(t.to(), t.elements(), now));
                shard.close();
                ctx.send(t.to(), new Cancel(name(), key, localSize()));
            }
        }
    }

    private void settleWithSelf(TransferKey key) {
        if (!open()) {
            return;
        }
        boolean accepted = shard.accepted.remove(key);
        if (!accepted) {
            shard.refused.add(key);
        }
        Transfer<E> t = shard.inTransit.remove(key);
        if (t != null && !accepted) {
            shard.elements.addAll(t.elements());
        }
        shard.close();
        serveWaiting();
    }

    private void adoptOrphans() {
        if (!view.contains(self) || !isAdopter()) {
            return;
        }
        for (Shard<E> s : directory.all()) {
            Address owner = s.owner();
            if (owner.equals(self) || s.isSealed() || view.contains(owner)) {
                continue;
            }
            long since = s.memberSince();
            if (everSeen.contains(owner) || (since > 0 && since <= view.epoch())) {
                adopt(s);
            }
        }
    }

    /** @return true if this member is the first of its view whose shard is not sealed */
    private boolean isAdopter() {
        for (Address a : view.members()) {
            Shard<E> s = directory.get(a);
            if (s != null && !s.isSealed()) {
                return a.equals(self);
            }
        }
        return false;
    }

    private void adopt(Shard<E> orphan) {
        if (!open()) {
            return;
        }
        Shard.Seal seal = orphan.trySeal(self);
        if (seal == Shard.Seal.SEALED_BY_CALLER) {
            shard.elements.addAll(orphan.elements);
            for (Map.Entry<TransferKey, Transfer<E>> e : orphan.inTransit.entrySet()) {
                Transfer<E> t = e.getValue();
                shard.inTransit.put(e.getKey(), new Transfer<>(t.to(), t.elements(), Long.MIN_VALUE));
            }
        }
        shard.close();
        if (seal == Shard.Seal.SEALED_BY_CALLER) {
            ctx.logger().info("pool {}: {} adopted the partition of {} ({} elements, {} transfers to settle)",
                    name(), self, orphan.owner(), orphan.elements.size(), orphan.inTransit.size());
            serveWaiting();
        } else if (seal == Shard.Seal.BUSY && !adoptionRetryScheduled) {
            // the owner is in the middle of a change: try again shortly, never spin
            adoptionRetryScheduled = true;
            ctx.schedule(Math.max(1, config.period().toNanos() / 8), () -> {
                adoptionRetryScheduled = false;
                adoptOrphans();
            });
        }
    }

    private void rebalance() {
        List<Address> peers = peers();
        if (peers.isEmpty()) {
            return;
        }
        switch (config.scheme()) {
            case ON_DEMAND, BULK_TRANSFER -> {
            }
            case BACKGROUND_PULL -> backgroundPull(peers);
            case BACKGROUND_PUSH -> backgroundPush(peers);
            case PUSH_WITH_ESTIMATION -> pushWithEstimation(peers);
        }
    }

    private void backgroundPull(List<Address> peers) {
        if (pullAskId != 0 || localSize() >= config.lowWater()) {
            return;
        }
        Address target = peers.get(Math.floorMod(rotation++, peers.size()));
        long id = nextAskId++;
        pullAskId = id;
        ctx.send(target, new Ask(name(), id, config.blockSize(), true, localSize()));
        pullTimer = ctx.schedule(timeoutNs, () -> {
            if (pullAskId == id) {
                pullAskId = 0;
            }
        });
    }

    private void pullDone() {
        pullAskId = 0;
        if (pullTimer != null) {
            pullTimer.cancel();
            pullTimer = null;
        }
    }

    private void backgroundPush(List<Address> peers) {
        int surplus = localSize() - config.highWater();
        if (surplus <= 0) {
            return;
        }
        int each = surplus / peers.size();
        int extra = surplus % peers.size();
        int start = Math.floorMod(rotation++, peers.size());
        for (int i = 0; i < peers.size(); i++) {
            int n = each + (i < extra ? 1 : 0);
            if (n > 0) {
                send(peers.get((start + i) % peers.size()), n, 0);
            }
        }
    }

    private void pushWithEstimation(List<Address> peers) {
        int size = localSize();
        int surplus = size - config.highWater();
        if (surplus <= 0) {
            return;
        }
        List<Address> lighter = new ArrayList<>();
        for (Address p : peers) {
            if (estimates.getOrDefault(p, 0) < size) {
                lighter.add(p);
            }
        }
        lighter.sort((a, b) -> Integer.compare(estimates.getOrDefault(a, 0), estimates.getOrDefault(b, 0)));
        for (Address p : lighter) {
            if (surplus <= 0) {
                break;
            }
            int estimate = estimates.getOrDefault(p, 0);
            int n = Math.min(surplus, (size - estimate) / 2);
            if (n <= 0) {
                continue;
            }
            if (send(p, n, 0)) {
                surplus -= n;
                size -= n;
                estimates.put(p, estimate + n);
            }
        }
    }

    // ---------------------------------------------------------------- FleetServer callbacks

    @Override
    public void viewChanged(MembershipView previous, MembershipView current) {
        view = current;
        everSeen.addAll(current.members());
        if (current.contains(self)) {
            shard.markMember(current.epoch());
        }
        estimates.keySet().retainAll(current.members());
        if (fetch != null && fetch.target != null && !current.contains(fetch.target)) {
            askNext();
        }
        if (previous.contains(self) && !current.contains(self)) {
            failWaiting(closedException());
        }
        if (!closed && !shard.isSealed()) {
            adoptOrphans();
            settleOverdue();
        }
    }

    @Override
    public void freeze() {
        frozen = true;
    }

    @Override
    public boolean isQuiescent() {
        return true;
    }

    @Override
    public void thaw() {
        frozen = false;
    }

    @Override
    public Object stateFor(Address joiner, MembershipView next) {
        return null;
    }

    @Override
    public void installState(Object state) {
        if (state != null) {
            throw new IllegalArgumentException("pool " + name() + " installs no state (a joiner starts empty), got "
                    + state.getClass().getName());
        }
    }

    @Override
    public Object handOver(MembershipView next) {
        return new PartitionHandOver(name(), self);
    }

    @Override
    public void receiveHandOver(Address from, Object state) {
        if (state instanceof PartitionHandOver h && h.pool().equals(name()) && !closed && !shard.isSealed()) {
            Shard<E> leaver = directory.get(h.leaver());
            if (leaver != null && !leaver.owner().equals(self) && !leaver.isSealed()) {
                everSeen.add(h.leaver());
                adopt(leaver);
            }
        }
    }

    @Override
    public void stop() {
        if (timer != null) {
            timer.cancel();
        }
    }

    @Override
    public String toString() {
        return "DPool[" + name() + " at " + self + ", " + localSize() + " local, " + config.scheme() + "]";
    }

    /** @return this member's shard (protocol tests) */
    Shard<E> shardForTest() {
        return shard;
    }
}
