package dev.manycore.messaging;

import java.util.Map;

/**
 * What a {@link SimulatedEngine} did so far: virtual time, events, message outcomes, faults and the
 * trace hash that identifies the run. Two runs with the same seed, agents and inputs have equal
 * reports except for {@link #hostNanos()}.
 *
 * @param virtualNanos      the engine's virtual time
 * @param events            events processed (deliveries, agent duty cycles, fault transitions, actions)
 * @param dutyCycles        calls of {@link Agent#doWork()}
 * @param sent              sends accepted with DELIVERED (agent sends and injections)
 * @param received          messages handed to agents (name-cache invalidations not counted)
 * @param refusedFull       sends that answered FULL
 * @param refusedClosed     sends that answered CLOSED (no such mailbox, crashed, or cut by a partition)
 * @param lostToCrash       accepted messages that were queued in, or in flight to, a mailbox when it crashed
 * @param lostByAddress     the non-zero counts of {@code lostToCrash} per crashed address (immutable)
 * @param heldByPartition   messages held at a partition's cut and delivered when it healed
 * @param faultTransitions  faults begun and ended
 * @param inFlight          messages accepted and not yet arrived in their mailbox
 * @param queued            messages arrived and not yet received
 * @param pendingEvents     events pending now: message deliveries, starts, faults and actions in the
 *                          event queue, plus agents scheduled to run (at most one entry per agent)
 * @param peakPendingEvents the most events the event queue held at once (agent runs not included)
 * @param traceHash         a 64-bit hash over every hand-over (time, sender, receiver, payload type,
 *                          correlation id) and every fault transition, in order
 * @param hostNanos         host time spent inside the run methods (not deterministic)
 */
public record SimulationReport(long virtualNanos, long events, long dutyCycles, long sent, long received,
                               long refusedFull, long refusedClosed, long lostToCrash, Map<Address, Long> lostByAddress,
                               long heldByPartition, long faultTransitions, long inFlight, long queued,
                               long pendingEvents, long peakPendingEvents, long traceHash, long hostNanos) {

    /** Copies the map. */
    public SimulationReport {
        lostByAddress = Map.copyOf(lostByAddress);
    }

    /** @return messages handed to agents per second of host time spent running; 0 before any run */
    public double receivedPerHostSecond() {
        return hostNanos == 0 ? 0 : received * 1e9 / hostNanos;
    }

    /** @return the trace hash as 16 hex digits */
    public String traceHashHex() {
        return String.format("%016x", traceHash);
    }
}
