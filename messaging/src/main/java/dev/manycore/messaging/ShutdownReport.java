package dev.manycore.messaging;

import java.util.Map;

/**
 * What an engine found when it shut down: how many messages were still queued (accepted with
 * DELIVERED but never received, because their receiver stopped first), and where.
 *
 * @param agents             the number of agents stopped
 * @param undelivered        messages left in mailboxes and channels, discarded
 * @param undeliveredByAddress the non-zero counts, per receiving address (an immutable map)
 * @param workersJoined      true when every worker thread ended within the shutdown timeout
 */
public record ShutdownReport(int agents, long undelivered, Map<Address, Long> undeliveredByAddress,
                             boolean workersJoined) {

    /** Copies the map. */
    public ShutdownReport {
        undeliveredByAddress = Map.copyOf(undeliveredByAddress);
    }
}
