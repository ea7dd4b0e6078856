package dev.manycore.messaging.internal.sim;

import dev.manycore.messaging.Address;

/**
 * One agent's routes, keyed by the destination's mailbox number (unique in an engine and dense, so
 * an int key with linear probing replaces a {@code HashMap<Address, ...>} whose record
 * {@code hashCode}/{@code equals} dominated the send path of servers that answer many clients).
 * A hit is confirmed against the full address, so a forged address with a known mailbox number but
 * another core finds nothing.
 *
 * <p>Not thread-safe: owned by the simulation's host thread.
 */
final class RouteTable {

    private int[] keys = new int[16];
    private SimRoute[] values = new SimRoute[16];
    private int size;

    /**
     * @param to a destination
     * @return its route, or null
     */
    SimRoute get(Address to) {
        int mask = keys.length - 1;
        int mailbox = to.mailbox();
        for (int i = mix(mailbox) & mask; ; i = (i + 1) & mask) {
            SimRoute r = values[i];
            if (r == null) {
                return null;
            }
            if (keys[i] == mailbox) {
                Address a = r.destination.address;
                return a == to || a.equals(to) ? r : null;
            }
        }
    }

    /** @param route a route, to a destination with no route yet */
    void put(SimRoute route) {
        if (2 * (size + 1) > keys.length) {
            grow();
        }
        insert(route);
        size++;
    }

    /** @param to a destination whose route, if any, is dropped */
    void remove(Address to) {
        SimRoute old = get(to);
        if (old == null) {
            return;
        }
        SimRoute[] all = values;
        keys = new int[keys.length];
        values = new SimRoute[all.length];
        size = 0;
        for (SimRoute r : all) {
            if (r != null && r != old) {
                insert(r);
                size++;
            }
        }
    }

    private void insert(SimRoute route) {
        int mask = keys.length - 1;
        int mailbox = route.destination.address.mailbox();
        int i = mix(mailbox) & mask;
        while (values[i] != null) {
            i = (i + 1) & mask;
        }
        keys[i] = mailbox;
        values[i] = route;
    }

    private void grow() {
        SimRoute[] all = values;
        keys = new int[all.length * 2];
        values = new SimRoute[all.length * 2];
        for (SimRoute r : all) {
            if (r != null) {
                insert(r);
            }
        }
    }

    private static int mix(int key) {
        int h = key * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
