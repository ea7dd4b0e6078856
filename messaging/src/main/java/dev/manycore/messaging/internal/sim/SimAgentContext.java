package dev.manycore.messaging.internal.sim;

import dev.manycore.messaging.Address;
import dev.manycore.messaging.Agent;
import dev.manycore.messaging.AgentContext;
import dev.manycore.messaging.AgentFactory;
import dev.manycore.messaging.MessageHandler;
import dev.manycore.messaging.Name;
import dev.manycore.messaging.NameCache;
import dev.manycore.messaging.SendStatus;
import dev.manycore.messaging.internal.NameRouting;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;

import java.util.Arrays;

/**
 * One agent of the simulation and its {@link AgentContext}: the agent's state (new, live, crashed,
 * closed), its mailbox (a queue of message slots that arrived, and a count of slots reserved by
 * accepted messages still in flight), its virtual clock during a duty cycle, its wake-up request and
 * its routes. The same contract as the threaded engine's context; what differs is time:
 * {@link #now()} is the agent's own virtual time, which starts at the beginning of its duty cycle
 * and advances with every send ({@code sendNanos}) and every message handed over (its service time).
 *
 * <p>Confined to the simulation's host thread.
 */
final class SimAgentContext implements AgentContext {

    static final int NEW = 0;
    static final int LIVE = 1;
    static final int CRASHED = 2;
    static final int CLOSED = 3;

    final Simulation sim;
    final int index;
    final Address address;
    final int coreIndex;
    final int cluster;
    final int capacity;
    final NameCache nameCache;
    final AgentFactory factory;
    Agent agent;
    int state = NEW;

    /**
     * Arrived messages, oldest first: slots of the simulation's message table, linked through the
     * table (no array of the agent's own to touch on a delivery); -1 when none.
     */
    int queueHead = -1;
    int queueTail = -1;
    int queueSize;
    /** Mailbox slots taken: messages accepted through the mailbox and not yet received. */
    int reserved;
    /** Depth of active {@code HoldMailboxFull} faults. */
    int heldFull;

    /** The earliest wake-up requested and not yet passed, or MAX_VALUE. */
    long wakeAt = Long.MAX_VALUE;
    /** The agent's virtual time during its duty cycle. */
    long local;
    /** True while the agent's last duty cycle reported work. */
    boolean busy;

    private final RouteTable routes = new RouteTable();
    private Address lastTo;
    private SimRoute lastRoute;
    private Class<?> lastServiceClass;
    private ServiceTimes.Cost lastServiceCost;
    private long lastClassCode;

    SimAgentContext(Simulation sim, int index, Address address, int cluster, int capacity, NameCache nameCache,
                    AgentFactory factory) {
        this.sim = sim;
        this.index = index;
        this.address = address;
        this.coreIndex = address.core().index();
        this.cluster = cluster;
        this.capacity = capacity;
        this.nameCache = nameCache;
        this.factory = factory;
    }

    // ---------------------------------------------------------------- mailbox queue

    /** Appends an arrived message to the mailbox queue. */
    void enqueue(int message, MessageTable messages) {
        if (queueSize == 0) {
            queueHead = message;
        } else {
            messages.setNext(queueTail, message);
        }
        queueTail = message;
        queueSize++;
    }

    /** @return the oldest arrived message, taken off the mailbox queue; only when there is one */
    int dequeue(MessageTable messages) {
        int m = queueHead;
        if (--queueSize == 0) {
            queueHead = -1;
            queueTail = -1;
        } else {
            queueHead = messages.next(m);
        }
        return m;
    }

    long serviceNanos(Object payload) {
        Class<?> type = payload.getClass();
        if (type != lastServiceClass) {
            lastServiceCost = sim.serviceTimes.costOf(type);
            lastClassCode = TraceHash.of(type);
            lastServiceClass = type;
        }
        return lastServiceCost.of(payload);
    }

    /** @return the trace code of the class of the payload last given to {@link #serviceNanos} */
    long lastClassCode() {
        return lastClassCode;
    }

    // ---------------------------------------------------------------- AgentContext

    @Override
    public Address address() {
        return address;
    }

    @Override
    public CoreId core() {
        return address.core();
    }

    @Override
    public Topology topology() {
        return sim.topology;
    }

    @Override
    public long now() {
        return sim.scheduler.timeOf(this);
    }

    @Override
    public SendStatus send(Address to, Object payload, long correlationId) {
        SimRoute route = to == lastTo ? lastRoute : routes.get(to);
        if (route == null) {
            route = newRoute(to);
            if (route == null) {
                sim.ledger.refusedClosed++;
                return SendStatus.CLOSED;
            }
        }
        lastTo = to;
        lastRoute = route;
        SendStatus status = sim.delivery.send(this, route, payload, correlationId);
        if (status == SendStatus.CLOSED && route.destination.state >= CRASHED) {
            // the mailbox is gone for good; a partition's CLOSED keeps the route and its arrival order
            forget(to, route);
        }
        return status;
    }

    @Override
    public SendStatus send(Name to, Object payload, long correlationId) {
        return NameRouting.send(this, nameCache, sim.resolver, to, payload, correlationId);
    }

    @Override
    public int receive(MessageHandler<Object> handler, int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit " + limit + " is not positive: a receive takes at least 1 message");
        }
        sim.scheduler.checkInCycle(this, "receive");
        return sim.delivery.receive(this, handler, limit);
    }

    @Override
    public SendStatus openChannel(Address to) {
        if (to.equals(address)) {
            throw new IllegalArgumentException("channel from " + address + " to itself: a channel joins two different endpoints");
        }
        SimRoute route = routes.get(to);
        if (route == null) {
            route = newRoute(to);
            if (route == null) {
                return SendStatus.CLOSED;
            }
        }
        if (route.channelOpen) {
            throw new IllegalStateException("a channel from " + address + " to " + to
                    + " is already open: open a channel once, close it before opening it again");
        }
        SendStatus status = sim.delivery.admit(this, route, false);
        if (status == SendStatus.DELIVERED) {
            route.channelOpen = true;
        }
        return status;
    }

    @Override
    public void closeChannel(Address to) {
        SimRoute route = routes.get(to);
        if (route == null || !route.channelOpen) {
            throw new IllegalStateException("no channel from " + address + " to " + to + " is open: close only an open channel");
        }
        route.channelOpen = false;
    }

    @Override
    public void wakeAt(long time) {
        if (time < wakeAt) {
            wakeAt = time;
        }
        sim.scheduler.wakeRequested(this, time);
    }

    @Override
    public NameCache nameCache() {
        return nameCache;
    }

    private SimRoute newRoute(Address to) {
        SimAgentContext destination = sim.agentAt(to);
        if (destination == null || destination.state >= CRASHED) {
            return null;
        }
        SimRoute route = new SimRoute(destination, sim.topology.distance(sim.topology.cluster(cluster),
                sim.topology.cluster(destination.cluster)), destination.cluster);
        routes.put(route);
        return route;
    }

    private void forget(Address to, SimRoute route) {
        route.channelOpen = false;
        routes.remove(to);
        lastTo = null;
        lastRoute = null;
    }

    @Override
    public String toString() {
        return "SimAgentContext[" + address + (agent == null ? "" : ", " + agent.roleName()) + ", "
                + new String[] {"new", "live", "crashed", "closed"}[state] + "]";
    }

    static int[] grow(int[] a) {
        return Arrays.copyOf(a, a.length * 2);
    }
}
