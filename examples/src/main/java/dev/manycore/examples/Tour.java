package dev.manycore.examples;

import dev.manycore.dqdt.Dqdt;
import dev.manycore.fleets.MembershipView;
import dev.manycore.fleets.names.NameFlags;
import dev.manycore.fleets.names.NameService;
import dev.manycore.fleets.names.NameServiceClient;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.Name;
import dev.manycore.messaging.Agent;
import dev.manycore.messaging.AgentContext;
import dev.manycore.messaging.MessageHandler;
import dev.manycore.messaging.SendStatus;
import dev.manycore.messaging.ThreadedEngine;
import dev.manycore.messaging.TrafficSnapshot;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.CostModel;
import dev.manycore.numa.MeshPosition;
import dev.manycore.numa.Topology;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The tour that the README runs first: what a 1024-core TSAR-like chip looks like to manycore, what
 * a message between its clusters costs, how the DQDT places threads and finds memory near their
 * origin, real messages between agents on the threaded engine with their traffic accounted by
 * hop distance, and the replicated name service fleet.
 */
public final class Tour {

    /** A request that an echo agent answers. */
    public record Ping(int n) {
    }

    /** The answer to a {@link Ping}. */
    public record Pong(int n) {
    }

    private Tour() {
    }

    /**
     * @param args ignored
     * @throws Exception if the engine part fails or times out
     */
    public static void main(String[] args) throws Exception {
        Topology chip = Topology.tsar();
        machine(chip);
        decisions(chip);
        messages(chip);
        names(chip);
    }

    private static void machine(Topology chip) {
        System.out.println("== 1. the machine ==");
        System.out.print(chip.describe());
        CostModel cost = CostModel.tsar();
        ClusterId corner = chip.clusterAt(0, 0).orElseThrow();
        System.out.println();
        System.out.println("From " + corner + " at " + chip.position(corner) + ", a 64-byte message costs:");
        for (int[] xy : new int[][] {{0, 0}, {1, 0}, {1, 1}, {4, 3}, {8, 8}, {15, 15}}) {
            ClusterId to = chip.clusterAt(xy[0], xy[1]).orElseThrow();
            System.out.printf("  to %-11s at %-8s %2d hops  %4d ns  %7.1f pJ%n", to, new MeshPosition(xy[0], xy[1]),
                    chip.distance(corner, to), cost.messageLatency(corner, to, 64), cost.messageEnergy(corner, to, 64));
        }
        System.out.println();
        System.out.println("A socket machine for comparison:");
        System.out.print(Topology.opteron64().describe());
        System.out.println();
        System.out.println("This host:");
        System.out.print(Topology.host().describe());
    }

