package dev.manycore.messaging.internal;

import dev.manycore.messaging.SendRight;

/**
 * A sender's cached way to one destination: the send right the engine obtained for it, the
 * destination's cluster, and the size of the last payload class sent on it, so a steady send
 * computes nothing about the topology and looks nothing up in a {@link ClassValue}.
 *
 * <p>Confined to the sending agent's thread.
 */
public final class Route {

    private final SendRight<Object> right;
    private final int toCluster;
    private Class<?> sizedClass;
    private int sizedBytes;

    /**
     * @param right     the right, held by the sending agent
     * @param toCluster the destination's cluster index
     */
    public Route(SendRight<Object> right, int toCluster) {
        this.right = right;
        this.toCluster = toCluster;
    }

    /** @return the right to the destination */
    public SendRight<Object> right() {
        return right;
    }

    /** @return the destination's cluster index */
    public int toCluster() {
        return toCluster;
    }

    /**
     * @param payload the payload just accepted
     * @return its size estimate, from a one-entry cache per route
     */
    int bytes(Object payload) {
        Class<?> type = payload.getClass();
        if (type == sizedClass) {
            return sizedBytes;
        }
        int bytes = PayloadSize.bytes(payload);
        if (type != String.class) {
            sizedClass = type;
            sizedBytes = bytes;
        }
        return bytes;
    }
}
