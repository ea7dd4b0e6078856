package dev.manycore.fleets.pages;

import dev.manycore.dqdt.Dqdt;
import dev.manycore.fleets.CallTimeoutException;
import dev.manycore.fleets.Client;
import dev.manycore.fleets.RemoteFailureException;
import dev.manycore.fleets.internal.pages.PageFleetState;
import dev.manycore.fleets.internal.pages.PageRequests.Allocate;
import dev.manycore.fleets.internal.pages.PageRequests.Free;
import dev.manycore.fleets.internal.pages.PageRequests.Freed;
import dev.manycore.fleets.internal.pages.PageRequests.RequestKey;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.Fault;
import dev.manycore.messaging.SimulatedEngine;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retried requests are executed once: a member whose answer is delayed past the client's request
 * timeout (a {@link Fault.DelayLink} on the link back to the client, on the simulated engine, so
 * every run is the same) makes the client ask again, and the retry gets the first execution's
 * outcome: the same run for an allocation (no second run left charged to the owner), the same
 * {@code Freed} for a free (no {@link DoubleFreeException}, and no second free of a run the owner
 * was given again meanwhile).
 */
class PageAllocatorRetryTest {

    private static final Duration TIMEOUT = Duration.ofMillis(1);
    private static final long T = TIMEOUT.toNanos();
    private static final long OWNER = 7;

    private Topology topology;
    private SimulatedEngine engine;
    private PageAllocator pages;

    @BeforeEach
    void start() {
        start(PagePolicy.locality());
    }

    private void start(PagePolicy policy) {
        topology = Topology.mesh(4, 4).coresPerCluster(4).pagesPerCluster(64).name("retry 4x4").build();
        engine = SimulatedEngine.builder(topology).seed(11).build();
        pages = PageAllocator.builder(engine, Dqdt.of(topology)).clientCache(0).clustersPerMember(4).policy(policy)
                .requestTimeout(TIMEOUT).start();
        await(pages.ready(), "the page fleet is ready");
        await(pages.fleet().whenView(v -> v.size() == pages.memberCores().size()), "the fleet forms");
    }

    @AfterEach
    void stop() {
        pages.close();
        engine.close();
    }

    private <V> V await(CompletableFuture<V> f, String what) {
        assertTrue(engine.runUntilDone(f, engine.now() + 1_000_000_000L), () -> what + ": not done in 1 s of virtual time");
        return f.join();
    }

    /** A cluster that a member serves from another cluster, and that member's cluster. */
    private ClusterId[] servedFromElsewhere() {
        for (ClusterId c : topology.clusters()) {
            Address server = pages.serverOf(c);
            ClusterId home = topology.clusterOf(server.core());
            if (!home.equals(c)) {
                return new ClusterId[] {c, home};
            }
        }
        throw new AssertionError("every cluster has its own member");
    }

    private CoreId userCore(ClusterId cluster) {
        for (CoreId c : topology.coresOf(cluster)) {
            if (!pages.memberCores().contains(c)) {
                return c;
            }
        }
        throw new AssertionError(cluster + " has no user core");
    }

    /**
     * Delays every message between the two clusters sent from shortly after now until half a
     * request timeout later by one and a half timeouts: the answer to a request sent now comes
     * back after the client stopped waiting (one timeout), and the retry it sends then reaches the
     * member and is answered (behind the late answer: a link keeps each sender's order) before
     * the retry times out.
     */
    private void delayAnswersOfTheNextRequest(ClusterId a, ClusterId b) {
        engine.schedule(new Fault.DelayLink(a, b, T + T / 2, engine.now() + 1, T / 2));
    }

    private long allocatedPages() {
        long n = 0;
        for (PageAccounting.ClusterPages c : pages.accounting().clusters()) {
            n += c.allocated();
        }
        return n;
    }

    @Test
    void aRetriedAllocationReturnsTheSameRunAndLeavesNothingCharged() {
        ClusterId[] cs = servedFromElsewhere();
        PageAllocatorClient client = pages.client(userCore(cs[0]));

        delayAnswersOfTheNextRequest(cs[0], cs[1]);
        CompletableFuture<PageRun> first = client.allocateAsync(1, OWNER, AllocationPriority.ORDINARY);
        PageRun run = await(first, "the retried allocation");
        engine.runUntilQuiescent(engine.now() + 20 * T);

        assertEquals(cs[0], run.cluster(), "served by the requester's cluster");
        assertEquals(run.pages(), allocatedPages(), () -> "only the run the client got is charged: "
                + pages.accounting());
        Client gateway = Client.open(engine, client.core());
        await(gateway.call(pages.serverOf(cs[0]), new Free(run, OWNER, 0), TIMEOUT), "free the run");
        engine.runUntilQuiescent(engine.now() + 20 * T);
        assertEquals(0, allocatedPages(), () -> "no page stays charged: " + pages.accounting());
        gateway.close();
    }

