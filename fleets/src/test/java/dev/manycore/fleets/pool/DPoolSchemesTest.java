package dev.manycore.fleets.pool;

import dev.manycore.fleets.RemoteFailureException;
import dev.manycore.fleets.pool.PoolHarness.Contents;
import dev.manycore.messaging.Address;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.manycore.fleets.pool.PoolHarness.range;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** fos report 4.8.1: each scheme takes and puts locally and moves elements as it says. */
class DPoolSchemesTest {

    private static DPoolConfig.Builder fast(DPoolScheme scheme) {
        return DPoolConfig.builder().scheme(scheme).period(Duration.ofMillis(5)).transferTimeout(Duration.ofMillis(200));
    }

    private static Set<Long> all(Map<Address, Contents> census) {
        Set<Long> s = new HashSet<>();
        int n = 0;
        for (Contents c : census.values()) {
            s.addAll(c.elements());
            n += c.elements().size();
        }
        assertEquals(n, s.size(), "no element twice: " + census);
        return s;
    }

    @Test
    void putAndTakeStayLocal() throws Exception {
        try (PoolHarness h = new PoolHarness(fast(DPoolScheme.ON_DEMAND).build(), List.of(range(0, 3), List.of()))) {
            Address a = h.fleet.members().get(0);
            h.put(a, 100);
            assertEquals(4, h.localSize(a));
            Set<Long> taken = new HashSet<>();
            for (int i = 0; i < 4; i++) {
                taken.add(h.tryTake(a));
            }
            assertEquals(Set.of(0L, 1L, 2L, 100L), taken);
            assertEquals(-1L, h.tryTake(a), "tryTake never asks other members");
        }
    }

    @Test
    void onDemandTakeFetchesOneElementAtATimeFromAnotherMember() throws Exception {
        try (PoolHarness h = new PoolHarness(fast(DPoolScheme.ON_DEMAND).build(), List.of(range(0, 10), List.of()))) {
            Address full = h.fleet.members().get(0);
            Address empty = h.fleet.members().get(1);
            long e = h.take(empty);
            assertTrue(e >= 0 && e < 10, "an element of the pool: " + e);
            assertEquals(0, h.localSize(empty), "on demand fetches exactly one element");
            Map<Address, Contents> census = h.quiescentCensus();
            assertEquals(9, census.get(full).elements().size());
            Set<Long> rest = all(census);
            rest.add(e);
            assertEquals(Set.copyOf(range(0, 10)), rest);
        }
    }

    @Test
    void takeFailsWithEmptyPoolWhenNoMemberHasAnElement() throws Exception {
        try (PoolHarness h = new PoolHarness(fast(DPoolScheme.ON_DEMAND).build(), List.of(List.of(1L), List.of(), List.of()))) {
            Address holder = h.fleet.members().get(0);
            Address other = h.fleet.members().get(2);
            assertEquals(1L, h.take(other));
            RemoteFailureException failure = assertThrows(RemoteFailureException.class, () -> h.take(holder));
            assertTrue(failure.getMessage().contains(DPoolEmptyException.class.getName()), failure.getMessage());
            h.put(holder, 1L);
            assertEquals(1L, h.take(other), "a later take succeeds once an element is back");
        }
    }

    @Test
    void bulkTransferFetchesABlock() throws Exception {
        DPoolConfig config = fast(DPoolScheme.BULK_TRANSFER).blockSize(8).build();
        try (PoolHarness h = new PoolHarness(config, List.of(range(0, 20), List.of()))) {
            Address full = h.fleet.members().get(0);
            Address empty = h.fleet.members().get(1);
            long e = h.take(empty);
            Map<Address, Contents> census = h.quiescentCensus();
            assertEquals(7, census.get(empty).elements().size(), "a block of 8 arrived, one was taken");
            assertEquals(12, census.get(full).elements().size());
            Set<Long> rest = all(census);
            rest.add(e);
            assertEquals(Set.copyOf(range(0, 20)), rest);
        }
    }

    @Test
    void backgroundPullRefillsMembersBelowTheLowWaterMark() throws Exception {
        DPoolConfig config = fast(DPoolScheme.BACKGROUND_PULL).lowWater(10).highWater(40).blockSize(5).build();
        try (PoolHarness h = new PoolHarness(config, List.of(range(0, 60), List.of(), List.of()))) {
            List<Address> m = h.fleet.members();
            PoolHarness.await("both empty members pulled up to the low-water mark",
                    () -> h.localSize(m.get(1)) >= 10 && h.localSize(m.get(2)) >= 10);
            Map<Address, Contents> census = h.quiescentCensus();
            assertEquals(Set.copyOf(range(0, 60)), all(census));
            assertTrue(census.get(m.get(0)).elements().size() >= 10, "the holder kept its low-water mark: " + census);
        }
    }

    @Test
    void backgroundPushSpreadsSurplusAboveTheHighWaterMarkToAllOthers() throws Exception {
        DPoolConfig config = fast(DPoolScheme.BACKGROUND_PUSH).lowWater(0).highWater(40).build();
        try (PoolHarness h = new PoolHarness(config, List.of(range(0, 100), List.of(), List.of()))) {
            List<Address> m = h.fleet.members();
            PoolHarness.await("the surplus reached both others",
                    () -> h.localSize(m.get(1)) > 0 && h.localSize(m.get(2)) > 0);
            Map<Address, Contents> census = h.quiescentCensus();
            assertEquals(Set.copyOf(range(0, 100)), all(census));
            for (Contents c : census.values()) {
                assertTrue(c.elements().size() <= 40, "no member above the high-water mark at rest: " + census);
            }
        }
    }

    @Test
    void pushWithEstimationPushesOnlyToMembersEstimatedToHoldFewer() throws Exception {
        DPoolConfig config = fast(DPoolScheme.PUSH_WITH_ESTIMATION).lowWater(0).highWater(20).build();
        try (PoolHarness h = new PoolHarness(config, List.of(range(0, 90), List.of(), List.of()))) {
            List<Address> m = h.fleet.members();
            PoolHarness.await("the surplus reached both others",
                    () -> h.localSize(m.get(1)) > 0 && h.localSize(m.get(2)) > 0);
            Map<Address, Contents> census = h.quiescentCensus();
            assertEquals(Set.copyOf(range(0, 90)), all(census));
            Map<Address, Integer> estimates = census.get(m.get(0)).estimates();
            assertEquals(Set.of(m.get(1), m.get(2)), estimates.keySet(), "the pusher estimates both others");
            List<Integer> sizes = new ArrayList<>();
            census.values().forEach(c -> sizes.add(c.elements().size()));
            assertEquals(90, sizes.stream().mapToInt(Integer::intValue).sum());
            assertFalse(sizes.contains(0), "every member holds elements: " + sizes);
        }
    }
}
