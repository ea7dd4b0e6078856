package dev.manycore.fleets.names;

import dev.manycore.fleets.MembershipView;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.Name;
import dev.manycore.messaging.ThreadedEngine;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** fos report 3.2.4 and 4.4: grow from 2 to 6 members and shrink back to 2 under load; no request fails. */
class NameServiceElasticityTest {

    @Test
    void growingAndShrinkingUnderLoadFailsNoLookup() throws Exception {
        Topology topology = Topology.tsar(4, 4);
        try (ThreadedEngine engine = ThreadedEngine.builder(topology).workers(2).build()) {
            engine.start();
            NameService service = NameService.builder(engine)
                    .cores(List.of(topology.core(0), topology.core(60))).start();
            service.fleet().whenView(v -> v.size() == 2).get(30, TimeUnit.SECONDS);
            NameServiceClient setup = service.client(topology.core(1), "app");
            List<Name> names = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Name name = Name.of("/svc/s" + i);
                names.add(name);
                setup.blocking().register(name, new Address(topology.core(4 * i + 2), 900_000 + i),
                        NameFlags.serviceSet(LookupPolicy.ROUND_ROBIN));
            }

            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong lookups = new AtomicLong();
            AtomicLong updates = new AtomicLong();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                NameServiceClient c = service.client(topology.core(16 * t + 5), "app")
                        .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(10));
                int first = t;
                threads.add(Thread.ofPlatform().name("lookups-" + t).start(() -> {
                    int i = first;
                    while (running.get()) {
                        try {
                            List<Address> all = c.blocking().lookupAll(names.get(i++ % names.size()));
                            if (all.size() != 1) {
                                failures.add(new AssertionError("lookupAll gave " + all));
                            }
                            lookups.incrementAndGet();
                        } catch (RuntimeException e) {
                            failures.add(e);
                        }
                    }
                }));
            }
            NameServiceClient writer = service.client(topology.core(41), "app")
                    .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(10));
            threads.add(Thread.ofPlatform().name("updates").start(() -> {
                int i = 0;
                while (running.get()) {
                    try {
                        writer.blocking().register(Name.of("/grow/u" + i), new Address(topology.core(3), 950_000 + i),
                                NameFlags.single());
                        updates.incrementAndGet();
                    } catch (RuntimeException e) {
                        failures.add(e);
                    }
                    i++;
                }
            }));

            List<CoreId> extra = List.of(topology.core(12), topology.core(48), topology.core(21), topology.core(42));
            List<Address> joined = new ArrayList<>();
            for (CoreId core : extra) {
                long before = lookups.get();
                joined.add(service.fleet().grow(core).get(60, TimeUnit.SECONDS));
                NameServiceFailureTest.awaitAtLeast(lookups, before + 50);
            }
            MembershipView six = service.fleet().view();
            assertEquals(6, six.size());
            List<Address> leaving = new ArrayList<>(six.members());
            leaving.removeAll(List.of(six.members().getFirst(), six.members().getLast()));
            for (Address member : leaving) {
                long before = lookups.get();
                service.fleet().shrink(member).get(60, TimeUnit.SECONDS);
                NameServiceFailureTest.awaitAtLeast(lookups, before + 50);
            }
            running.set(false);
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(30));
            }

            MembershipView two = service.fleet().view();
            assertEquals(2, two.size());
            assertTrue(failures.isEmpty(), "requests failed during grow and shrink: " + failures);
            assertTrue(updates.get() > 0, "updates went on during the changes");
            NameTableImage image = NameServiceTest.assertReplicasEqual(service, setup);
            NameEntry self = image.entries().stream().filter(e -> e.name().equals(NameService.selfName())).findFirst().orElseThrow();
            assertEquals(Set.copyOf(two.members()), Set.copyOf(self.mappings()));
            long registered = image.entries().stream().filter(e -> e.name().toString().startsWith("/grow/")).count();
            assertEquals(updates.get(), registered, "every acknowledged update is in every replica");
        }
    }
}
