package dev.manycore.fleets.internal.pool;

import dev.manycore.fleets.internal.pool.Net.Node;
import dev.manycore.fleets.internal.pool.PoolMessages.Ack;
import dev.manycore.fleets.internal.pool.PoolMessages.Ask;
import dev.manycore.fleets.internal.pool.PoolMessages.Cancel;
import dev.manycore.fleets.internal.pool.PoolMessages.CancelResult;
import dev.manycore.fleets.internal.pool.PoolMessages.Grant;
import dev.manycore.fleets.pool.DPoolClosedException;
import dev.manycore.fleets.pool.DPoolConfig;
import dev.manycore.fleets.pool.DPoolScheme;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The transfer and adoption protocol, message by message, with the interleavings that a real run
 * hits only by chance: a lost acknowledgement, a lost grant, a cancellation that overtakes its
 * grant, a sealed owner that keeps running.
 */
class PoolProtocolTest {

    private static final long MS = 1_000_000L;

    private static DPoolConfig config(DPoolScheme scheme) {
        return DPoolConfig.builder().scheme(scheme).lowWater(0).highWater(10).blockSize(3)
                .period(Duration.ofMillis(10)).transferTimeout(Duration.ofMillis(100)).build();
    }

    private static List<Long> range(long from, long to) {
        List<Long> l = new ArrayList<>();
        for (long i = from; i < to; i++) {
            l.add(i);
        }
        return l;
    }

    /** Elements of every partition still owned, plus those taken, sorted. */
    private static List<Long> census(Net net, List<Long> taken) {
        List<Long> all = new ArrayList<>(taken);
        for (Node n : net.nodes.values()) {
            all.addAll(n.pool.localElements());
            assertEquals(0, n.pool.inTransit(), "settled at " + n.address);
        }
        all.sort(null);
        return all;
    }

    @Test
    void anAcceptedGrantWhoseAckIsLostStaysWithTheReceiversAdopter() {
        Net net = new Net();
        Node a = net.add(0, config(DPoolScheme.BULK_TRANSFER), range(0, 5));
        Node b = net.add(4, config(DPoolScheme.BULK_TRANSFER), List.of());
        net.installAll(a, b);
        CompletableFuture<Long> took = b.pool.take().toCompletableFuture();
        net.deliver(Ask.class, a);
        net.deliver(Grant.class, b);
        assertTrue(took.isDone());
        assertEquals(2, b.pool.localSize(), "a block of 3 arrived, one was taken");
        net.drop(Ack.class, a);
        b.crashed = true;
        net.installAll(a);
        net.advance(20 * MS);
        net.deliverAll();
        assertEquals(a.address, net.directory.adopter(b.address).orElseThrow());
        assertEquals(range(0, 5), census(net, List.of(took.join())), "nothing lost, nothing twice");
    }

    @Test
    void aGrantLostWithACrashedReceiverReturnsToItsSender() {
        Net net = new Net();
        Node a = net.add(0, config(DPoolScheme.BULK_TRANSFER), range(0, 5));
        Node b = net.add(4, config(DPoolScheme.BULK_TRANSFER), List.of());
        net.installAll(a, b);
        b.pool.take();
        net.deliver(Ask.class, a);
        assertEquals(3, a.pool.inTransit());
        net.drop(Grant.class, b);
        b.crashed = true;
        net.installAll(a);
        net.advance(20 * MS);
        net.deliverAll();
        assertEquals(range(0, 5), census(net, List.of()));
        assertEquals(5, a.pool.localSize());
    }

    @Test
    void aCancellationThatOvertakesItsGrantMakesTheReceiverRefuseIt() {
        Net net = new Net();
        Node x = net.add(0, config(DPoolScheme.ON_DEMAND), List.of());
        Node a = net.add(4, config(DPoolScheme.BULK_TRANSFER), range(0, 5));
        Node b = net.add(8, config(DPoolScheme.BULK_TRANSFER), List.of());
        net.installAll(x, a, b);
        b.pool.take();
        // b asks x first (rotation), x is empty, then a
        while (net.inFlight.stream().noneMatch(m -> m.payload() instanceof Grant)) {
            net.deliver(m -> true);
        }
        a.crashed = true;
        net.installAll(x, b);
        net.advance(20 * MS);
        assertEquals(x.address, net.directory.adopter(a.address).orElseThrow());
        assertEquals(3, x.pool.inTransit(), "x adopted a's unsettled transfer");
        net.deliver(Cancel.class, b);
        net.deliver(CancelResult.class, x);
        assertEquals(5, x.pool.localSize(), "x took the refused transfer back");
        net.deliver(Grant.class, b);
        assertEquals(0, b.pool.localSize(), "b refused the grant that arrived after the cancellation");
        net.deliverAll();
        assertEquals(range(0, 5), census(net, List.of()));
    }

    @Test
    void anAdoptersCancellationOfAnAcceptedTransferKeepsItWithTheReceiver() {
        Net net = new Net();
        Node x = net.add(0, config(DPoolScheme.ON_DEMAND), List.of());
        Node a = net.add(4, config(DPoolScheme.BULK_TRANSFER), range(0, 5));
        Node b = net.add(8, config(DPoolScheme.BULK_TRANSFER), List.of());
        net.installAll(x, a, b);
        CompletableFuture<Long> took = b.pool.take().toCompletableFuture();
        while (!took.isDone()) {
            net.deliver(m -> !(m.payload() instanceof Ack));
        }
        a.crashed = true;
        net.drop(Ack.class, a);
        net.installAll(x, b);
        net.advance(20 * MS);
        net.deliverAll();
        assertEquals(2, b.pool.localSize());
        assertEquals(2, x.pool.localSize(), "x adopted a's two and took nothing back");
        assertTrue(b.pool.shardForTest().accepted.isEmpty(), "x told b to forget the settled transfer");
        assertEquals(range(0, 5), census(net, List.of(took.join())));
    }

