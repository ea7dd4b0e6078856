package dev.manycore.fleets.names;

import dev.manycore.fleets.MembershipView;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.Name;
import dev.manycore.messaging.ThreadedEngine;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * fos report 3.2.3: kill one of four members during a stream of lookups and updates; lookups keep
 * succeeding, updates resume after the view change, no replica diverges.
 */
class NameServiceFailureTest {

    @Test
    void killingAMemberUnderLoadLosesNoLookupAndNoReplicaDiverges() throws Exception {
        Topology topology = Topology.tsar(4, 4);
        try (ThreadedEngine engine = ThreadedEngine.builder(topology).workers(2).build()) {
            engine.start();
            NameService service = NameService.builder(engine)
                    .cores(List.of(topology.core(0), topology.core(12), topology.core(48), topology.core(60)))
                    .failureDetection(Duration.ofMillis(50), Duration.ofMillis(1000)).start();
            service.fleet().whenView(v -> v.size() == 4).get(30, TimeUnit.SECONDS);
            NameServiceClient setup = service.client(topology.core(1), "app");
            List<Name> stable = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Name name = Name.of("/stable/s" + i);
                stable.add(name);
                setup.blocking().register(name, new Address(topology.core(4 * i + 3), 700_000 + i),
                        NameFlags.serviceSet(LookupPolicy.ROUND_ROBIN));
            }

            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong lookups = new AtomicLong();
            ConcurrentLinkedQueue<Throwable> lookupFailures = new ConcurrentLinkedQueue<>();
            AtomicLong viewChangedAt = new AtomicLong(Long.MAX_VALUE);
            AtomicInteger updatesAfterChange = new AtomicInteger();
            ConcurrentLinkedQueue<Throwable> updateFailuresAfterChange = new ConcurrentLinkedQueue<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                NameServiceClient c = service.client(topology.core(16 * t + 6), "app")
                        .withTimeouts(Duration.ofMillis(500), Duration.ofSeconds(5));
                int first = t;
                threads.add(Thread.ofPlatform().name("lookups-" + t).start(() -> {
                    int i = first;
                    while (running.get()) {
                        try {
                            Name name = stable.get(i++ % stable.size());
                            if (i % 2 == 0) {
                                c.blocking().lookupAll(name);
                            } else {
                                c.blocking().lookup(name, i);
                            }
                            lookups.incrementAndGet();
                        } catch (RuntimeException e) {
                            lookupFailures.add(e);
                        }
                    }
                }));
            }
            for (int t = 0; t < 2; t++) {
                NameServiceClient c = service.client(topology.core(32 * t + 9), "app")
                        .withTimeouts(Duration.ofMillis(500), Duration.ofSeconds(5));
                int id = t;
                threads.add(Thread.ofPlatform().name("updates-" + t).start(() -> {
                    int i = 0;
                    while (running.get()) {
                        long started = System.nanoTime();
                        Name name = Name.of("/load/u" + id + "-" + i);
                        try {
                            c.blocking().register(name, new Address(topology.core(7), 800_000 + i), NameFlags.single());
                            if (i % 3 == 0) {
                                c.blocking().delete(name);
                            }
                            if (started > viewChangedAt.get()) {
                                updatesAfterChange.incrementAndGet();
                            }
                        } catch (RuntimeException e) {
                            if (started > viewChangedAt.get()) {
                                updateFailuresAfterChange.add(e);
                            }
                        }
                        i++;
                    }
                }));
            }

            awaitAtLeast(lookups, 300);
            Address victim = service.fleet().view().coordinator();
            service.fleet().failStop(victim);
            MembershipView after = service.fleet().whenView(v -> !v.contains(victim)).get(30, TimeUnit.SECONDS);
            viewChangedAt.set(System.nanoTime());
            long lookupsAtChange = lookups.get();
            awaitAtLeast(lookups, lookupsAtChange + 300);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (updatesAfterChange.get() < 20 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            running.set(false);
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(30));
            }

            assertEquals(3, after.size());
            assertTrue(lookupFailures.isEmpty(), "lookups failed: " + lookupFailures);
            assertTrue(updatesAfterChange.get() >= 20, "updates resumed after the view change: " + updatesAfterChange);
            assertTrue(updateFailuresAfterChange.isEmpty(), "updates failed after the view change: " + updateFailuresAfterChange);
            NameTableImage image = NameServiceTest.assertReplicasEqual(service, setup);
            NameEntry self = image.entries().stream().filter(e -> e.name().equals(NameService.selfName())).findFirst().orElseThrow();
            assertEquals(Set.copyOf(after.members()), Set.copyOf(self.mappings()), "the failed member left the name service");
            assertFalse(self.mappings().contains(victim));
        }
    }

    static void awaitAtLeast(AtomicLong counter, long target) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        CountDownLatch never = new CountDownLatch(1);
        while (counter.get() < target && System.nanoTime() < deadline) {
            never.await(1, TimeUnit.MILLISECONDS);
        }
        assertTrue(counter.get() >= target, "counter reached " + counter.get() + " of " + target);
    }
}
