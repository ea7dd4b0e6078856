package dev.manycore.fleets.pool;

import dev.manycore.fleets.internal.Nearest;
import dev.manycore.fleets.CallTimeoutException;
import dev.manycore.fleets.Client;
import dev.manycore.fleets.RemoteFailureException;
import dev.manycore.fleets.UndeliverableException;
import dev.manycore.fleets.pool.PoolHarness.Contents;
import dev.manycore.fleets.pool.PoolHarness.Put;
import dev.manycore.fleets.pool.PoolHarness.Take;
import dev.manycore.messaging.Address;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.manycore.fleets.pool.PoolHarness.range;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dPool invariant (fos report 4.8.1; issue 6): under random takes and puts from concurrent
 * clients while a member joins, one leaves and one crashes, the elements in all partitions plus
 * those the clients hold equal the initial set exactly, for every scheme. Each try is one seed: it
 * fixes the initial split, the clients' operations, which member crashes and which leaves, and the
 * order of the three membership changes.
 */
class DPoolConservationProperties {

    private static final int ELEMENTS = 60;
    private static final int CLIENTS = 3;
    private static final int OPS_PER_CLIENT = 20;

    @Property(tries = 10)
    void onDemandNeverLosesOrDuplicates(@ForAll long seed) throws Exception {
        run(DPoolScheme.ON_DEMAND, seed);
    }

    @Property(tries = 10)
    void bulkTransferNeverLosesOrDuplicates(@ForAll long seed) throws Exception {
        run(DPoolScheme.BULK_TRANSFER, seed);
    }

    @Property(tries = 10)
    void backgroundPullNeverLosesOrDuplicates(@ForAll long seed) throws Exception {
        run(DPoolScheme.BACKGROUND_PULL, seed);
    }

    @Property(tries = 10)
    void backgroundPushNeverLosesOrDuplicates(@ForAll long seed) throws Exception {
        run(DPoolScheme.BACKGROUND_PUSH, seed);
    }

    @Property(tries = 10)
    void pushWithEstimationNeverLosesOrDuplicates(@ForAll long seed) throws Exception {
        run(DPoolScheme.PUSH_WITH_ESTIMATION, seed);
    }

    /**
     * Two members crash one after the other while clients take and put; in half the tries the
     * second is the member that adopted the first one's partition, before it settled the adopted
     * transfers (a cascade).
     */
    @Property(tries = 10)
    void twoCrashesInARowLoseNothing(@ForAll DPoolScheme scheme, @ForAll long seed) throws Exception {
        Random rnd = new Random(seed);
        DPoolConfig config = DPoolConfig.builder().scheme(scheme).lowWater(3).highWater(35).blockSize(4)
                .period(Duration.ofMillis(5)).transferTimeout(Duration.ofMillis(100)).build();
        List<Long> initial = range(0, ELEMENTS);
        List<List<Long>> slices = List.of(initial.subList(0, 20), initial.subList(20, 30), initial.subList(30, 60), List.of());
        String label = scheme + " seed " + seed + " (two crashes)";
        try (PoolHarness h = new PoolHarness(config, slices)) {
            List<Address> first = h.fleet.members();
            Address victim1 = first.get(1 + rnd.nextInt(3));
            Address victim2 = rnd.nextBoolean() ? first.get(0) : first.stream()
                    .filter(a -> !a.equals(victim1) && !a.equals(first.get(0))).findFirst().orElseThrow();
            List<Address> safe = new ArrayList<>(first);
            safe.remove(victim1);
            safe.remove(victim2);
            AtomicInteger ops = new AtomicInteger();
            ConcurrentLinkedQueue<Long> held = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<String> ambiguous = new ConcurrentLinkedQueue<>();
            List<Thread> threads = startClients(h, rnd, safe, held, ambiguous, ops);
            awaitOps(ops, 10);
            h.fleet.crash(victim1);
            h.fleet.whenView(v -> !v.contains(victim1)).get(30, TimeUnit.SECONDS);
            h.fleet.crash(victim2);
            h.fleet.whenView(v -> !v.contains(victim2)).get(30, TimeUnit.SECONDS);
            finishAndCheck(h, threads, initial, held, ambiguous, label);
        }
    }

    private enum Change { GROW, SHRINK, CRASH }

