package dev.manycore.fleets.pool;

import dev.manycore.fleets.pool.PoolHarness.Contents;
import dev.manycore.messaging.Address;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.manycore.fleets.pool.PoolHarness.range;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A partition outlives its member: the fleet adopts it when the member fails or leaves. */
class DPoolRecoveryTest {

    private static final DPoolConfig CONFIG = DPoolConfig.builder().scheme(DPoolScheme.ON_DEMAND)
            .period(Duration.ofMillis(5)).transferTimeout(Duration.ofMillis(100)).build();

    private static List<Long> sorted(Map<Address, Contents> census) {
        List<Long> all = new ArrayList<>();
        census.values().forEach(c -> all.addAll(c.elements()));
        all.sort(null);
        return all;
    }

    @Test
    void aCrashedMembersPartitionIsAdoptedByTheFirstMember() throws Exception {
        try (PoolHarness h = new PoolHarness(CONFIG, List.of(range(0, 5), range(5, 10), range(10, 30)))) {
            Address victim = h.fleet.members().get(2);
            Address first = h.fleet.members().get(0);
            h.fleet.crash(victim);
            h.fleet.whenView(v -> !v.contains(victim)).get(30, TimeUnit.SECONDS);
            Map<Address, Contents> census = h.quiescentCensus();
            assertEquals(range(0, 30), sorted(census), "nothing lost, nothing twice");
            assertEquals(first, h.directory.adopter(victim).orElseThrow());
            assertEquals(25, census.get(first).elements().size(), "the adopter holds its own and the victim's");
        }
    }

    @Test
    void aLeavingMembersPartitionIsHandedOverToTheCoordinator() throws Exception {
        try (PoolHarness h = new PoolHarness(CONFIG, List.of(range(0, 5), range(5, 10), range(10, 30)))) {
            Address leaver = h.fleet.members().get(2);
            h.fleet.shrink(leaver).get(30, TimeUnit.SECONDS);
            Map<Address, Contents> census = h.quiescentCensus();
            assertEquals(range(0, 30), sorted(census));
            assertEquals(h.fleet.view().coordinator(), h.directory.adopter(leaver).orElseThrow());
        }
    }

    @Test
    void aJoinerStartsEmptyAndTakesOnDemand() throws Exception {
        try (PoolHarness h = new PoolHarness(CONFIG, List.of(range(0, 10), List.of()))) {
            Address joiner = h.fleet.grow(h.topology.core(40)).get(30, TimeUnit.SECONDS);
            assertEquals(0, h.localSize(joiner));
            long e = h.take(joiner);
            assertTrue(e >= 0 && e < 10);
            List<Long> rest = new ArrayList<>(sorted(h.quiescentCensus()));
            rest.add(e);
            rest.sort(null);
            assertEquals(range(0, 10), rest);
        }
    }

    @Test
    void aTransferToACrashedMemberReturnsToItsSenderOrItsAdopter() throws Exception {
        DPoolConfig push = DPoolConfig.builder().scheme(DPoolScheme.BACKGROUND_PUSH).lowWater(0).highWater(120)
                .period(Duration.ofMillis(5)).transferTimeout(Duration.ofMillis(100)).build();
        try (PoolHarness h = new PoolHarness(push, List.of(List.of(), range(0, 200), List.of()))) {
            Address victim = h.fleet.members().get(2);
            PoolHarness.await("the victim received pushed elements", () -> h.localSize(victim) > 0);
            h.fleet.crash(victim);
            h.fleet.whenView(v -> !v.contains(victim)).get(30, TimeUnit.SECONDS);
            assertEquals(range(0, 200), sorted(h.quiescentCensus()));
            assertTrue(h.directory.adopter(victim).isPresent());
        }
    }
}
