package dev.manycore.messaging.internal;

import dev.manycore.messaging.SendRight;

/**
 * A sender's cached way to one destination: the send right the engine obtained for it and the
 * destination's cluster, so a send computes nothing about the topology.
 *
 * @param right     the right, held by the sending agent
 * @param toCluster the destination's cluster index
 */
public record Route(SendRight<Object> right, int toCluster) {
}
