package dev.manycore.fleets.pool;

import dev.manycore.fleets.FleetContext;
import dev.manycore.fleets.FleetServer;
import dev.manycore.fleets.Handlers;
import dev.manycore.fleets.MembershipView;
import dev.manycore.fleets.internal.pool.PoolPartition;
import dev.manycore.messaging.Address;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * One member's partition of a distributed pool of equivalent elements (fos report 4.8.1, dPool):
 * the member takes and puts elements locally, without messages, and the pool moves elements between
 * members as its {@link DPoolScheme scheme} says. Elements are never duplicated or lost, also while
 * members join, leave or fail: a partition lives in its member's memory bank (registered in the
 * pool's {@link DPoolDirectory}), and when a member leaves or fails, another member adopts it.
 *
 * <h2>Embedding a pool in a fleet server</h2>
 * A pool is not a server: a {@link FleetServer} creates it in {@code start} and forwards its
 * callbacks to it. A server with more state (or two pools) calls each part in turn; only
 * {@link #handOver} returns something, which the server passes back to {@link #receiveHandOver}
 * (wrap it in your own hand-over record if you have one):
 * <pre>{@code
 * final class PidServer implements FleetServer {
 *     private final DPoolDirectory<Long> pids;        // one per fleet, captured by the factory
 *     private final List<Long> initial;               // this member's share, empty for joiners
 *     private DPool<Long> pool;
 *
 *     public void start(FleetContext ctx, Handlers h) {
 *         pool = DPool.create(ctx, h, pids, DPoolConfig.of(DPoolScheme.PUSH_WITH_ESTIMATION), initial);
 *         h.on(NewPid.class, (m, c) -> pool.take());      // replies when the stage completes
 *     }
 *     public void viewChanged(MembershipView p, MembershipView c) { pool.viewChanged(p, c); }
 *     public void freeze() { pool.freeze(); }
 *     public boolean isQuiescent() { return pool.isQuiescent(); }
 *     public void thaw() { pool.thaw(); }
 *     public Object handOver(MembershipView next) { return pool.handOver(next); }
 *     public void receiveHandOver(Address from, Object s) { pool.receiveHandOver(from, s); }
 *     public void stop() { pool.stop(); }
 * }
 * }</pre>
 * {@link #stateFor} and {@link #installState} move nothing (a joiner starts with an empty partition
 * and is filled by rebalancing or on demand); they exist so a server can forward every callback.
 *
 * <h2>Recovery</h2>
 * When a view removes a member (it left, or it was suspected of failure), the first member of the
 * view whose own partition is still its own adopts the removed member's partition; a leaving
 * member's partition is already adopted by the coordinator when its hand-over arrives. Transfers
 * between members are kept by the sender until acknowledged; the receiver records what it accepted;
 * a transfer not acknowledged in time is settled with the receiver (or, if the receiver's
 * partition was adopted, by reading what it had accepted), so it ends up in exactly one partition.
 *
 * <p><b>Thread-safety: confined to the member's thread</b>, like its {@link FleetContext}. Elements
 * must be immutable values (records, {@code Long}, {@code Integer}): they cross mailboxes.
 *
 * @param <E> the element type
 */
public interface DPool<E> {

    /**
     * Creates this member's partition, registers it in the directory and the pool's message
     * handlers in the server's table, and starts the pool's timer. Call it from
     * {@link FleetServer#start}.
     *
     * @param context   the member's context
     * @param handlers  the server's handler table (the pool adds one handler for its messages, shared by
     *                  every pool of the server)
     * @param directory the pool's directory, the same object for every member of the fleet
     * @param config    the scheme and its settings
     * @param initial   the elements this member starts with (empty for a member that joins later);
     *                  no element may be given to two members
     * @param <E>       the element type
     * @return the partition
     * @throws IllegalArgumentException if this member already has a partition in the directory, or an
     *                                  initial element is null
     */
    static <E> DPool<E> create(FleetContext context, Handlers handlers, DPoolDirectory<E> directory,
                               DPoolConfig config, Collection<? extends E> initial) {
        return PoolPartition.create(context, handlers, directory, config, initial);
    }

    /** @return the pool's name (its directory's) */
    String name();

    /** @return the pool's settings */
    DPoolConfig config();

    /**
     * Takes an element from this member's partition, without messages.
     *
     * @return an element, or empty if the partition is empty or no longer this member's
     */
    Optional<E> tryTake();

    /**
     * Takes an element: from this member's partition if it has one (the stage is then already
     * complete), else from other members as the scheme says (on demand, or a block for
     * {@link DPoolScheme#BULK_TRANSFER}). The stage completes on the member's thread.
     *
     * @return completes with an element; exceptionally with {@link DPoolEmptyException} when no member
     * asked had one, or {@link DPoolClosedException} when the partition is no longer this member's
     */
    CompletionStage<E> take();

    /**
     * Puts an element into this member's partition (it may serve a waiting {@link #take()} at once).
     *
     * @param element an immutable element, not null, not already in the pool
     * @throws NullPointerException  if the element is null
     * @throws DPoolClosedException  if the partition is no longer this member's (the element was not stored)
     */
    void put(E element);

    /**
     * Puts several elements, as {@link #put} each.
     *
     * @param elements the elements
     * @throws NullPointerException if one is null (none is stored)
     * @throws DPoolClosedException if the partition is no longer this member's (none is stored)
     */
    void putAll(Collection<? extends E> elements);

    /** @return the number of elements in this member's partition (not counting those being sent) */
    int localSize();

    /** @return a copy of the elements in this member's partition, for accounting at a quiescent point */
    List<E> localElements();

    /** @return the number of elements sent by this partition (or adopted with one) and not yet settled */
    int inTransit();

    /**
     * @return this member's estimates of the other members' partition sizes, updated lazily from the
     * sizes piggybacked on pool messages (used by {@link DPoolScheme#PUSH_WITH_ESTIMATION}; kept by all
     * schemes); members not heard from are absent
     */
    Map<Address, Integer> estimates();

    /** @return true once the partition was adopted by another member (this member left or was removed) */
    boolean isClosed();

    // ---------------------------------------------------------------- FleetServer callbacks to forward

    /**
     * Forward {@link FleetServer#viewChanged}: records the membership, adopts the partitions of removed
     * members if this member is the adopter, and settles transfers to them.
     *
     * @param previous the view before
     * @param current  the new view
     */
    void viewChanged(MembershipView previous, MembershipView current);

    /** Forward {@link FleetServer#freeze()}: pauses background rebalancing (takes, puts and transfers in progress go on). */
    void freeze();

    /**
     * Forward {@link FleetServer#isQuiescent()}.
     *
     * @return true: the pool's partitions move through the directory, not through the freeze round,
     * so the pool never delays a membership change
     */
    boolean isQuiescent();

    /** Forward {@link FleetServer#thaw()}: resumes background rebalancing. */
    void thaw();

    /**
     * Forward {@link FleetServer#stateFor}.
     *
     * @param joiner the joining member
     * @param next   the view it joins
     * @return null: a joiner's partition starts empty
     */
    Object stateFor(Address joiner, MembershipView next);

    /**
     * Forward {@link FleetServer#installState}.
     *
     * @param state what {@link #stateFor} returned (null)
     * @throws IllegalArgumentException if the state is not null (it came from something else)
     */
    void installState(Object state);

    /**
     * Forward {@link FleetServer#handOver}: this member is leaving.
     *
     * @param next the view without this member
     * @return an immutable token that tells the coordinator to adopt this member's partition
     */
    Object handOver(MembershipView next);

    /**
     * Forward {@link FleetServer#receiveHandOver}: adopts the leaving member's partition if the state is
     * this pool's token; ignores anything else (so a server may pass every part of its hand-over).
     *
     * @param from  the member that leaves
     * @param state what its {@link #handOver} returned
     */
    void receiveHandOver(Address from, Object state);

    /** Forward {@link FleetServer#stop()}: cancels the pool's timer. */
    void stop();
}
