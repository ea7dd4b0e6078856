package dev.manycore.fleets.names;

import dev.manycore.fleets.Client;
import dev.manycore.fleets.MembershipView;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.Name;
import dev.manycore.messaging.NameBinding;
import dev.manycore.messaging.ThreadedEngine;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NameServiceTest {

    static final long WAIT_SECONDS = 30;

    ThreadedEngine engine;
    Topology topology;
    NameService service;
    NameServiceClient alice;
    NameServiceClient.Blocking a;

    @BeforeEach
    void start() throws Exception {
        topology = Topology.tsar(4, 4);
        engine = ThreadedEngine.builder(topology).workers(2).build();
        engine.start();
        // members on the clusters at the four corners of the mesh
        service = NameService.builder(engine).cores(List.of(core(0, 0), core(3, 0), core(0, 3), core(3, 3))).start();
        service.fleet().whenView(v -> v.size() == 4).get(WAIT_SECONDS, TimeUnit.SECONDS);
        alice = service.client(core(0, 0, 1), "alice");
        a = alice.blocking();
    }

    @AfterEach
    void stop() {
        engine.shutdown();
    }

    /** The first core (or core {@code i}) of the cluster at mesh position (x, y). */
    CoreId core(int x, int y, int... i) {
        return topology.coresOf(topology.clusterAt(x, y).orElseThrow()).get(i.length == 0 ? 0 : i[0]);
    }

    Address mailbox(int x, int y, int n) {
        return new Address(core(x, y, 3), 100_000 + n);
    }

    static Name n(String text) {
        return Name.of(text);
    }

    @Test
    void registerThenLookupFromAnyClient() {
        Address box = mailbox(1, 1, 1);
        long version = a.register(n("/apps/db"), box, NameFlags.single());
        assertEquals(1, version);
        assertEquals(box, a.lookup(n("/apps/db")));
        NameServiceClient bob = service.client(core(3, 3, 2), "bob");
        assertEquals(box, bob.blocking().lookup(n("/apps/db")));
        assertEquals(List.of(box), bob.blocking().lookupAll(n("/apps/db")));
    }

    @Test
    void theServiceRegistersItsOwnMembersUnderSysNames() {
        List<Address> members = a.lookupAll(NameService.selfName());
        assertEquals(Set.copyOf(service.fleet().members()), Set.copyOf(members));
    }

    @Test
    void sysIsClaimedAtBoot() {
        NamespaceOwnedException e = assertThrows(NamespaceOwnedException.class,
                () -> a.register(n("/sys/evil"), mailbox(1, 1, 1), NameFlags.single()));
        assertEquals(n("/sys/evil"), e.name());
        assertTrue(e.getMessage().contains("/sys/evil") && e.getMessage().contains("'sys'"), e.getMessage());
        assertThrows(NamespaceOwnedException.class, () -> a.claim(n("/sys")));
        assertThrows(NamespaceOwnedException.class, () -> a.claim(n("/sys/mine")));
    }

    @Test
    void aSecondRegistrationOfASingleNameIsTaken() {
        a.register(n("/apps/one"), mailbox(1, 1, 1), NameFlags.single());
        NameTakenException e = assertThrows(NameTakenException.class,
                () -> a.register(n("/apps/one"), mailbox(1, 1, 2), NameFlags.single()));
        assertTrue(e.getMessage().contains("/apps/one"), e.getMessage());
        assertEquals(List.of(mailbox(1, 1, 1)), a.lookupAll(n("/apps/one")));
    }

    @Test
    void serviceSetMembersAccumulateAndAMappingIsNotAddedTwice() {
        NameFlags set = NameFlags.serviceSet(LookupPolicy.NEAREST);
        a.register(n("/apps/web"), mailbox(1, 1, 1), set);
        a.register(n("/apps/web"), mailbox(2, 2, 2), set);
        assertEquals(List.of(mailbox(1, 1, 1), mailbox(2, 2, 2)), a.lookupAll(n("/apps/web")));
        assertThrows(NameTakenException.class, () -> a.register(n("/apps/web"), mailbox(2, 2, 2), set));
        assertThrows(NameTakenException.class, () -> a.register(n("/apps/web"), mailbox(3, 3, 3), NameFlags.single()));
    }

    @Test
    void aClaimedNamespaceIsDeniedToOtherOwners() {
        a.claim(n("/home/alice"));
        a.claim(n("/home/alice"));
        NameServiceClient.Blocking bob = service.client(core(1, 0), "bob").blocking();
        NamespaceOwnedException e = assertThrows(NamespaceOwnedException.class,
                () -> bob.register(n("/home/alice/x"), mailbox(1, 1, 1), NameFlags.single()));
        assertTrue(e.getMessage().contains("/home/alice/x") && e.getMessage().contains("'alice'"), e.getMessage());
        assertThrows(NamespaceOwnedException.class, () -> bob.claim(n("/home/alice/sub")));
        assertThrows(NamespaceOwnedException.class, () -> bob.claim(n("/home")));
        a.register(n("/home/alice/x"), mailbox(1, 1, 1), NameFlags.single());
        bob.register(n("/home/bob"), mailbox(1, 1, 2), NameFlags.single());
        assertThrows(NamespaceOwnedException.class, () -> a.claim(n("/home")), "/home holds bob's name");
    }

    @Test
    void deleteRemovesTheNameAndReportsMissingOrForeignNames() {
        a.register(n("/apps/tmp"), mailbox(1, 1, 1), NameFlags.single());
        NameServiceClient.Blocking bob = service.client(core(1, 0), "bob").blocking();
        assertThrows(NamespaceOwnedException.class, () -> bob.delete(n("/apps/tmp")));
        assertEquals(2, a.delete(n("/apps/tmp")));
        NameNotFoundException e = assertThrows(NameNotFoundException.class, () -> a.lookup(n("/apps/tmp")));
        assertEquals(n("/apps/tmp"), e.name());
        assertThrows(NameNotFoundException.class, () -> a.delete(n("/apps/tmp")));
        assertEquals(3, a.register(n("/apps/tmp"), mailbox(1, 1, 2), NameFlags.single()), "versions survive deletion");
    }

    @Test
    void unregisterDeletesOneMapping() {
        NameFlags set = NameFlags.serviceSet(LookupPolicy.ROUND_ROBIN);
        a.register(n("/apps/set"), mailbox(1, 1, 1), set);
        a.register(n("/apps/set"), mailbox(1, 1, 2), set);
        a.unregister(n("/apps/set"), mailbox(1, 1, 1));
        assertEquals(List.of(mailbox(1, 1, 2)), a.lookupAll(n("/apps/set")));
        assertThrows(NameNotFoundException.class, () -> a.unregister(n("/apps/set"), mailbox(1, 1, 1)));
        a.unregister(n("/apps/set"), mailbox(1, 1, 2));
        assertThrows(NameNotFoundException.class, () -> a.lookupAll(n("/apps/set")));
    }

    @Test
    void moveRedirectsLookupsAndHoldersOfTheOldAddress() {
        Address old = mailbox(1, 1, 1);
        Address fresh = mailbox(2, 2, 1);
        a.register(n("/apps/mover"), old, NameFlags.single());
        a.move(n("/apps/mover"), old, fresh);
        assertEquals(fresh, a.lookup(n("/apps/mover")));
        assertEquals(fresh, a.followMove(old));
        Address later = mailbox(3, 3, 1);
        a.move(n("/apps/mover"), fresh, later);
        assertEquals(later, a.followMove(old), "redirects follow chains");
        assertEquals(mailbox(0, 1, 9), a.followMove(mailbox(0, 1, 9)));
        assertThrows(NameNotFoundException.class, () -> a.move(n("/apps/mover"), old, fresh));
        assertThrows(NameNotFoundException.class, () -> a.move(n("/apps/none"), old, fresh));
    }

    @Test
    void nearestPolicyPicksTheFewestHops() {
        NameFlags set = NameFlags.serviceSet(LookupPolicy.NEAREST);
        a.register(n("/apps/near"), mailbox(3, 3, 1), set);
        a.register(n("/apps/near"), mailbox(1, 0, 1), set);
        a.register(n("/apps/near"), mailbox(3, 0, 1), set);
        assertEquals(mailbox(1, 0, 1), a.lookup(n("/apps/near")));
        NameServiceClient.Blocking far = service.client(core(3, 3, 1), "carol").blocking();
        assertEquals(mailbox(3, 3, 1), far.lookup(n("/apps/near")));
    }

    @Test
    void roundRobinHandsMembersOutInTurn() {
        NameFlags set = NameFlags.serviceSet(LookupPolicy.ROUND_ROBIN);
        List<Address> all = List.of(mailbox(1, 1, 1), mailbox(1, 1, 2), mailbox(1, 1, 3));
        for (Address m : all) {
            a.register(n("/apps/rr"), m, set);
        }
        Set<Address> seen = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            seen.add(a.lookup(n("/apps/rr")));
        }
        assertEquals(Set.copyOf(all), seen, "three lookups at one replica visit all three members");
    }

    @Test
    void leastLoadedPicksTheLowestReportedLoad() throws Exception {
        NameFlags set = NameFlags.serviceSet(LookupPolicy.LEAST_LOADED);
        a.register(n("/apps/ll"), mailbox(1, 1, 1), set);
        a.register(n("/apps/ll"), mailbox(1, 1, 2), set);
        alice.reportLoad(mailbox(1, 1, 1), 50).get(WAIT_SECONDS, TimeUnit.SECONDS);
        alice.reportLoad(mailbox(1, 1, 2), 5).get(WAIT_SECONDS, TimeUnit.SECONDS);
        // the hints are one-way: the next request to the same member is handled after them (FIFO)
        assertEquals(mailbox(1, 1, 2), a.lookup(n("/apps/ll")));
        alice.reportLoad(mailbox(1, 1, 2), 500).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(mailbox(1, 1, 1), a.lookup(n("/apps/ll")));
    }

    @Test
    void keyAffinityIsStablePerKeyAndSpreadsKeys() {
        NameFlags set = NameFlags.statefulSet();
        List<Address> all = List.of(mailbox(1, 1, 1), mailbox(1, 1, 2), mailbox(1, 1, 3), mailbox(1, 1, 4));
        for (Address m : all) {
            a.register(n("/apps/shards"), m, set);
        }
        NameServiceClient.Blocking far = service.client(core(3, 3, 1), "dave").blocking();
        Set<Address> used = new HashSet<>();
        for (long key = 0; key < 64; key++) {
            Address first = a.lookup(n("/apps/shards"), key);
            assertEquals(first, far.lookup(n("/apps/shards"), key), "every replica gives key " + key + " the same member");
            used.add(first);
        }
        assertEquals(Set.copyOf(all), used);
    }

    @Test
    void lookupsFillTheCoreCacheAndDeletesInvalidateIt() {
        Address box = mailbox(1, 1, 1);
        a.register(n("/apps/cached"), box, NameFlags.single());
        assertEquals(box, a.lookup(n("/apps/cached")));
        Client probe = Client.open(engine, core(0, 0, 1));
        NameBinding cached = Client.await(probe.execute(ctx ->
                CompletableFuture.completedFuture(ctx.nameCache().lookup(n("/apps/cached")))));
        assertNotNull(cached, "the lookup filled the cache of the client's core");
        assertEquals(box, cached.address());
        a.delete(n("/apps/cached"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        NameBinding after = cached;
        while (after != null && System.nanoTime() < deadline) {
            after = Client.await(probe.execute(ctx ->
                    CompletableFuture.completedFuture(ctx.nameCache().lookup(n("/apps/cached")))));
        }
        assertNull(after, "the service invalidated the cached entry after the delete");
        assertThrows(NameNotFoundException.class, () -> a.lookup(n("/apps/cached")));
    }

    @Test
    void moveInvalidatesCachedMappings() {
        Address old = mailbox(1, 1, 1);
        a.register(n("/apps/mv"), old, NameFlags.single());
        assertEquals(old, a.lookup(n("/apps/mv")));
        a.move(n("/apps/mv"), old, mailbox(1, 1, 2));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        Address seen = old;
        while (!seen.equals(mailbox(1, 1, 2)) && System.nanoTime() < deadline) {
            seen = a.lookup(n("/apps/mv"));
        }
        assertEquals(mailbox(1, 1, 2), seen);
    }

    @Test
    void concurrentRegistrationsOfOneNameCommitExactlyOnce() throws Exception {
        List<NameServiceClient> clients = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            clients.add(service.client(topology.core(8 * i + 2), "owner"));
        }
        for (int round = 0; round < 10; round++) {
            Name name = n("/race/r" + round);
            List<CompletableFuture<Long>> attempts = new ArrayList<>();
            for (int i = 0; i < clients.size(); i++) {
                attempts.add(clients.get(i).register(name, mailbox(1, 1, i), NameFlags.single()));
            }
            int committed = 0;
            for (CompletableFuture<Long> f : attempts) {
                try {
                    f.get(WAIT_SECONDS, TimeUnit.SECONDS);
                    committed++;
                } catch (java.util.concurrent.ExecutionException e) {
                    assertTrue(e.getCause() instanceof NameConflictException || e.getCause() instanceof NameTakenException,
                            "a losing registration fails with a conflict or taken error: " + e.getCause());
                    assertTrue(e.getCause().getMessage().contains(name.toString()), e.getCause().getMessage());
                }
            }
            assertTrue(committed <= 1, "at most one registration of " + name + " commits, " + committed + " did");
            if (committed == 0) {
                // all collided: the name stays free and a retry succeeds
                clients.getFirst().blocking().register(name, mailbox(1, 1, 0), NameFlags.single());
            }
            assertEquals(1, a.lookupAll(name).size());
        }
        assertReplicasEqual(service, alice);
    }

    @Test
    void everyReplicaHoldsTheSameTable() {
        a.claim(n("/data"));
        for (int i = 0; i < 20; i++) {
            a.register(n("/data/k" + i), mailbox(i % 4, i / 4 % 4, i), NameFlags.single());
        }
        a.delete(n("/data/k3"));
        a.move(n("/data/k4"), mailbox(0, 1, 4), mailbox(2, 2, 4));
        NameTableImage image = assertReplicasEqual(service, alice);
        assertEquals(19 + 1, image.entries().size(), "19 data names and /sys/names");
    }

    @Test
    void allMembersDownGivesATimeoutNamingTheName() {
        NameServiceClient hasty = alice.withTimeouts(Duration.ofMillis(50), Duration.ofMillis(200));
        for (Address m : service.fleet().members()) {
            service.fleet().crash(m);
        }
        CompletionException e = assertThrows(CompletionException.class, () -> hasty.lookup(n("/apps/x")).join());
        NameServiceTimeoutException t = assertInstanceOf(NameServiceTimeoutException.class, e.getCause());
        assertTrue(t.getMessage().contains("/apps/x"), t.getMessage());
        assertThrows(NameServiceTimeoutException.class,
                () -> hasty.blocking().register(n("/apps/x"), mailbox(1, 1, 1), NameFlags.single()));
    }

    @Test
    void badNamesAndArgumentsAreRefusedAtTheClient() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Name.of("/apps/Bad"));
        assertTrue(e.getMessage().contains("'Bad'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> service.client(core(0, 0), " "));
        assertThrows(NullPointerException.class, () -> a.register(n("/apps/x"), null, NameFlags.single()));
        assertThrows(NamespaceOwnedException.class, () -> a.register(Name.root(), mailbox(1, 1, 1), NameFlags.single()));
        IllegalArgumentException flags = assertThrows(IllegalArgumentException.class,
                () -> new NameFlags(true, false, LookupPolicy.ROUND_ROBIN));
        assertTrue(flags.getMessage().contains("KEY_AFFINITY"), flags.getMessage());
    }

    /** @return what each image holds that the first does not, and the reverse */
    static String difference(List<NameTableImage> images) {
        StringBuilder sb = new StringBuilder();
        NameTableImage first = images.getFirst();
        for (int i = 1; i < images.size(); i++) {
            NameTableImage other = images.get(i);
            List<Object> onlyFirst = new ArrayList<>(first.entries());
            onlyFirst.removeAll(other.entries());
            List<Object> onlyOther = new ArrayList<>(other.entries());
            onlyOther.removeAll(first.entries());
            sb.append("\n replica ").append(i).append(": missing ").append(onlyFirst).append(", extra ").append(onlyOther)
                    .append(first.claims().equals(other.claims()) ? "" : ", claims differ")
                    .append(first.versions().equals(other.versions()) ? "" : ", versions differ")
                    .append(first.redirects().equals(other.redirects()) ? "" : ", redirects differ");
        }
        return sb.toString();
    }

    /** Waits (bounded) until every member's image is equal, and returns it. */
    static NameTableImage assertReplicasEqual(NameService service, NameServiceClient client) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        List<NameTableImage> images;
        do {
            images = new ArrayList<>();
            MembershipView view = service.fleet().view();
            for (Address m : view.members()) {
                images.add(client.blocking().image(m));
            }
        } while (new HashSet<>(images).size() > 1 && System.nanoTime() < deadline);
        assertEquals(1, new HashSet<>(images).size(), "replicas differ: " + difference(images));
        assertFalse(images.isEmpty());
        return images.getFirst();
    }
}
