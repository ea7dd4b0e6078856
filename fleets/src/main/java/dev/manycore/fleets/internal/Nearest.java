package dev.manycore.fleets.internal;

import dev.manycore.fleets.Caller;
import dev.manycore.fleets.ServerContext;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.SendStatus;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.Topology;

import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;

/**
 * The one nearest-mailbox choice of the fleets (fos paper 3.2: a client talks to a nearby server):
 * fewest hops from a cluster, ties to the lowest address, so every caller that asks the same
 * question of the same candidates gets the same answer. Stateless; thread-safe.
 */
public final class Nearest {

    private Nearest() {
    }

    /**
     * @param topology   the machine
     * @param from       the asking cluster
     * @param candidates the mailboxes to choose among
     * @return the nearest candidate, or null when there is none
     */
    public static Address among(Topology topology, ClusterId from, Collection<Address> candidates) {
        return among(topology, from, candidates, a -> false);
    }

    /**
     * @param topology   the machine
     * @param from       the asking cluster
     * @param candidates the mailboxes to choose among
     * @param skip       the candidates not to choose (this member itself, those already tried)
     * @return the nearest candidate not skipped, or null when there is none
     */
    public static Address among(Topology topology, ClusterId from, Collection<Address> candidates,
                                Predicate<? super Address> skip) {
        Address best = null;
        int bestHops = Integer.MAX_VALUE;
        for (Address a : candidates) {
            if (skip.test(a)) {
                continue;
            }
            int hops = topology.distance(from, topology.clusterOf(a.core()));
            if (hops < bestHops || (hops == bestHops && a.compareTo(best) < 0)) {
                best = a;
                bestHops = hops;
            }
        }
        return best;
    }

    /**
     * Forwards a request to the nearest candidate (other than the sender) that accepts it: one
     * whose mailbox refuses it (CLOSED: crashed or cut off, though a view may still show it;
     * DENIED; FULL beyond the outbox bound) is skipped for the next nearest, so the request is
     * not lost to a member that failed moments ago. A candidate that accepts it and then hangs
     * is not detected: the caller's timeout covers that.
     *
     * @param ctx        the forwarding server's context
     * @param candidates the mailboxes to choose among
     * @param request    the request
     * @param caller     its original caller, who gets the answer
     * @param refused    filled with the candidates that refused it, in the order tried
     * @return true once a candidate accepted it; false if none did
     */
    public static boolean forward(ServerContext ctx, Collection<Address> candidates, Object request, Caller caller,
                                  List<Address> refused) {
        while (true) {
            Address target = among(ctx.topology(), ctx.cluster(), candidates,
                    a -> a.equals(ctx.address()) || refused.contains(a));
            if (target == null) {
                return false;
            }
            if (ctx.send(target, new Forwarded(caller, request)) == SendStatus.DELIVERED) {
                return true;
            }
            refused.add(target);
        }
    }
}
