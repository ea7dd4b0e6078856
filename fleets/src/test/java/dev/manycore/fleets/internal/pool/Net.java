package dev.manycore.fleets.internal.pool;

import dev.manycore.fleets.Caller;
import dev.manycore.fleets.FleetContext;
import dev.manycore.fleets.Handlers;
import dev.manycore.fleets.LoadReport;
import dev.manycore.fleets.MembershipView;
import dev.manycore.fleets.Request;
import dev.manycore.fleets.RequestHandler;
import dev.manycore.fleets.ScheduledTimer;
import dev.manycore.fleets.SeededRandom;
import dev.manycore.fleets.ServerMetrics;
import dev.manycore.fleets.pool.DPoolConfig;
import dev.manycore.fleets.pool.DPoolDirectory;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.NameCache;
import dev.manycore.messaging.SendStatus;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * A hand-driven network of dPool partitions for protocol tests: messages wait in flight until the
 * test delivers (or drops) them, in any order; timers fire when the test advances virtual time; a
 * view is installed when the test says. Single-threaded and deterministic.
 */
final class Net {

    record Msg(Address from, Address to, Object payload) {
    }

    final Topology topology = Topology.tsar(2, 2);
    final DPoolDirectory<Long> directory = DPoolDirectory.create("p");
    final Map<Address, Node> nodes = new LinkedHashMap<>();
    final List<Msg> inFlight = new ArrayList<>();
    final List<Timer> timers = new ArrayList<>();
    MembershipView view = new MembershipView("f", 0, List.of());
    long now = 1;

    Node add(int core, DPoolConfig config, List<Long> initial) {
        Node n = new Node(new Address(topology.core(core), 1));
        nodes.put(n.address, n);
        n.pool = PoolPartition.create(n, n.handlers, directory, config, initial);
        return n;
    }

    void install(MembershipView next) {
        MembershipView before = view;
        view = next;
        for (Node n : nodes.values()) {
            if (!n.crashed) {
                n.view = next;
                n.pool.viewChanged(before, next);
            }
        }
    }

    void installAll(Node... members) {
        List<Address> list = new ArrayList<>();
        for (Node n : members) {
            list.add(n.address);
        }
        install(new MembershipView("f", view.epoch() + 1, list));
    }

    /** Delivers the first message in flight that matches; fails if none does. */
    Msg deliver(Predicate<Msg> which) {
        for (Iterator<Msg> it = inFlight.iterator(); it.hasNext(); ) {
            Msg m = it.next();
            if (which.test(m)) {
                it.remove();
                dispatch(m);
                return m;
            }
        }
        throw new AssertionError("no message in flight matches; in flight: " + inFlight);
    }

    Msg deliver(Class<?> type, Node to) {
        return deliver(m -> type.isInstance(m.payload) && m.to.equals(to.address));
    }

    /** Drops the first matching message (a crash ate it). */
    Msg drop(Class<?> type, Node to) {
        for (Iterator<Msg> it = inFlight.iterator(); it.hasNext(); ) {
            Msg m = it.next();
            if (type.isInstance(m.payload) && m.to.equals(to.address)) {
                it.remove();
                return m;
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " to " + to.address + " in flight: " + inFlight);
    }

    /** Delivers everything, including what the deliveries send, up to a bound. */
    void deliverAll() {
        for (int i = 0; i < 10_000 && !inFlight.isEmpty(); i++) {
            dispatch(inFlight.removeFirst());
        }
        if (!inFlight.isEmpty()) {
            throw new AssertionError("messages keep flowing: " + inFlight);
        }
    }

    private void dispatch(Msg m) {
        Node to = nodes.get(m.to);
        if (to == null || to.crashed) {
            return;
        }
        RequestHandler<Object> h = to.handlers.find(m.payload.getClass());
        try {
            h.handle(m.payload, new Caller(m.from, 0));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Advances virtual time, firing due timers of live nodes in order. */
    void advance(long ns) {
        long until = now + ns;
        while (true) {
            Timer next = null;
            for (Timer t : timers) {
                if (t.pending && !t.owner.crashed && t.due <= until && (next == null || t.due < next.due)) {
                    next = t;
                }
            }
            if (next == null) {
                break;
            }
            now = next.due;
            if (next.period > 0) {
                next.due += next.period;
            } else {
                next.pending = false;
            }
            next.action.run();
        }
        now = until;
    }

    final class Timer implements ScheduledTimer {
        final Node owner;
        final long period;
        final Runnable action;
        long due;
        boolean pending = true;

        Timer(Node owner, long due, long period, Runnable action) {
            this.owner = owner;
            this.due = due;
            this.period = period;
            this.action = action;
        }

        @Override
        public boolean cancel() {
            boolean was = pending;
            pending = false;
            return was;
        }

        @Override
        public boolean isPending() {
            return pending;
        }
    }

    final class Node implements FleetContext {
        final Address address;
        final Handlers handlers = new Handlers();
        PoolPartition<Long> pool;
        MembershipView view = Net.this.view;
        boolean crashed;

        Node(Address address) {
            this.address = address;
        }

        @Override
        public String fleetName() {
            return "f";
        }

        @Override
        public MembershipView view() {
            return view;
        }

        @Override
        public boolean isMember() {
            return view.contains(address);
        }

        @Override
        public boolean isCoordinator() {
            return address.equals(view.coordinator());
        }

        @Override
        public Set<Address> suspected() {
            return Set.of();
        }

        @Override
        public Map<Address, LoadReport> loads() {
            return Map.of();
        }

        @Override
        public Address address() {
            return address;
        }

        @Override
        public CoreId core() {
            return address.core();
        }

        @Override
        public ClusterId cluster() {
            return topology.clusterOf(address.core());
        }

        @Override
        public Topology topology() {
            return topology;
        }

        @Override
        public long now() {
            return now;
        }

        @Override
        public SendStatus send(Address to, Object payload) {
            inFlight.add(new Msg(address, to, payload));
            return SendStatus.DELIVERED;
        }

        @Override
        public void reply(Caller caller, Object reply) {
            throw new UnsupportedOperationException("the pool only sends one-way messages");
        }

        @Override
        public void replyError(Caller caller, Throwable failure) {
            throw new UnsupportedOperationException("the pool only sends one-way messages");
        }

        @Override
        public void forward(Address to, Object request, Caller caller) {
            throw new UnsupportedOperationException("the pool forwards nothing");
        }

        @Override
        public <R> CompletionStage<R> call(Address to, Request<R> request, java.time.Duration timeout) {
            throw new UnsupportedOperationException("the pool makes no calls");
        }

        @Override
        public CompletionStage<Object> callUntyped(Address to, Object request, long timeoutNs) {
            throw new UnsupportedOperationException("the pool makes no calls");
        }

        @Override
        public ScheduledTimer schedule(long delayNs, Runnable action) {
            Timer t = new Timer(this, now + delayNs, 0, action);
            timers.add(t);
            return t;
        }

        @Override
        public ScheduledTimer every(long periodNs, Runnable action) {
            Timer t = new Timer(this, now + periodNs, periodNs, action);
            timers.add(t);
            return t;
        }

        @Override
        public Executor executor() {
            return Runnable::run;
        }

        @Override
        public SeededRandom random() {
            return new SeededRandom(1);
        }

        @Override
        public ServerMetrics metrics() {
            return new ServerMetrics();
        }

        @Override
        public Logger logger() {
            return LoggerFactory.getLogger("pool-test");
        }

        @Override
        public NameCache nameCache() {
            return null;
        }
    }
}
