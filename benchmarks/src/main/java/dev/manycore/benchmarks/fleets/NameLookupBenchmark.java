package dev.manycore.benchmarks.fleets;

import dev.manycore.fleets.Client;
import dev.manycore.fleets.Handlers;
import dev.manycore.fleets.Request;
import dev.manycore.fleets.Server;
import dev.manycore.fleets.ServerContext;
import dev.manycore.fleets.names.LookupPolicy;
import dev.manycore.fleets.names.NameFlags;
import dev.manycore.fleets.names.NameService;
import dev.manycore.fleets.names.NameServiceClient;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.Name;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * fos paper Figure 4: uncached name lookup throughput of the name service fleet with 1, 2, 4 and 8
 * members and a fixed set of {@value #CLIENTS} clients spread over a 4 x 4 TSAR mesh, against a
 * baseline in the same run: one plain server holding the table in a hash map (no fleet, no
 * replication), asked by the same clients. Lookups are keyed ({@code lookup(name, key)}), which the
 * client never caches, so every one is a request to the member nearest the client.
 *
 * <p>One op = one lookup; each invocation issues a burst of {@value #PER_CLIENT} lookups per client,
 * all outstanding at once, and waits for the last answer. On a host with few CPUs the engine has
 * few workers, so the curve shows the overhead per lookup more than the scaling; run it on a
 * machine with at least 16 CPUs for the Figure 4 shape.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class NameLookupBenchmark {

    static final int CLIENTS = 8;
    static final int PER_CLIENT = 256;
    static final int NAMES = 64;
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    static Topology mesh() {
        return Topology.tsar(4, 4);
    }

    static List<CoreId> clientCores(Topology t) {
        List<CoreId> cores = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            cores.add(t.coresOf(t.cluster(2 * i + 1)).get(1));
        }
        return cores;
    }

    static Name name(int i) {
        return Name.of("/bench/n" + i);
    }

    /** The name service fleet and its clients. */
    @State(Scope.Benchmark)
    public static class FleetState {
        @Param({"1", "2", "4", "8"})
        int members;

        ThreadedEngine engine;
        List<NameServiceClient> clients;

        @Setup(Level.Trial)
        public void start() throws Exception {
            Topology t = mesh();
            engine = ThreadedEngine.builder(t).build();
            engine.start();
            List<CoreId> cores = new ArrayList<>();
            for (int i = 0; i < members; i++) {
                cores.add(t.coresOf(t.cluster(i * t.clusterCount() / members)).getFirst());
            }
            NameService service = NameService.builder(engine).cores(cores).start();
            service.fleet().whenView(v -> v.size() == members).get(30, TimeUnit.SECONDS);
            clients = new ArrayList<>();
            for (CoreId c : clientCores(t)) {
                clients.add(service.client(c, "bench").withTimeouts(TIMEOUT, TIMEOUT));
            }
            for (int i = 0; i < NAMES; i++) {
                clients.getFirst().blocking().register(name(i), new Address(t.core(i % t.coreCount()), 1_000_000 + i),
                        NameFlags.serviceSet(LookupPolicy.KEY_AFFINITY));
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            engine.shutdown();
        }
    }

    /** A lookup of the baseline directory. */
    public record Find(Name name, long key) implements Request<Address> {
    }

    /** The baseline: one server, one hash map. */
    static final class Directory implements Server {
        private final Map<Name, Address> table = new HashMap<>();

        @Override
        public void start(ServerContext context, Handlers handlers) {
            handlers.on(Find.class, (f, c) -> table.get(f.name()));
            for (int i = 0; i < NAMES; i++) {
                table.put(name(i), new Address(context.topology().core(i % context.topology().coreCount()), 1_000_000 + i));
            }
        }
    }

    /** The baseline server and the same clients. */
    @State(Scope.Benchmark)
    public static class BaselineState {
        ThreadedEngine engine;
        Address directory;
        List<Client> clients;

        @Setup(Level.Trial)
        public void start() {
            Topology t = mesh();
            engine = ThreadedEngine.builder(t).build();
            engine.start();
            directory = Server.spawn(engine, t.core(0), new Directory(), 1);
            clients = new ArrayList<>();
            for (CoreId c : clientCores(t)) {
                clients.add(Client.open(engine, c));
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            engine.shutdown();
        }
    }

    @Benchmark
    @OperationsPerInvocation(CLIENTS * PER_CLIENT)
    public int fleetLookups(FleetState s) {
        List<CompletableFuture<Address>> all = new ArrayList<>(CLIENTS * PER_CLIENT);
        for (int c = 0; c < CLIENTS; c++) {
            NameServiceClient client = s.clients.get(c);
            for (int i = 0; i < PER_CLIENT; i++) {
                all.add(client.lookup(name((c * 7 + i) % NAMES), i));
            }
        }
        return join(all);
    }

    @Benchmark
    @OperationsPerInvocation(CLIENTS * PER_CLIENT)
    public int singleServerLookups(BaselineState s) {
        List<CompletableFuture<Address>> all = new ArrayList<>(CLIENTS * PER_CLIENT);
        for (int c = 0; c < CLIENTS; c++) {
            Client client = s.clients.get(c);
            for (int i = 0; i < PER_CLIENT; i++) {
                all.add(client.call(s.directory, new Find(name((c * 7 + i) % NAMES), i), TIMEOUT));
            }
        }
        return join(all);
    }

    private static int join(List<CompletableFuture<Address>> all) {
        int h = 0;
        for (CompletableFuture<Address> f : all) {
            h += f.join().mailbox();
        }
        return h;
    }
}
