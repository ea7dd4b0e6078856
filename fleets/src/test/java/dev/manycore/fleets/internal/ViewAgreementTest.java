package dev.manycore.fleets.internal;

import dev.manycore.fleets.MembershipView;
import dev.manycore.fleets.internal.MembershipMessages.ViewAccept;
import dev.manycore.fleets.internal.MembershipMessages.ViewAccepted;
import dev.manycore.fleets.internal.MembershipMessages.ViewBid;
import dev.manycore.fleets.internal.MembershipMessages.ViewPromise;
import dev.manycore.fleets.internal.MembershipMessages.ViewRefusal;
import dev.manycore.messaging.Address;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The quorum rule and the Paxos decision of the next view, with messages delivered by hand. */
class ViewAgreementTest {

    private final Topology topology = Topology.tsar(4, 4);
    private final List<Address> five = List.of(addr(0), addr(1), addr(2), addr(3), addr(4));
    private final MembershipView view = new MembershipView("f", 7, five);

    private Address addr(int core) {
        return new Address(topology.core(core), 1);
    }

    @Test
    void aQuorumIsMoreThanHalfOrHalfWithTheCoordinator() {
        assertTrue(ViewAgreement.isQuorum(view, five.subList(2, 5)), "3 of 5");
        assertFalse(ViewAgreement.isQuorum(view, five.subList(0, 2)), "2 of 5, even with the coordinator");
        MembershipView four = new MembershipView("f", 3, five.subList(0, 4));
        assertTrue(ViewAgreement.isQuorum(four, List.of(addr(0), addr(3))), "half with the coordinator");
        assertFalse(ViewAgreement.isQuorum(four, List.of(addr(1), addr(2))), "half without the coordinator");
        assertFalse(ViewAgreement.isQuorum(four, List.of(addr(1), addr(2), addr(4))), "non-members do not count");
        assertTrue(ViewAgreement.isQuorum(new MembershipView("f", 1, List.of(addr(0))), List.of(addr(0))), "1 of 1");
    }

    @Test
    void aLaterBidAdoptsTheViewAQuorumMayHaveAcceptedSoOneEpochHasOneView() {
        Net net = new Net();
        MembershipView first = view.without(Set.of(addr(4)));
        MembershipView second = view.without(Set.of(addr(0), addr(1)));
        // member 0 proposes `first`; only member 2 receives its accept before a cut
        net.node(addr(0)).propose(first);
        net.deliverAll(m -> !(m.message instanceof ViewAccept) || m.to.equals(addr(2)) || m.to.equals(addr(0)));
        assertTrue(net.decided.isEmpty(), "2 acceptances of 5 decide nothing");
        // member 3, cut off from 0 and 1, proposes `second` and gathers promises from 2, 3 and 4
        net.node(addr(3)).propose(second);
        net.deliverAll(m -> !m.from.equals(addr(0)) && !m.to.equals(addr(0)) && !m.from.equals(addr(1))
                && !m.to.equals(addr(1)));
        assertEquals(List.of(first), net.decided, "the bid adopted the view member 2 had accepted");
    }

    @Test
    void aRefusedBidTriesAgainWithAHigherRoundAtTheNextRetransmission() {
        Net net = new Net();
        MembershipView next = view.without(Set.of(addr(0)));
        net.node(addr(0)).propose(view.without(Set.of(addr(4))));
        net.deliverAll(m -> m.message instanceof ViewBid && !m.to.equals(addr(3))); // all but 3 promised 0's ballot
        net.pending.clear();
        net.node(addr(3)).propose(next);
        net.deliverAll(m -> true);
        assertTrue(net.decided.isEmpty(), "a lower ballot is refused");
        net.node(addr(3)).retransmit();
        net.deliverAll(m -> !m.from.equals(addr(0)) && !m.to.equals(addr(0)));
        assertEquals(List.of(next), net.decided, "the higher round wins");
    }

    /** Five agreements and a queue of messages between them. */
    private final class Net {
        final Map<Address, ViewAgreement> nodes = new LinkedHashMap<>();
        final ArrayDeque<Sent> pending = new ArrayDeque<>();
        final List<MembershipView> decided = new ArrayList<>();

        Net() {
            for (Address a : five) {
                ViewAgreement g = new ViewAgreement(a, (to, m) -> pending.add(new Sent(a, to, m)), decided::add);
                g.installed(view);
                nodes.put(a, g);
            }
        }

        ViewAgreement node(Address a) {
            return nodes.get(a);
        }

        /** Delivers queued messages that pass the filter (dropping the others) until none is left. */
        void deliverAll(Predicate<Sent> passes) {
            Sent s;
            while ((s = pending.poll()) != null) {
                if (!passes.test(s)) {
                    continue;
                }
                ViewAgreement to = nodes.get(s.to);
                switch (s.message) {
                    case ViewBid b -> to.onBid(b, s.from);
                    case ViewAccept a -> to.onAccept(a, s.from);
                    case ViewPromise p -> to.onPromise(p, s.from);
                    case ViewAccepted a -> to.onAccepted(a, s.from);
                    case ViewRefusal r -> to.onRefusal(r);
                    default -> throw new AssertionError("unexpected " + s.message);
                }
            }
        }
    }

    private record Sent(Address from, Address to, Object message) {
    }
}
