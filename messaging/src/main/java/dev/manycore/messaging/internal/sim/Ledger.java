package dev.manycore.messaging.internal.sim;

import dev.manycore.messaging.Address;
import dev.manycore.messaging.internal.TrafficStripe;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a simulation did, for its report: the event and message counters, the messages lost to
 * crashes per receiving address, the per-cluster-pair traffic (one {@link TrafficStripe} in which
 * every cluster is a sender cluster, since one host thread records it all) and the trace hash that
 * {@code DeterminismTest} pins.
 *
 * <p>The counters are plain fields, incremented in place by the simulation's parts on the message
 * path; the trace hash is folded only through {@link #handOver} and {@link #transition}, so its
 * definition lives in one place.
 *
 * <p>Not thread-safe: owned by the simulation's host thread.
 */
final class Ledger {

    long events;
    long dutyCycles;
    long sent;
    long received;
    long refusedFull;
    long refusedClosed;
    long lostToCrash;
    long heldByPartition;
    long faultTransitions;
    /** Accepted messages whose delivery event is pending. */
    long inFlight;
    /** Delivered messages waiting in a mailbox queue. */
    long queued;

    private final TrafficStripe stripe;
    private final Map<Address, Long> lostByAddress = new LinkedHashMap<>();
    private long traceHash = 0x6a09e667f3bcc909L;

    /** @param clusters the topology's cluster count */
    Ledger(int clusters) {
        int[] all = new int[clusters];
        Arrays.setAll(all, i -> i);
        this.stripe = new TrafficStripe(clusters, all);
    }

    /** @return the traffic counters */
    TrafficStripe stripe() {
        return stripe;
    }

    /**
     * Folds one hand-over of a message to its receiver into the trace hash.
     *
     * @param local       the receiver's clock after the message's service time
     * @param sender      the sender's address
     * @param receiver    the receiver's agent index
     * @param typeCode    the payload class's {@link TraceHash#of(Class)} code
     * @param correlation the correlation id
     */
    void handOver(long local, Address sender, int receiver, long typeCode, long correlation) {
        long h = traceHash;
        h = TraceHash.mix(h, local);
        h = TraceHash.mix(h, TraceHash.of(sender));
        h = TraceHash.mix(h, receiver);
        h = TraceHash.mix(h, typeCode);
        traceHash = TraceHash.mix(h, correlation);
    }

    /**
     * Folds a state transition (a fault beginning or ending, a retirement) into the trace hash.
     *
     * @param time when
     * @param code what: its kind in bits 40 and up, its index below
     */
    void transition(long time, long code) {
        traceHash = TraceHash.mix(TraceHash.mix(traceHash, time), code);
    }

    /** @return the trace hash so far */
    long traceHash() {
        return traceHash;
    }

    /**
     * Counts messages lost to a crash (queued at, or arriving at, a crashed receiver).
     *
     * @param receiver the receiver's address
     * @param n        how many, 0 or more
     */
    void lose(Address receiver, long n) {
        if (n > 0) {
            lostToCrash += n;
            lostByAddress.merge(receiver, n, Long::sum);
        }
    }

    /** @return lost-to-crash counts per address, a copy */
    Map<Address, Long> lostByAddress() {
        return new LinkedHashMap<>(lostByAddress);
    }

    /**
     * @param pending events and runs pending
     * @param peak    the most events ever pending
     * @return counters, in the order of the engine's report
     */
    long[] counters(long pending, long peak) {
        return new long[] {events, dutyCycles, sent, received, refusedFull, refusedClosed, lostToCrash, heldByPartition,
                faultTransitions, inFlight, queued, pending, peak};
    }
}
