package dev.manycore.fleets.pool;

import dev.manycore.fleets.Client;
import dev.manycore.fleets.Fleet;
import dev.manycore.fleets.FleetContext;
import dev.manycore.fleets.FleetServer;
import dev.manycore.fleets.Handlers;
import dev.manycore.fleets.MembershipView;
import dev.manycore.fleets.Request;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.ThreadedEngine;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A fleet whose members embed a {@code DPool<Long>}, on the threaded engine, with short failure
 * detection, and a client to drive it. Test support.
 */
final class PoolHarness implements AutoCloseable {

    static final Duration CALL = Duration.ofSeconds(20);

    record Take() implements Request<Long> {
    }

    /** @return the element, or -1 when the partition is empty */
    record TryTake() implements Request<Long> {
    }

    record Put(long element) implements Request<Boolean> {
    }

    record Contents(List<Long> elements, int inTransit, boolean closed, Map<Address, Integer> estimates) {
        Contents {
            elements = List.copyOf(elements);
            estimates = Map.copyOf(estimates);
        }
    }

    record Inspect() implements Request<Contents> {
    }

    /** A member: its pool and nothing else; forwards every callback. */
    static final class PoolServer implements FleetServer {
        private final DPoolDirectory<Long> directory;
        private final DPoolConfig config;
        private final List<Long> initial;
        private DPool<Long> pool;

        PoolServer(DPoolDirectory<Long> directory, DPoolConfig config, List<Long> initial) {
            this.directory = directory;
            this.config = config;
            this.initial = initial;
        }

        @Override
        public void start(FleetContext ctx, Handlers handlers) {
            pool = DPool.create(ctx, handlers, directory, config, initial);
            handlers.on(Take.class, (m, c) -> pool.take())
                    .on(TryTake.class, (m, c) -> pool.tryTake().orElse(-1L))
                    .on(Put.class, (m, c) -> {
                        pool.put(m.element());
                        return Boolean.TRUE;
                    })
                    .on(Inspect.class, (m, c) -> new Contents(pool.localElements(), pool.inTransit(), pool.isClosed(),
                            pool.estimates()));
        }

        @Override
        public void viewChanged(MembershipView previous, MembershipView current) {
            pool.viewChanged(previous, current);
        }

        @Override
        public void freeze() {
            pool.freeze();
        }

        @Override
        public boolean isQuiescent() {
            return pool.isQuiescent();
        }

        @Override
        public void thaw() {
            pool.thaw();
        }

        @Override
        public Object stateFor(Address joiner, MembershipView next) {
            return pool.stateFor(joiner, next);
        }

        @Override
        public void installState(Object state) {
            pool.installState(state);
        }

        @Override
        public Object handOver(MembershipView next) {
            return pool.handOver(next);
        }

        @Override
        public void receiveHandOver(Address from, Object state) {
            pool.receiveHandOver(from, state);
        }

        @Override
        public void stop() {
            pool.stop();
        }
    }

    final Topology topology = Topology.tsar(4, 4);
    final ThreadedEngine engine;
    final DPoolDirectory<Long> directory = DPoolDirectory.create("test-pool");
    final Fleet fleet;
    final Client client;

    /**
     * @param config the pool's settings
     * @param slices the first members' initial elements, one list per member (its size is the fleet's)
     */
    PoolHarness(DPoolConfig config, List<List<Long>> slices) throws Exception {
        engine = ThreadedEngine.builder(topology).workers(2).build();
        engine.start();
        ConcurrentLinkedQueue<List<Long>> queue = new ConcurrentLinkedQueue<>(slices);
        List<CoreId> cores = new ArrayList<>();
        for (int i = 0; i < slices.size(); i++) {
            cores.add(topology.core(i * 12));
        }
        fleet = Fleet.builder(engine, "pool-fleet", () -> {
                    List<Long> mine = queue.poll();
                    return new PoolServer(directory, config, mine == null ? List.of() : mine);
                })
                .cores(cores)
                .failureDetection(Duration.ofMillis(20), Duration.ofMillis(250))
                .start();
        int size = slices.size();
        fleet.whenView(v -> v.size() == size).get(30, TimeUnit.SECONDS);
        client = Client.open(engine, topology.core(63));
    }

    long take(Address member) {
        return client.callAndWait(member, new Take(), CALL);
    }

    long tryTake(Address member) {
        return client.callAndWait(member, new TryTake(), CALL);
    }

    void put(Address member, long element) {
        client.callAndWait(member, new Put(element), CALL);
    }

    Contents inspect(Address member) {
        return client.callAndWait(member, new Inspect(), CALL);
    }

    int localSize(Address member) {
        return inspect(member).elements().size();
    }

    /** @return each member of the current view's contents */
    Map<Address, Contents> census() {
        Map<Address, Contents> all = new HashMap<>();
        for (Address a : fleet.members()) {
            all.put(a, inspect(a));
        }
        return all;
    }

    /**
     * Waits until two censuses in a row are equal, nothing is in transit, and every partition of a
     * member no longer in the view was adopted.
     *
     * @return the stable census
     */
    Map<Address, Contents> quiescentCensus() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Map<Address, Contents> last = null;
        while (System.nanoTime() < deadline) {
            MembershipView view = fleet.view();
            Map<Address, Contents> now = census();
            boolean settled = now.values().stream().allMatch(c -> c.inTransit() == 0)
                    && directory.partitions().stream().allMatch(a -> view.contains(a) || directory.adopter(a).isPresent())
                    && view.equals(fleet.view());
            if (settled && last != null && elementsOf(now).equals(elementsOf(last))) {
                return now;
            }
            last = settled ? now : null;
            pause(20);
        }
        throw new AssertionError("the pool did not become quiescent within 30 s: " + last + ", view " + fleet.view()
                + ", adoptions " + adoptions());
    }

    private Map<Address, String> adoptions() {
        Map<Address, String> m = new HashMap<>();
        for (Address a : directory.partitions()) {
            m.put(a, directory.adopter(a).map(Address::toString).orElse("owned"));
        }
        return m;
    }

    private static Map<Address, List<Long>> elementsOf(Map<Address, Contents> census) {
        Map<Address, List<Long>> m = new HashMap<>();
        census.forEach((a, c) -> m.put(a, c.elements().stream().sorted().toList()));
        return m;
    }

    /** Polls a condition every few milliseconds until it holds or 30 s pass. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            pause(5);
        }
    }

    static void pause(long millis) throws InterruptedException {
        new CountDownLatch(1).await(millis, TimeUnit.MILLISECONDS);
    }

    static List<Long> range(long from, long to) {
        List<Long> l = new ArrayList<>();
        for (long i = from; i < to; i++) {
            l.add(i);
        }
        return l;
    }

    @Override
    public void close() {
        engine.shutdown();
    }
}
