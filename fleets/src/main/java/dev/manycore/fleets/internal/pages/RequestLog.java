package dev.manycore.fleets.internal.pages;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The outcomes of one client's recent requests, so that a request the client asks again (its
 * member did not answer in time) is answered with the outcome of its first execution instead of
 * being executed twice: the reply cache of at-most-once RPC (Birrell and Nelson, "Implementing
 * Remote Procedure Calls", 1984), kept in cluster memory like the banks ({@link BankSlot}), so it
 * survives the failure of the member that executed the request and any member that serves a
 * retry (after a forward or a bank takeover) finds it.
 *
 * <p>Requests are named by their {@link PageRequests.RequestKey}: the client's sequence number,
 * the same in every retry. Every request also carries the lowest sequence its client still waits
 * for ({@code ack}); the log forgets the outcomes below it and from then on treats those sequences
 * as <em>stale</em>: an attempt of one of them that arrives late (the client got its answer from
 * another attempt, or gave up) is not executed. So the log holds at most the client's requests in
 * flight, and one snapshot always says of a sequence either its outcome, or that it is stale, or
 * that it was not executed yet.
 *
 * <p>A request that changes one bank is checked and recorded while its member has entered that
 * bank's slot, so two attempts of it cannot both execute (the slot's token orders them). An
 * allocation may be served by any bank: its member allocates, then {@link #decide decides} the
 * outcome by a CAS; the loser gives its pages back and answers the winner's outcome.
 *
 * <p>Thread-safety: lock-free (one {@link AtomicReference} to an immutable snapshot, replaced by
 * CAS); any member's thread may use it at any time.
 */
public final class RequestLog {

    /** What {@link #lookup} and {@link #decide} answer for a sequence below the client's floor. */
    public static final Object STALE = new Object() {
        @Override
        public String toString() {
            return "STALE";
        }
    };

    /**
     * A request that ended with an error; a retry gets the same error.
     *
     * @param error the error
     */
    public record Failed(RuntimeException error) {
    }

    /**
     * The per-item outcomes of a batch (frees of several runs, a release in several clusters):
     * each item is done once, under its bank's slot, and a retry sums the recorded results.
     *
     * @param results item to pages freed ({@code Integer}) or a failure message ({@code String})
     */
    public record Items(Map<Object, Object> results) {
        /** Copies the map. */
        public Items {
            results = Map.copyOf(results);
        }
    }

    private record State(long floor, Map<Long, Object> outcomes) {
    }

    private final AtomicReference<State> state = new AtomicReference<>(new State(0, Map.of()));

    /**
     * Moves the floor up to {@code ack} (the lowest sequence the client still waits for),
     * forgetting the outcomes below it.
     *
     * @param ack the client's lowest outstanding sequence
     */
    public void acknowledge(long ack) {
        while (true) {
            State s = state.get();
            if (ack <= s.floor()) {
                return;
            }
            Map<Long, Object> kept = new HashMap<>();
            for (Map.Entry<Long, Object> e : s.outcomes().entrySet()) {
                if (e.getKey() >= ack) {
                    kept.put(e.getKey(), e.getValue());
                }
            }
            if (state.compareAndSet(s, new State(ack, Map.copyOf(kept)))) {
                return;
            }
        }
    }

    /**
     * @param seq a sequence
     * @return {@link #STALE}, the recorded outcome, or null if it was not executed yet
     */
    public Object lookup(long seq) {
        State s = state.get();
        return seq < s.floor() ? STALE : s.outcomes().get(seq);
    }

    /**
     * Records the outcome of a request unless one is recorded already.
     *
     * @param seq     the sequence
     * @param outcome the outcome this execution reached
     * @return {@code outcome} if it was recorded; the outcome recorded before (the caller must undo
     *         its own); or {@link #STALE}
     */
    public Object decide(long seq, Object outcome) {
        while (true) {
            State s = state.get();
            if (seq < s.floor()) {
                return STALE;
            }
            Object before = s.outcomes().get(seq);
            if (before != null) {
                return before;
            }
            Map<Long, Object> next = new HashMap<>(s.outcomes());
            next.put(seq, outcome);
            if (state.compareAndSet(s, new State(s.floor(), Map.copyOf(next)))) {
                return outcome;
            }
        }
    }

    /**
     * @param seq  a batch's sequence
     * @param item one of its items
     * @return {@link #STALE}, the item's recorded result, or null if it was not done yet
     */
    public Object lookupItem(long seq, Object item) {
        State s = state.get();
        if (seq < s.floor()) {
            return STALE;
        }
        return s.outcomes().get(seq) instanceof Items items ? items.results().get(item) : null;
    }

    /**
     * Records the result of one item of a batch (the caller has entered the item's bank slot).
     *
     * @param seq    the batch's sequence
     * @param item   the item
     * @param result pages freed ({@code Integer}) or a failure message ({@code String})
     */
    public void recordItem(long seq, Object item, Object result) {
        while (true) {
            State s = state.get();
            if (seq < s.floor()) {
                return;
            }
            Map<Object, Object> results = new HashMap<>();
            if (s.outcomes().get(seq) instanceof Items items) {
                results.putAll(items.results());
            }
            results.put(item, result);
            Map<Long, Object> next = new HashMap<>(s.outcomes());
            next.put(seq, new Items(results));
            if (state.compareAndSet(s, new State(s.floor(), Map.copyOf(next)))) {
                return;
            }
        }
    }

    /** @return the outcomes held now (for tests: the log stays bounded) */
    public int size() {
        return state.get().outcomes().size();
    }
}