    private static void run(DPoolScheme scheme, long seed) throws Exception {
        Random rnd = new Random(seed);
        // capacity of the smallest fleet (3 members x high-water 25) exceeds the elements, so pushes settle
        DPoolConfig config = DPoolConfig.builder().scheme(scheme).lowWater(3).highWater(25).blockSize(4)
                .period(Duration.ofMillis(5)).transferTimeout(Duration.ofMillis(100)).build();
        List<Long> initial = range(0, ELEMENTS);
        List<Long> shuffled = new ArrayList<>(initial);
        Collections.shuffle(shuffled, rnd);
        List<List<Long>> slices = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < 4; i++) {
            int to = i == 3 ? ELEMENTS : from + rnd.nextInt(ELEMENTS - from + 1);
            slices.add(List.copyOf(shuffled.subList(from, to)));
            from = to;
        }
        String label = scheme + " seed " + seed;
        try (PoolHarness h = new PoolHarness(config, slices)) {
            List<Address> first = h.fleet.members();
            // a departed member forwards client requests to its nearest member: if that were the crashed
            // victim, a forwarded request would vanish with an unknown outcome, which no oracle can count
            List<Address[]> pairs = new ArrayList<>();
            for (Address v : first) {
                for (Address l : first) {
                    if (!l.equals(v) && !nearestOther(h, l, first).equals(v)) {
                        pairs.add(new Address[] {v, l});
                    }
                }
            }
            Address[] pair = pairs.get(rnd.nextInt(pairs.size()));
            Address victim = pair[0];
            Address leaver = pair[1];
            List<Address> others = new ArrayList<>(first);
            others.remove(victim);
            CopyOnWriteArrayList<Address> targets = new CopyOnWriteArrayList<>(others);
            List<Change> changes = new ArrayList<>(List.of(Change.GROW, Change.SHRINK, Change.CRASH));
            Collections.shuffle(changes, rnd);

            AtomicInteger ops = new AtomicInteger();
            ConcurrentLinkedQueue<Long> held = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<String> ambiguous = new ConcurrentLinkedQueue<>();
            List<Thread> threads = startClients(h, rnd, targets, held, ambiguous, ops);
            for (Change change : changes) {
                awaitOps(ops, ops.get() + 6);
                switch (change) {
                    case GROW -> targets.add(h.fleet.grow(h.topology.core(40)).get(30, TimeUnit.SECONDS));
                    case SHRINK -> h.fleet.shrink(leaver).get(30, TimeUnit.SECONDS);
                    case CRASH -> {
                        h.fleet.crash(victim);
                        h.fleet.whenView(v -> !v.contains(victim)).get(30, TimeUnit.SECONDS);
                    }
                }
            }
            finishAndCheck(h, threads, initial, held, ambiguous, label);
            for (Address a : h.directory.partitions()) {
                assertTrue(h.fleet.view().contains(a) || h.directory.adopter(a).isPresent(),
                        label + ": the partition of removed member " + a + " was adopted");
            }
        }
    }

    /** Starts the clients, each on its own core with a seed drawn from {@code rnd}, using {@code targets}. */
    private static List<Thread> startClients(PoolHarness h, Random rnd, List<Address> targets,
                                             ConcurrentLinkedQueue<Long> held, ConcurrentLinkedQueue<String> ambiguous,
                                             AtomicInteger ops) {
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            Client client = Client.open(h.engine, h.topology.core(8 * c + 5));
            long clientSeed = rnd.nextLong();
            threads.add(Thread.ofPlatform().name("pool-client-" + c).start(() ->
                    clientLoop(client, new Random(clientSeed), targets, held, ambiguous, ops)));
        }
        return threads;
    }

    /**
     * Waits for the clients, then checks that every operation's outcome is known and that the
     * partitions plus what the clients hold are the initial elements, each once.
     */
    private static void finishAndCheck(PoolHarness h, List<Thread> threads, List<Long> initial,
                                       ConcurrentLinkedQueue<Long> held, ConcurrentLinkedQueue<String> ambiguous,
                                       String label) throws InterruptedException {
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(60));
            assertTrue(!t.isAlive(), label + ": client " + t.getName() + " finished");
        }
        assertTrue(ambiguous.isEmpty(), label + ": operations with unknown outcome " + ambiguous);
        Map<Address, Contents> census = h.quiescentCensus();
        List<Long> found = new ArrayList<>(held);
        census.values().forEach(c -> found.addAll(c.elements()));
        found.sort(null);
        assertEquals(initial, found, label + ": partitions " + census + " plus held " + held
                + " must be the initial elements, each once");
    }

    private static void clientLoop(Client client, Random rnd, List<Address> targets, ConcurrentLinkedQueue<Long> held,
                                   ConcurrentLinkedQueue<String> ambiguous, AtomicInteger ops) {
        List<Long> mine = new ArrayList<>();
        Duration timeout = Duration.ofSeconds(20);
        for (int i = 0; i < OPS_PER_CLIENT; i++) {
            Address target = targets.get(rnd.nextInt(targets.size()));
            boolean put = !mine.isEmpty() && (mine.size() >= 4 || rnd.nextBoolean());
            try {
                if (put) {
                    long e = mine.get(rnd.nextInt(mine.size()));
                    client.callAndWait(target, new Put(e), timeout);
                    mine.remove(e);
                } else {
                    mine.add(client.callAndWait(target, new Take(), timeout));
                }
            } catch (CallTimeoutException e) {
                ambiguous.add((put ? "put to " : "take from ") + target + ": " + e.getMessage());
            } catch (RemoteFailureException | UndeliverableException e) {
                // refused (empty pool, partition closed, member gone): nothing moved
            }
            ops.incrementAndGet();
        }
        held.addAll(mine);
    }

    /** The member a departed member forwards to (FleetMember: fewest hops, then lowest address). */
    private static Address nearestOther(PoolHarness h, Address member, List<Address> members) {
        return Nearest.among(h.topology, h.topology.clusterOf(member.core()), members, member::equals);
    }

    private static void awaitOps(AtomicInteger ops, int target) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (ops.get() < Math.min(target, CLIENTS * OPS_PER_CLIENT) && System.nanoTime() < deadline) {
            PoolHarness.pause(2);
        }
    }
}