    private static void decisions(Topology chip) {
        System.out.println();
        System.out.println("== 2. the DQDT decides where threads run and where memory comes from ==");
        Dqdt dqdt = Dqdt.of(chip);
        System.out.println(dqdt.shape().levelCount() + " levels over " + chip.clusterCount() + " clusters");
        ClusterId origin = chip.clusterAt(5, 5).orElseThrow();
        System.out.println("Placing 20 threads started from " + origin + " at " + chip.position(origin)
                + " (4 cores per cluster):");
        StringBuilder where = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            CoreId core = dqdt.placeThread(origin).orElseThrow();
            ClusterId c = chip.clusterOf(core);
            where.append(String.format("  thread %2d -> %-8s in %-10s at %-8s %d hops%n", i, core, c, chip.position(c),
                    chip.distance(origin, c)));
        }
        System.out.print(where);
        System.out.println("Nearest clusters fill first, ring by ring: the first 16 threads stay in the 2 x 2 block of "
                + origin + ".");
        Optional<ClusterId> memory = dqdt.findMemory(origin, 4, 16);
        System.out.println("Memory for 16 pages in one order-4 block, near " + origin + ": " + memory.map(
                m -> m + " at " + chip.position(m) + ", " + chip.distance(origin, m) + " hops").orElse("none"));
        System.out.println("Processes spread over the chip (seeded ties): " + Arrays.toString(new Object[] {
            dqdt.placeProcess().map(chip::clusterOf).orElseThrow(), dqdt.placeProcess().map(chip::clusterOf).orElseThrow(),
            dqdt.placeProcess().map(chip::clusterOf).orElseThrow(), dqdt.placeProcess().map(chip::clusterOf).orElseThrow()}));
    }

    private static void messages(Topology chip) throws Exception {
        System.out.println();
        System.out.println("== 3. messages between agents on the threaded engine ==");
        int rounds = 20_000;
        try (ThreadedEngine engine = ThreadedEngine.builder(chip).workers(2).costModel(CostModel.tsar()).build()) {
            Address near = engine.spawn(chip.coresOf(chip.clusterAt(0, 0).orElseThrow()).get(1), Echo::new);
            Address far = engine.spawn(chip.coresOf(chip.clusterAt(15, 15).orElseThrow()).get(0), Echo::new);
            CompletableFuture<Long> done = new CompletableFuture<>();
            engine.spawn(chip.coresOf(chip.clusterAt(0, 0).orElseThrow()).get(0),
                    ctx -> new Pinger(ctx, new Address[] {near, far}, rounds, done));
            engine.start();
            long matched = done.get(60, TimeUnit.SECONDS);
            TrafficSnapshot traffic = engine.traffic();
            System.out.println(matched + " round trips from core0: to an echo in the same cluster and to one 30 hops away");
            System.out.println("messages " + traffic.messages() + ", bytes " + traffic.bytes() + ", hop-bytes "
                    + traffic.hopBytes() + ", locality " + String.format("%.2f", traffic.localityRatio())
                    + ", energy " + String.format("%.1f nJ", traffic.energyPicojoules() / 1000));
            long[] byHops = traffic.messagesByHops();
            for (int h = 0; h < byHops.length; h++) {
                if (byHops[h] > 0) {
                    System.out.println("  " + h + " hops: " + byHops[h] + " messages");
                }
            }
        }
    }

    private static void names(Topology chip) throws Exception {
        System.out.println();
        System.out.println("== 4. the name service: a fleet of 4 replicated servers ==");
        try (ThreadedEngine engine = ThreadedEngine.builder(chip).workers(2).build()) {
            engine.start();
            List<CoreId> corners = List.of(firstCore(chip, 0, 0), firstCore(chip, 15, 0), firstCore(chip, 0, 15),
                    firstCore(chip, 15, 15));
            NameService service = NameService.builder(engine).cores(corners).start();
            MembershipView view = service.fleet().whenView(v -> v.size() == 4).get(60, TimeUnit.SECONDS);
            System.out.println("members on the four corner clusters, view " + view);
            NameServiceClient.Blocking alice = service.client(chip.coresOf(chip.clusterAt(1, 1).orElseThrow()).get(1),
                    "alice").blocking();
            NameServiceClient.Blocking bob = service.client(chip.coresOf(chip.clusterAt(14, 14).orElseThrow()).get(1),
                    "bob").blocking();
            Address db = new Address(firstCore(chip, 7, 7), 1_000);
            Address dbMoved = new Address(firstCore(chip, 12, 3), 1_000);
            Name name = Name.of("/apps/db");
            alice.register(name, db, NameFlags.single());
            System.out.println("alice (near (0, 0)) registered " + name + " -> " + db
                    + " through two-phase commit on every replica");
            System.out.println("bob (near (15, 15)) looks it up from his nearest replica: " + bob.lookup(name));
            alice.move(name, db, dbMoved);
            System.out.println("after a move, bob sees " + bob.lookup(name) + "; the old address redirects to "
                    + bob.followMove(db));
            try {
                bob.register(Name.of("/sys/mine"), dbMoved, NameFlags.single());
            } catch (RuntimeException e) {
                System.out.println("bob may not register inside /sys: " + e.getClass().getSimpleName() + ": "
                        + e.getMessage());
            }
        }
    }

    private static CoreId firstCore(Topology chip, int x, int y) {
        return chip.coresOf(chip.clusterAt(x, y).orElseThrow()).get(0);
    }

    /** Answers every Ping with a Pong to its sender, with the same correlation id. */
    private static final class Echo implements Agent {
        private final AgentContext ctx;
        private final MessageHandler<Object> handler;

        Echo(AgentContext ctx) {
            this.ctx = ctx;
            this.handler = e -> {
                if (e.payload() instanceof Ping p && ctx.send(e.sender(), new Pong(p.n()), e.correlationId())
                        != SendStatus.DELIVERED) {
                    throw new IllegalStateException("echo could not reply to " + e.sender());
                }
            };
        }

        @Override
        public int doWork() {
            return ctx.receive(handler, 64);
        }
    }

    /** Alternates one ping at a time between its peers and completes with the number of pongs. */
    private static final class Pinger implements Agent {
        private final AgentContext ctx;
        private final Address[] peers;
        private final int rounds;
        private final CompletableFuture<Long> done;
        private final MessageHandler<Object> handler;
        private long matched;
        private int sent;
        private boolean waiting;

        Pinger(AgentContext ctx, Address[] peers, int rounds, CompletableFuture<Long> done) {
            this.ctx = ctx;
            this.peers = peers;
            this.rounds = rounds;
            this.done = done;
            this.handler = e -> {
                if (e.payload() instanceof Pong p && p.n() == sent - 1) {
                    matched++;
                    waiting = false;
                }
            };
        }

        @Override
        public int doWork() {
            int work = ctx.receive(handler, 16);
            if (!waiting && sent < rounds) {
                if (ctx.send(peers[sent % peers.length], new Ping(sent), sent) == SendStatus.DELIVERED) {
                    sent++;
                    waiting = true;
                }
                work++;
            } else if (!waiting && !done.isDone()) {
                done.complete(matched);
            }
            return work;
        }
    }
}
