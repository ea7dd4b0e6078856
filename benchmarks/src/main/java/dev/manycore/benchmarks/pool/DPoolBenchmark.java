package dev.manycore.benchmarks.pool;

import dev.manycore.fleets.Client;
import dev.manycore.fleets.Fleet;
import dev.manycore.fleets.FleetContext;
import dev.manycore.fleets.FleetServer;
import dev.manycore.fleets.Handlers;
import dev.manycore.fleets.MembershipView;
import dev.manycore.fleets.Request;
import dev.manycore.fleets.pool.DPool;
import dev.manycore.fleets.pool.DPoolConfig;
import dev.manycore.fleets.pool.DPoolDirectory;
import dev.manycore.fleets.pool.DPoolScheme;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.ThreadedEngine;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * fos report 4.8.1: a dPool under a take-then-put load whose puts go to another member than the
 * takes (so partitions drain and fill and the scheme must move elements), against a baseline in the
 * same run: one shared {@link ConcurrentLinkedQueue} pool polled and refilled by the same number of
 * client threads, the shared-memory design the dPool replaces.
 *
 * <p>One op = one element taken and put back. For the fleet, each invocation issues {@value #PER_CLIENT}
 * take requests per client, all outstanding at once, to the client's member, then puts every element
 * to the next member, and waits for the last answer. The baseline runs the same count of poll/offer
 * pairs on {@value #CLIENTS} pooled threads. On a host with few CPUs the fleet's figure is dominated by
 * message costs; the ratio, not the absolute rate, is the result.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class DPoolBenchmark {

    static final int CLIENTS = 4;
    static final int PER_CLIENT = 64;
    static final int ELEMENTS = 4096;
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** Takes an element from the member's partition (or from others, as the scheme says). */
    public record Take() implements Request<Long> {
    }

    /**
     * Puts an element back.
     *
     * @param element the element
     */
    public record Put(long element) implements Request<Boolean> {
    }

    /** A member that embeds a pool and forwards every callback. */
    static final class PoolMember implements FleetServer {
        private final DPoolDirectory<Long> directory;
        private final DPoolConfig config;
        private final List<Long> initial;
        private DPool<Long> pool;

        PoolMember(DPoolDirectory<Long> directory, DPoolConfig config, List<Long> initial) {
            this.directory = directory;
            this.config = config;
            this.initial = initial;
        }

        @Override
        public void start(FleetContext context, Handlers handlers) {
            pool = DPool.create(context, handlers, directory, config, initial);
            handlers.on(Take.class, (m, c) -> pool.take())
                    .on(Put.class, (m, c) -> {
                        pool.put(m.element());
                        return Boolean.TRUE;
                    });
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

    /** The fleet, its clients, and which member each client takes from. */
    @State(Scope.Benchmark)
    public static class FleetState {
        @Param({"1", "2", "4"})
        int members;

        @Param({"ON_DEMAND", "BULK_TRANSFER", "BACKGROUND_PULL", "BACKGROUND_PUSH", "PUSH_WITH_ESTIMATION"})
        DPoolScheme scheme;

        ThreadedEngine engine;
        List<Client> clients;
        List<Address> memberAddresses;

        @Setup(Level.Trial)
        public void start() throws Exception {
            Topology t = Topology.tsar(4, 4);
            engine = ThreadedEngine.builder(t).build();
            engine.start();
            int share = ELEMENTS / members;
            List<List<Long>> slices = new ArrayList<>();
            for (int m = 0; m < members; m++) {
                List<Long> s = new ArrayList<>();
                for (long e = (long) m * share; e < (long) (m + 1) * share; e++) {
                    s.add(e);
                }
                slices.add(s);
            }
            ConcurrentLinkedQueue<List<Long>> queue = new ConcurrentLinkedQueue<>(slices);
            DPoolDirectory<Long> directory = DPoolDirectory.create("bench");
            DPoolConfig config = DPoolConfig.builder().scheme(scheme).lowWater(64).highWater(share + 64)
                    .blockSize(64).period(Duration.ofMillis(2)).build();
            List<CoreId> cores = new ArrayList<>();
            for (int i = 0; i < members; i++) {
                cores.add(t.coresOf(t.cluster(i * t.clusterCount() / members)).getFirst());
            }
            Fleet fleet = Fleet.builder(engine, "bench-pool", () -> {
                List<Long> mine = queue.poll();
                return new PoolMember(directory, config, mine == null ? List.of() : mine);
            }).cores(cores).start();
            memberAddresses = fleet.whenView(v -> v.size() == members).get(30, TimeUnit.SECONDS).members();
            clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                clients.add(Client.open(engine, t.coresOf(t.cluster(4 * c + 1)).get(1)));
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            engine.shutdown();
        }
    }

    /** The shared pool of the baseline and the client threads that use it. */
    @State(Scope.Benchmark)
    public static class SharedQueueState {
        final ConcurrentLinkedQueue<Long> pool = new ConcurrentLinkedQueue<>();
        ExecutorService threads;

        @Setup(Level.Trial)
        public void fill() {
            for (long e = 0; e < ELEMENTS; e++) {
                pool.add(e);
            }
            threads = Executors.newFixedThreadPool(CLIENTS);
        }

        @TearDown(Level.Trial)
        public void stop() {
            threads.shutdownNow();
        }
    }

    /**
     * Ours: every client takes {@value #PER_CLIENT} elements from its member and puts them back to the next.
     *
     * @param s the fleet
     * @return the sum of the elements moved (so nothing is optimised away)
     */
    @Benchmark
    @OperationsPerInvocation(CLIENTS * PER_CLIENT)
    public long dpoolTakeThenPutElsewhere(FleetState s) {
        List<CompletableFuture<Long>> rounds = new ArrayList<>(CLIENTS);
        for (int c = 0; c < CLIENTS; c++) {
            Client client = s.clients.get(c);
            Address takeFrom = s.memberAddresses.get(c % s.members);
            Address putTo = s.memberAddresses.get((c + 1) % s.members);
            List<CompletableFuture<Long>> takes = new ArrayList<>(PER_CLIENT);
            for (int i = 0; i < PER_CLIENT; i++) {
                takes.add(client.call(takeFrom, new Take(), TIMEOUT));
            }
            rounds.add(CompletableFuture.allOf(takes.toArray(CompletableFuture[]::new)).thenCompose(x -> {
                List<CompletableFuture<Boolean>> puts = new ArrayList<>(PER_CLIENT);
                long sum = 0;
                for (CompletableFuture<Long> t : takes) {
                    long e = t.join();
                    sum += e;
                    puts.add(client.call(putTo, new Put(e), TIMEOUT));
                }
                long total = sum;
                return CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).thenApply(y -> total);
            }));
        }
        long sum = 0;
        for (CompletableFuture<Long> r : rounds) {
            sum += r.join();
        }
        return sum;
    }

    /**
     * Baseline: {@value #CLIENTS} threads each poll and offer {@value #PER_CLIENT} elements of one shared queue.
     *
     * @param s the shared pool
     * @return the sum of the elements moved
     */
    @Benchmark
    @OperationsPerInvocation(CLIENTS * PER_CLIENT)
    public long sharedQueueTakeThenPut(SharedQueueState s) throws Exception {
        List<Future<Long>> rounds = new ArrayList<>(CLIENTS);
        for (int c = 0; c < CLIENTS; c++) {
            rounds.add(s.threads.submit(() -> {
                long sum = 0;
                long[] held = new long[PER_CLIENT];
                for (int i = 0; i < PER_CLIENT; i++) {
                    held[i] = s.pool.poll();
                    sum += held[i];
                }
                for (long e : held) {
                    s.pool.offer(e);
                }
                return sum;
            }));
        }
        long sum = 0;
        for (Future<Long> r : rounds) {
            sum += r.get();
        }
        return sum;
    }
}
