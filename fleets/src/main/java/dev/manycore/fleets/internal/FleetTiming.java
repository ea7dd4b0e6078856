package dev.manycore.fleets.internal;

/**
 * The failure-detection timing of a fleet: heartbeat period and how long a member may stay silent
 * before it is suspected (fos report 3.2.3).
 *
 * @param heartbeatNanos the heartbeat period, positive
 * @param suspectNanos   the silence after which a member is suspected, more than one period
 */
public record FleetTiming(long heartbeatNanos, long suspectNanos) {

    /** @throws IllegalArgumentException if a time is out of range */
    public FleetTiming {
        if (heartbeatNanos <= 0) {
            throw new IllegalArgumentException("heartbeat period " + heartbeatNanos + " ns is not positive");
        }
        if (suspectNanos <= heartbeatNanos) {
            throw new IllegalArgumentException("suspicion time " + suspectNanos + " ns is not longer than the heartbeat period "
                    + heartbeatNanos + " ns: a member must miss at least one heartbeat to be suspected");
        }
    }
}
