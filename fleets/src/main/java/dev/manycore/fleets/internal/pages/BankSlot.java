package dev.manycore.fleets.internal.pages;

import dev.manycore.fleets.pages.PageBank;
import dev.manycore.fleets.pages.PageRun;
import dev.manycore.numa.ClusterId;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One cluster's bank as it lives in that cluster's memory: it outlives the core of the member that
 * serves it, so when a member fails a survivor takes the bank over instead of losing its frames
 * (fos report 3.2.3: the fleet recovers a failed member's state; ALMOS: page frames belong to the
 * cluster, not to a core).
 *
 * <h2>Why takeover is safe</h2>
 * The slot carries a <em>holder token</em>: {@code holderId << 1 | busy}, where {@code holderId}
 * is the serving member's core index + 1. A member touches the bank only between {@link #enter}
 * (a CAS from "held by me, idle" to "held by me, busy") and {@link #exit} (a volatile store back to
 * idle). A survivor takes the bank with {@link #takeOver}, a CAS from "held by the old member,
 * idle" to "held by me, idle". So exactly one of the two wins any race: either the old member is
 * inside its operation (the takeover CAS fails and the survivor tries again on a timer, without
 * waiting) or the takeover happened first (the old member's enter fails and it forwards the
 * request to the new holder). Neither side ever waits on the other: a member wrongly suspected of
 * failure that keeps running cannot corrupt the bank, and a crashed member, which stops between
 * duty cycles, never leaves the token busy. The CAS and the volatile store also order the bank's
 * plain fields: whatever the old holder wrote before its last exit is visible to the new holder
 * after its takeover, and to {@code accounting()} readers after they read the token.
 *
 * <p>The {@link #lent} table (dPool policy: which owner holds a pooled page) is part of the slot
 * for the same reason: it belongs to the cluster's frames, and moves with them.
 *
 * <p>Thread-safety: the token is atomic; the bank and the table may only be used between a
 * successful {@link #enter} and {@link #exit}, or at quiescence after reading {@link #holderId()}.
 */
public final class BankSlot {

    private final ClusterId cluster;
    private final PageBank bank;
    private final AtomicLong token;
    private final Map<PageRun, Long> lent = new HashMap<>();
    private int pooled;

    /**
     * @param bank     the cluster's bank
     * @param holderId the first holder's id (its core index + 1)
     */
    public BankSlot(PageBank bank, int holderId) {
        this.cluster = bank.cluster();
        this.bank = bank;
        this.token = new AtomicLong(idle(holderId));
    }

    private static long idle(int holderId) {
        return (long) holderId << 1;
    }

    /**
     * @param core a member's core index
     * @return its holder id
     */
    public static int holderIdOf(int core) {
        return core + 1;
    }

    /** @return the cluster */
    public ClusterId cluster() {
        return cluster;
    }

    /** @return the bank; use only while entered, or at quiescence */
    public PageBank bank() {
        return bank;
    }

    /** @return pooled pages lent to owners (dPool policy): run to owner; use only while entered */
    public Map<PageRun, Long> lent() {
        return lent;
    }

    /**
     * @return the frames of this bank that belong to the dPool (in partitions, in transit, or lent
     *         to owners); use only while entered, or at quiescence
     */
    public int poolFrames() {
        return pooled;
    }

    /**
     * @param delta frames moved into (positive) or out of the dPool; use only while entered
     */
    public void addPoolFrames(int delta) {
        pooled += delta;
    }

    /** @return the current holder's id (a volatile read) */
    public int holderId() {
        return (int) (token.get() >>> 1);
    }

    /**
     * Starts an operation on the bank.
     *
     * @param holderId the caller's id
     * @return true if the caller holds the bank (now busy); false if another member holds it
     */
    public boolean enter(int holderId) {
        return token.compareAndSet(idle(holderId), idle(holderId) | 1);
    }

    /**
     * Ends an operation started by a successful {@link #enter}.
     *
     * @param holderId the caller's id
     */
    public void exit(int holderId) {
        token.set(idle(holderId));
    }

    /**
     * Takes the bank from a member that left the view.
     *
     * @param from the old holder's id
     * @param to   the new holder's id
     * @return true if taken (or already held by {@code to}); false if the old holder is inside an
     *         operation right now, or a third member holds it
     */
    public boolean takeOver(int from, int to) {
        return token.compareAndSet(idle(from), idle(to)) || token.get() == idle(to);
    }
}
