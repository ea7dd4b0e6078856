package dev.manycore.fleets;

import dev.manycore.messaging.Address;

/**
 * One member's load as it reported it in its last heartbeat (fos report 3.2.2, self-awareness: a
 * fleet watches its members' load to decide where requests go and when to grow).
 *
 * @param member      the member
 * @param queueDepth  messages drained in its last busy duty cycle
 * @param requestRate requests per second of the engine's clock, smoothed
 * @param requests    requests handled in all
 * @param time        when it reported, in the engine's clock
 */
public record LoadReport(Address member, long queueDepth, double requestRate, long requests, long time) {
}
