package dev.manycore.examples;

import dev.manycore.fleets.Caller;
import dev.manycore.fleets.Client;
import dev.manycore.fleets.Fleet;
import dev.manycore.fleets.FleetContext;
import dev.manycore.fleets.FleetServer;
import dev.manycore.fleets.Handlers;
import dev.manycore.fleets.MembershipView;
import dev.manycore.fleets.Request;
import dev.manycore.fleets.SeededRandom;
import dev.manycore.fleets.names.FleetRegistration;
import dev.manycore.fleets.names.LookupPolicy;
import dev.manycore.fleets.names.NameFlags;
import dev.manycore.fleets.names.NameService;
import dev.manycore.fleets.names.NameServiceClient;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.Name;
import dev.manycore.messaging.ThreadedEngine;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fleet of your own (fos paper 3.2: every service is a fleet of cooperating servers): a
 * partitioned key-value store registered in the name service under {@code /apps/kv} with
 * {@link LookupPolicy#KEY_AFFINITY key affinity}, so a client's lookup with a key returns the member
 * that owns the key. The program grows the fleet from two members to four and shrinks it to three
 * while four client threads write and read their keys, and checks that every client read its own
 * last write throughout and that no key was lost.
 *
 * <p>How the members keep the data while the membership changes: every member owns the keys that
 * rendezvous hashing ({@link LookupPolicy#keyAffinityChoice}) gives it over the current view.
 * When a view is installed, each member (and a leaving member) sends every other member of the old
 * and new views a {@link Handoff} with the keys that member now owns (possibly none), and a member
 * holds back requests until it has heard from all of them for that view. A request that reaches
 * the wrong member (a client looked up before the change) is forwarded to the owner. The store is
 * not replicated: a member that crashes loses its keys (the name service shows how to replicate).
 *
 * <p>Run: {@code ./mvnw -q -pl examples -am package -DskipTests -Dtour -Dtour.main=dev.manycore.examples.CustomFleet}
 */
public final class CustomFleet {

    /** The name the fleet registers its members under. */
    static final Name NAME = Name.of("/apps/kv");

    private CustomFleet() {
    }

    /** Stores a value. */
    public record Put(String key, String value) implements Request<Stored> {
    }

    /** Reads a value. */
    public record Get(String key) implements Request<Found> {
    }

    /** How many keys a member holds. */
    public record Census() implements Request<Integer> {
    }

    /** A put was stored by {@code member}. */
    public record Stored(String key, Address member) {
    }

    /** The value of a key (null when absent) and the member that answered. */
    public record Found(String key, String value, Address member) {
    }

    /** The keys a member passes on to their new owner at a view change. */
    record Handoff(long epoch, Address from, Map<String, String> entries) {
    }

    /** Keys that reached a member after it stopped owning them, passed on outside any view change. */
    record Rehome(Map<String, String> entries) {
    }

    /**
     * @param key a key
     * @return the key the name service and the members hash with
     */
    static long affinityKey(String key) {
        return SeededRandom.mix(key.hashCode());
    }

    /** One member: its partition of the store. Confined to its server thread. */
    static final class KvMember implements FleetServer {
        private final Map<String, String> store = new HashMap<>();
        private final Set<Address> awaiting = new HashSet<>();
        private final Map<Long, List<Handoff>> early = new HashMap<>();
        private final ArrayDeque<Runnable> held = new ArrayDeque<>();
        private FleetContext ctx;
        private long epoch;

        @Override
        public void start(FleetContext context, Handlers handlers) {
            this.ctx = context;
            handlers.on(Put.class, (p, c) -> serve(p, p.key(), c))
                    .on(Get.class, (g, c) -> serve(g, g.key(), c))
                    .on(Census.class, (q, c) -> store.size())
                    .on(Handoff.class, (h, c) -> {
                        onHandoff(h);
                        return null;
                    })
                    .on(Rehome.class, (r, c) -> {
                        adopt(r.entries());
                        return null;
                    });
        }

        private Object serve(Object request, String key, Caller caller) {
            if (!awaiting.isEmpty()) {
                held.add(() -> {
                    Object reply = serve(request, key, caller);
                    if (reply != null) {
                        ctx.reply(caller, reply);
                    }
                });
                return null;
            }
            Address owner = LookupPolicy.keyAffinityChoice(ctx.view().members(), affinityKey(key));
            if (!owner.equals(ctx.address())) {
                ctx.forward(owner, request, caller);
                return null;
            }
            return switch (request) {
                case Put p -> {
                    store.put(p.key(), p.value());
                    yield new Stored(p.key(), ctx.address());
                }
                case Get g -> new Found(g.key(), store.get(g.key()), ctx.address());
                default -> throw new IllegalArgumentException("not a key-value request: " + request);
            };
        }

        @Override
        public void viewChanged(MembershipView previous, MembershipView current) {
            Set<Address> peers = new HashSet<>(previous.members());
            peers.addAll(current.members());
            peers.remove(ctx.address());
            Map<Address, Map<String, String>> moving = new HashMap<>();
            for (Address peer : peers) {
                if (current.contains(peer)) {
                    moving.put(peer, new HashMap<>());
                }
            }
            boolean stay = current.contains(ctx.address());
            store.entrySet().removeIf(e -> {
                Address owner = current.members().isEmpty() ? ctx.address()
                        : LookupPolicy.keyAffinityChoice(current.members(), affinityKey(e.getKey()));
                if (owner.equals(ctx.address())) {
                    return false;
                }
                moving.get(owner).put(e.getKey(), e.getValue());
                return true;
            });
            moving.forEach((peer, entries) -> ctx.send(peer, new Handoff(current.epoch(), ctx.address(),
                    Map.copyOf(entries))));
            if (!stay) {
                return;
            }
            epoch = current.epoch();
            awaiting.clear();
            awaiting.addAll(peers);
            awaiting.removeAll(ctx.suspected());
            List<Handoff> arrived = early.remove(epoch);
            if (arrived != null) {
                arrived.forEach(this::onHandoff);
            }
            early.keySet().removeIf(e -> e < epoch);
            releaseIfReady();
        }

        private void onHandoff(Handoff h) {
            if (h.epoch() > epoch) {
                early.computeIfAbsent(h.epoch(), e -> new ArrayList<>()).add(h);
                return;
            }
            adopt(h.entries());
            if (h.epoch() == epoch) {
                awaiting.remove(h.from());
                releaseIfReady();
            }
        }

        /** Keeps the keys this member owns and passes the others on to their owners. */
        private void adopt(Map<String, String> entries) {
            List<Address> members = ctx.view().members();
            Map<Address, Map<String, String>> elsewhere = new HashMap<>();
            if (members.isEmpty()) {
                return;
            }
            entries.forEach((k, v) -> {
                // a departed member is in none of the view's members, so it owns no key
                Address owner = LookupPolicy.keyAffinityChoice(members, affinityKey(k));
                if (owner.equals(ctx.address())) {
                    store.put(k, v);
                } else {
                    elsewhere.computeIfAbsent(owner, a -> new HashMap<>()).put(k, v);
                }
            });
            elsewhere.forEach((to, moved) -> ctx.send(to, new Rehome(Map.copyOf(moved))));
        }

        private void releaseIfReady() {
            while (awaiting.isEmpty() && !held.isEmpty()) {
                held.poll().run();
            }
        }

        @Override
        public String role() {
            return "kv";
        }
    }

    /**
     * Runs the example.
     *
     * @param args unused
     * @throws Exception if a step fails or times out
     */
    public static void main(String[] args) throws Exception {
        Topology chip = Topology.tsar(8, 8);
        Duration timeout = Duration.ofSeconds(10);
        try (ThreadedEngine engine = ThreadedEngine.builder(chip).workers(2).build()) {
            engine.start();
            NameService names = NameService.builder(engine).cores(List.of(core(chip, 4, 4, 3))).start();
            names.fleet().whenView(v -> v.size() == 1).get(30, TimeUnit.SECONDS);
            NameServiceClient apps = names.client(core(chip, 0, 0, 1), "apps");
            apps.blocking().claim(Name.of("/apps"));

            Fleet kv = Fleet.builder(engine, "kv", KvMember::new)
                    .cores(List.of(core(chip, 1, 1, 3), core(chip, 6, 6, 3))).start();
            MembershipView first = kv.whenView(v -> v.size() == 2).get(30, TimeUnit.SECONDS);
            try (FleetRegistration registration = FleetRegistration.follow(kv, NAME,
                    NameFlags.serviceSet(LookupPolicy.KEY_AFFINITY), apps)) {
                // following is asynchronous: the clients' first lookups need the members registered
                registration.whenSynced(first.epoch()).get(30, TimeUnit.SECONDS);
                System.out.println("== a key-value fleet of your own, registered as " + NAME + " (key affinity) ==");
                System.out.println("members: " + kv.members());

                AtomicBoolean stop = new AtomicBoolean();
                AtomicLong operations = new AtomicLong();
                AtomicLong forwardedOrMoved = new AtomicLong();
                List<CompletableFuture<Map<String, String>>> clients = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    CoreId at = core(chip, t * 2, 7 - t * 2, 0);
                    String prefix = "client" + t + "-";
                    clients.add(CompletableFuture.supplyAsync(() -> runClient(engine, names, at, prefix, stop,
                            operations, forwardedOrMoved, timeout), runner(t)));
                }
                waitForOperations(operations, 2_000);
                System.out.println("grow to 4 members while " + clients.size() + " clients write and read...");
                kv.grow(core(chip, 6, 1, 3)).get(30, TimeUnit.SECONDS);
                kv.grow(core(chip, 1, 6, 3)).get(30, TimeUnit.SECONDS);
                waitForOperations(operations, operations.get() + 2_000);
                System.out.println("members: " + kv.members());
                Address leaving = kv.members().get(1);
                System.out.println("shrink: " + leaving + " leaves and hands its keys to their new owners...");
                kv.shrink(leaving).get(30, TimeUnit.SECONDS);
                waitForOperations(operations, operations.get() + 2_000);
                stop.set(true);

                Map<String, String> expected = new TreeMap<>();
                for (CompletableFuture<Map<String, String>> c : clients) {
                    expected.putAll(c.get(60, TimeUnit.SECONDS));
                }
                Client checker = Client.open(engine, core(chip, 0, 0, 2));
                NameServiceClient lookups = names.client(core(chip, 0, 0, 2), "checker");
                int missing = 0;
                for (Map.Entry<String, String> e : expected.entrySet()) {
                    Address owner = lookups.blocking().lookup(NAME, affinityKey(e.getKey()));
                    Found found = checker.callAndWait(owner, new Get(e.getKey()), timeout);
                    if (!e.getValue().equals(found.value())) {
                        missing++;
                    }
                }
                System.out.println(operations.get() + " operations, every read saw the client's last write; "
                        + forwardedOrMoved.get() + " answered by a member other than the one looked up first"
                        + " (a stale lookup, forwarded)");
                System.out.println("after the changes, members " + kv.members() + " hold:");
                int total = 0;
                for (Address m : kv.members()) {
                    int keys = checker.callAndWait(m, new Census(), timeout);
                    total += keys;
                    System.out.println("  " + m + ": " + keys + " keys");
                }
                System.out.println(expected.size() + " keys written, " + total + " held, " + missing + " lost");
                if (missing != 0 || total != expected.size()) {
                    throw new IllegalStateException("the fleet lost or duplicated keys: " + missing + " missing, "
                            + total + " held of " + expected.size());
                }
            }
        }
    }

    private static java.util.concurrent.Executor runner(int t) {
        return task -> Thread.ofPlatform().daemon().name("kv-client-" + t).start(task);
    }

    /** One client thread: writes its keys and reads each back, checking read-your-writes. */
    private static Map<String, String> runClient(ThreadedEngine engine, NameService names, CoreId core, String prefix,
                                                 AtomicBoolean stop, AtomicLong operations, AtomicLong forwarded,
                                                 Duration timeout) {
        Client client = Client.open(engine, core);
        NameServiceClient.Blocking lookups = names.client(core, "reader").blocking();
        Map<String, String> last = new HashMap<>();
        for (int i = 0; !stop.get(); i++) {
            String key = prefix + (i % 64);
            String value = "v" + i;
            Address owner = lookups.lookup(NAME, affinityKey(key));
            Stored stored = client.callAndWait(owner, new Put(key, value), timeout);
            last.put(key, value);
            Found found = client.callAndWait(lookups.lookup(NAME, affinityKey(key)), new Get(key), timeout);
            if (!value.equals(found.value())) {
                throw new IllegalStateException(key + ": wrote " + value + " and read " + found.value()
                        + " from " + found.member());
            }
            if (!stored.member().equals(owner)) {
                forwarded.incrementAndGet();
            }
            operations.addAndGet(2);
        }
        return last;
    }

    private static void waitForOperations(AtomicLong operations, long target) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (operations.get() < target) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("clients made no progress: " + operations.get() + " of " + target);
            }
            Thread.sleep(20);
        }
    }

    private static CoreId core(Topology chip, int x, int y, int i) {
        return chip.coresOf(chip.clusterAt(x, y).orElseThrow()).get(i);
    }
}
