package dev.manycore.fleets.internal.pool;

import dev.manycore.messaging.Address;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One member's partition of a dPool, as it lies in the member's memory bank (fos report 4.8.1,
 * distributed storage; the recovery is ours). The bank outlives a failed core, so the fleet can
 * adopt the partition of a member that failed or left.
 *
 * <p>Contents, all written only by the owner's thread while it holds the guard:
 * <ul>
 *   <li>{@code elements}: the partition;</li>
 *   <li>{@code inTransit}: transfers this partition sent (or adopted) that are not settled yet;</li>
 *   <li>{@code accepted}: the keys of transfers this partition accepted, kept until the sender
 *       forgets them, so a sender (or its adopter) can learn whether a transfer arrived;</li>
 *   <li>{@code refused}: keys of transfers this partition promised never to accept (a sender
 *       cancelled them before they arrived).</li>
 * </ul>
 *
 * <p><b>Ownership guard and memory ordering.</b> {@code guard} is OPEN, BUSY or SEALED. The owner
 * brackets every change with {@link #open()} (CAS OPEN to BUSY) and {@link #close()} (a volatile
 * store of OPEN, which releases the changes); it never waits: a failed {@code open()} means the
 * shard is sealed for good and the owner must not act on it. An adopter seals with
 * {@link #trySeal} (CAS OPEN to SEALED; on BUSY it retries later, it never spins). The CAS acquires
 * the owner's last release, so the adopter reads the state as of the owner's last completed change,
 * and no change of the owner can follow (its next {@code open()} fails). This holds whether the
 * owner's core failed, is merely slow (wrongly suspected), or left: we do not rely on the failed
 * runtime being stopped. Anyone who reads {@link #isSealed()} as true (a volatile read that sees the
 * sealer's CAS) may read the frozen contents too: after sealing nobody writes them (the adopter
 * copies, never clears).
 *
 * <p>Linearisation points: an owner's change at its successful {@code open()}; the seal at the
 * successful CAS in {@link #trySeal}.
 *
 * @param <E> the element type
 */
final class Shard<E> {

    private static final int OPEN = 0;
    private static final int BUSY = 1;
    private static final int SEALED = 2;

    /** Outcome of {@link #trySeal}. */
    enum Seal { SEALED_BY_CALLER, BUSY, ALREADY_SEALED }

    private final Address owner;
    private final AtomicInteger guard = new AtomicInteger(OPEN);
    private volatile long memberSince;
    private volatile Address adoptedBy;

    final ArrayDeque<E> elements = new ArrayDeque<>();
    final Map<TransferKey, Transfer<E>> inTransit = new LinkedHashMap<>();
    final Set<TransferKey> accepted = new HashSet<>();
    final Set<TransferKey> refused = new HashSet<>();
    long nextTransferId = 1;

    Shard(Address owner) {
        this.owner = owner;
    }

    Address owner() {
        return owner;
    }

    /** Owner: begins a change. @return false if the shard is sealed (do not change it, ever) */
    boolean open() {
        return guard.compareAndSet(OPEN, BUSY);
    }

    /** Owner: ends a change begun by a successful {@link #open()}, publishing it. */
    void close() {
        guard.set(OPEN);
    }

    /**
     * Adopter: seals the shard so that its owner changes it no more.
     *
     * @param adopter who seals (recorded just after the seal, for diagnostics)
     * @return the outcome; on {@code SEALED_BY_CALLER} the caller owns the frozen contents
     */
    Seal trySeal(Address adopter) {
        if (guard.compareAndSet(OPEN, SEALED)) {
            adoptedBy = adopter;
            return Seal.SEALED_BY_CALLER;
        }
        return guard.get() == SEALED ? Seal.ALREADY_SEALED : Seal.BUSY;
    }

    /** @return true once sealed (a volatile read; the frozen contents are then readable) */
    boolean isSealed() {
        return guard.get() == SEALED;
    }

    /** @return who sealed the shard; null while owned (and for a moment after the seal) */
    Address adoptedBy() {
        return adoptedBy;
    }

    /** Owner: records the first view that included it (0 until then). */
    void markMember(long epoch) {
        if (memberSince == 0) {
            memberSince = epoch;
        }
    }

    /** @return the epoch of the first view that included the owner, 0 if none yet */
    long memberSince() {
        return memberSince;
    }

    /**
     * Reads a sealed shard's record of accepted transfers.
     *
     * @param key a transfer addressed to this shard's owner
     * @return true if the owner accepted it before the seal
     * @throws IllegalStateException if the shard is not sealed (its owner may be changing it)
     */
    boolean acceptedBeforeSeal(TransferKey key) {
        if (!isSealed()) {
            throw new IllegalStateException("shard of " + owner + " is not sealed: only its owner may read it");
        }
        return accepted.contains(key);
    }

    /**
     * A transfer: the elements a sender moved out of its partition towards a receiver.
     *
     * @param to       the receiver
     * @param elements what was sent
     * @param sentAt   when (engine time), for the settlement timeout; {@code Long.MIN_VALUE} to settle at once
     * @param <E>      the element type
     */
    record Transfer<E>(Address to, List<E> elements, long sentAt) {
    }
}