    @Test
    void aSealedOwnerThatKeepsRunningStoresAndHandsOutNothing() {
        Net net = new Net();
        Node a = net.add(0, config(DPoolScheme.ON_DEMAND), range(0, 3));
        Node b = net.add(4, config(DPoolScheme.ON_DEMAND), range(3, 6));
        net.installAll(a, b);
        // b is wrongly suspected: removed and adopted while it still runs
        net.view = new dev.manycore.fleets.MembershipView("f", net.view.epoch() + 1, List.of(a.address));
        a.view = net.view;
        a.pool.viewChanged(b.view, net.view);
        assertEquals(6, a.pool.localSize());
        assertTrue(b.pool.tryTake().isEmpty());
        assertThrows(DPoolClosedException.class, () -> b.pool.put(99L));
        CompletionException e = assertThrows(CompletionException.class, () -> b.pool.take().toCompletableFuture().join());
        assertInstanceOf(DPoolClosedException.class, e.getCause());
        assertTrue(b.pool.isClosed());
        assertEquals(range(0, 6), census(net, List.of()));
    }

    @Test
    void aLeaversHandOverMakesTheCoordinatorAdoptItsPartition() {
        Net net = new Net();
        Node a = net.add(0, config(DPoolScheme.ON_DEMAND), range(0, 2));
        Node b = net.add(4, config(DPoolScheme.ON_DEMAND), range(2, 6));
        net.installAll(a, b);
        Object token = b.pool.handOver(net.view.without(List.of(b.address)));
        a.pool.receiveHandOver(b.address, "someone else's state");
        assertEquals(2, a.pool.localSize(), "foreign hand-over state is ignored");
        a.pool.receiveHandOver(b.address, token);
        assertEquals(6, a.pool.localSize());
        net.installAll(a);
        assertEquals(range(0, 6), census(net, List.of()));
    }

    @Test
    void backgroundPushSpreadsTheSurplusOverAllOthers() {
        Net net = new Net();
        Node a = net.add(0, config(DPoolScheme.BACKGROUND_PUSH), range(0, 30));
        Node b = net.add(4, config(DPoolScheme.BACKGROUND_PUSH), List.of());
        Node c = net.add(8, config(DPoolScheme.BACKGROUND_PUSH), List.of());
        net.installAll(a, b, c);
        net.advance(10 * MS);
        net.deliverAll();
        assertEquals(10, a.pool.localSize(), "a pushed everything above its high-water mark");
        assertEquals(10, b.pool.localSize());
        assertEquals(10, c.pool.localSize());
    }

    @Test
    void pushWithEstimationSkipsMembersEstimatedToHoldMore() {
        Net net = new Net();
        Node a = net.add(0, config(DPoolScheme.PUSH_WITH_ESTIMATION), range(0, 40));
        Node b = net.add(4, config(DPoolScheme.PUSH_WITH_ESTIMATION), range(100, 110));
        Node c = net.add(8, config(DPoolScheme.PUSH_WITH_ESTIMATION), List.of());
        net.installAll(a, b, c);
        // a learns a (stale) size of b from a pool message of b; b holds 10, at its high-water mark
        a.pool.onMessage(new PoolMessages.Empty("p", 0, 50), b.address);
        assertEquals(Map.of(b.address, 50), a.pool.estimates());
        net.advance(10 * MS);
        List<Net.Msg> grantsOfA = net.inFlight.stream()
                .filter(m -> m.from().equals(a.address) && m.payload() instanceof Grant).toList();
        assertEquals(1, grantsOfA.size(), "a pushes to c only: " + grantsOfA);
        assertEquals(c.address, grantsOfA.getFirst().to());
        assertEquals(20, ((Grant) grantsOfA.getFirst().payload()).elements().size(), "half the estimated difference");
        net.deliverAll();
        assertEquals(20, a.pool.estimates().get(c.address), "the acknowledgement updated the estimate");
        assertEquals(20, a.pool.localSize());
        assertEquals(20, c.pool.localSize());
        assertEquals(10, b.pool.localSize(), "b, wrongly estimated at 50, received nothing");
    }

    @Test
    void backgroundPullRefillsFromAnotherMembersSurplusOnly() {
        DPoolConfig pull = DPoolConfig.builder().scheme(DPoolScheme.BACKGROUND_PULL).lowWater(4).highWater(10).blockSize(3)
                .period(Duration.ofMillis(10)).transferTimeout(Duration.ofMillis(100)).build();
        Net net = new Net();
        Node a = net.add(0, pull, range(0, 6));
        Node b = net.add(4, pull, List.of());
        net.installAll(a, b);
        net.advance(10 * MS);
        net.deliverAll();
        assertEquals(2, b.pool.localSize(), "a gave only what it holds above its own low-water mark");
        assertEquals(4, a.pool.localSize());
        net.advance(30 * MS);
        net.deliverAll();
        assertEquals(4, a.pool.localSize(), "a never goes below its low-water mark for a pull");
        assertEquals(range(0, 6), census(net, List.of()));
    }
}