    @Test
    void aRetriedAllocationFromTheDPoolLendsOnePageOnly() {
        stop();
        start(PagePolicy.dpool(dev.manycore.fleets.pool.DPoolConfig.builder()
                .scheme(dev.manycore.fleets.pool.DPoolScheme.ON_DEMAND).lowWater(2).highWater(12).blockSize(4)
                .period(Duration.ofNanos(50_000)).transferTimeout(TIMEOUT).build(), 0.5));
        ClusterId[] cs = servedFromElsewhere();
        PageAllocatorClient client = pages.client(userCore(cs[0]));

        delayAnswersOfTheNextRequest(cs[0], cs[1]);
        PageRun run = await(client.allocateAsync(0, OWNER, AllocationPriority.ORDINARY), "the retried allocation");
        engine.runUntilQuiescent(engine.now() + 20 * T);
        assertEquals(1, pages.accounting().heldPages(), () -> "only the page the client got is lent: "
                + pages.accounting());

        Client gateway = Client.open(engine, client.core());
        await(gateway.call(pages.serverOf(run.cluster()), new Free(run, OWNER, 0), TIMEOUT), "free the page");
        engine.runUntilQuiescent(engine.now() + 20 * T);
        assertEquals(0, pages.accounting().heldPages(), () -> "no page stays lent: " + pages.accounting());
        gateway.close();
    }

    @Test
    void aKeyedRequestSentAgainGetsTheFirstOutcome() {
        ClusterId[] cs = servedFromElsewhere();
        CoreId core = userCore(cs[0]);
        Client gateway = Client.open(engine, core);
        Address member = pages.serverOf(cs[0]);
        long id = PageFleetState.clientIdOf(core.index());

        // an allocation whose answer comes late: the client times out and asks again, same key
        RequestKey k1 = new RequestKey(id, 1, 1);
        Allocate alloc = new Allocate(cs[0], cs[0], 0, OWNER, AllocationPriority.ORDINARY, 0, List.of(), k1);
        delayAnswersOfTheNextRequest(cs[0], cs[1]);
        assertTimesOut(gateway.call(member, alloc, TIMEOUT));
        PageRun run = (PageRun) await(gateway.call(member, alloc, TIMEOUT), "the retried allocation");
        engine.runUntilQuiescent(engine.now() + 20 * T);
        assertEquals(1, allocatedPages(), "one page charged, not two");

        // a free whose answer comes late: the retry reports the free that happened, once
        RequestKey k2 = new RequestKey(id, 2, 2);
        delayAnswersOfTheNextRequest(cs[0], cs[1]);
        assertTimesOut(gateway.call(member, new Free(run, OWNER, 0, k2), TIMEOUT));
        Freed freed = await(gateway.call(member, new Free(run, OWNER, 0, k2), TIMEOUT), "the retried free");
        assertEquals(new Freed(1, -1), freed, "the retry reports the free that happened, not a double free");
        engine.runUntilQuiescent(engine.now() + 20 * T);
        assertEquals(0, allocatedPages());

        // the owner is given the same page again; a late retry of the old free must not free it
        RequestKey k3 = new RequestKey(id, 3, 2);
        PageRun again = (PageRun) await(gateway.call(member,
                new Allocate(cs[0], cs[0], 0, OWNER, AllocationPriority.ORDINARY, 0, List.of(), k3), TIMEOUT), "again");
        assertEquals(run, again, "the bank hands out its lowest free page again");
        Freed late = await(gateway.call(member, new Free(run, OWNER, 0, k2), TIMEOUT), "a late retry of the free");
        assertEquals(freed, late);
        engine.runUntilQuiescent(engine.now() + 20 * T);
        assertEquals(1, allocatedPages(), "the page given again is still allocated");

        // once the client waits only for later requests, a late attempt of an old one is not executed
        RequestKey k4 = new RequestKey(id, 4, 4);
        await(gateway.call(member, new Free(again, OWNER, 0, k4), TIMEOUT), "free the page");
        CompletableFuture<Object> stale = gateway.call(member, alloc, TIMEOUT);
        assertTrue(engine.runUntilDone(stale, engine.now() + 20 * T));
        CompletionException failed = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, stale::join);
        RemoteFailureException remote = assertInstanceOf(RemoteFailureException.class, failed.getCause());
        assertTrue(remote.remoteMessage().contains("late attempt"), remote::remoteMessage);
        engine.runUntilQuiescent(engine.now() + 20 * T);
        assertEquals(0, allocatedPages(), "the stale allocation took nothing");
        gateway.close();
    }

    @Test
    void unkeyedRequestsAreExecutedEachTime() {
        ClusterId[] cs = servedFromElsewhere();
        Client gateway = Client.open(engine, userCore(cs[0]));
        Address member = pages.serverOf(cs[0]);
        Allocate alloc = new Allocate(cs[0], cs[0], 0, OWNER, AllocationPriority.ORDINARY, 0, List.of());
        PageRun a = (PageRun) await(gateway.call(member, alloc, TIMEOUT), "first");
        PageRun b = (PageRun) await(gateway.call(member, alloc, TIMEOUT), "second");
        assertNotEquals(a, b);
        await(gateway.call(member, new Free(a, OWNER, 0), TIMEOUT), "free a");
        CompletableFuture<Freed> twice = gateway.call(member, new Free(a, OWNER, 0), TIMEOUT);
        assertTrue(engine.runUntilDone(twice, engine.now() + 20 * T));
        assertTrue(twice.isCompletedExceptionally(), "a free with no key sent twice is a double free");
        gateway.close();
    }

    private void assertTimesOut(CompletableFuture<?> f) {
        assertTrue(engine.runUntilDone(f, engine.now() + 20 * T));
        CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, f::join);
        assertInstanceOf(CallTimeoutException.class, e.getCause(), "the first attempt's answer comes too late");
    }
}
