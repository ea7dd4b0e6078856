package dev.manycore.messaging.internal;

import dev.manycore.messaging.Address;
import dev.manycore.messaging.Agent;
import dev.manycore.messaging.AgentContext;
import dev.manycore.messaging.Clock;
import dev.manycore.messaging.Endpoint;
import dev.manycore.messaging.Envelope;
import dev.manycore.messaging.Mailbox;
import dev.manycore.messaging.MessageHandler;
import dev.manycore.messaging.Name;
import dev.manycore.messaging.NameCache;
import dev.manycore.messaging.NameInvalidation;
import dev.manycore.messaging.NameResolver;
import dev.manycore.messaging.SendStatus;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * The threaded engine's {@link AgentContext}: one agent's endpoint, its cached routes, and the
 * services of its worker (clock, traffic stripe, the core's name cache, wake-up requests).
 *
 * <p>Send path, steady state: route lookup (a one-entry cache by address identity, then a private
 * hash map), the endpoint's send (mailbox or channel), and on DELIVERED three opaque counter
 * updates in the worker's own stripe. A route miss asks the engine's {@link Directory} for the
 * mailbox and grants this agent a right to it. Envelopes are stamped with the worker's duty-cycle
 * time (one clock read per cycle that sends, at its first send, not per message); {@link #now()}
 * reads the clock afresh.
 *
 * <p>Thread-safety: confined to the worker thread that runs the agent.
 */
public final class ThreadedAgentContext implements AgentContext {

    private static final Logger LOG = LoggerFactory.getLogger(ThreadedAgentContext.class);

    private final Worker worker;
    private final Topology topology;
    private final Clock clock;
    private final Directory directory;
    private final NameResolver resolver;
    private final NameCache nameCache;
    private final Endpoint endpoint;
    private final int cluster;
    private final Map<Address, Route> routes = new HashMap<>();
    private final MessageHandler<Object> dispatch = this::dispatch;
    private MessageHandler<Object> userHandler;
    private int invalidationsApplied;
    private Address lastTo;
    private Route lastRoute;
    private Agent agent;

    /**
     * @param worker    the worker that runs the agent
     * @param topology  the machine
     * @param clock     the engine's clock
     * @param directory the engine's live mailboxes
     * @param resolver  the name resolver
     * @param nameCache the cache of the agent's core
     * @param endpoint  the agent's endpoint, its mailbox already handed to the worker's thread
     */
    public ThreadedAgentContext(Worker worker, Topology topology, Clock clock, Directory directory,
                                NameResolver resolver, NameCache nameCache, Endpoint endpoint) {
        this.worker = worker;
        this.topology = topology;
        this.clock = clock;
        this.directory = directory;
        this.resolver = resolver;
        this.nameCache = nameCache;
        this.endpoint = endpoint;
        this.cluster = topology.clusterOf(endpoint.address().core()).index();
    }

    /**
     * Worker thread: binds the agent and adds it to the worker's duty cycle.
     *
     * @param agent the agent the factory made for this context
     */
    public void start(Agent agent) {
        this.agent = agent;
        worker.add(this);
    }

    /** @return the agent's endpoint */
    public Endpoint endpoint() {
        return endpoint;
    }

    int runDutyCycle() {
        try {
            return agent.doWork();
        } catch (RuntimeException e) {
            LOG.error("agent {} at {} failed in doWork; it stays scheduled", agent.roleName(), address(), e);
            return 1;
        }
    }

    void closeAgent() {
        try {
            agent.onClose();
        } catch (RuntimeException e) {
            LOG.error("agent {} at {} failed in onClose", agent.roleName(), address(), e);
        }
    }

    boolean hasInput() {
        return endpoint.hasInput();
    }

    @Override
    public Address address() {
        return endpoint.address();
    }

    @Override
    public CoreId core() {
        return endpoint.address().core();
    }

    @Override
    public Topology topology() {
        return topology;
    }

    @Override
    public long now() {
        return clock.nanos();
    }

    @Override
    public SendStatus send(Address to, Object payload, long correlationId) {
        Route route = to == lastTo ? lastRoute : routes.get(to);
        if (route == null) {
            route = newRoute(to);
            if (route == null) {
                return SendStatus.CLOSED;
            }
        }
        lastTo = to;
        lastRoute = route;
        SendStatus status = endpoint.send(route.right(), payload, correlationId, worker.cycleTime());
        if (status == SendStatus.DELIVERED) {
            worker.stripe().record(cluster, route.toCluster(), route.right().hops(), route.bytes(payload));
        } else if (status == SendStatus.CLOSED) {
            forget(to, route);
        }
        return status;
    }

    @Override
    public SendStatus send(Name to, Object payload, long correlationId) {
        return NameRouting.send(this, nameCache, resolver, to, payload, correlationId);
    }

    @Override
    public int receive(MessageHandler<Object> handler, int limit) {
        userHandler = handler;
        invalidationsApplied = 0;
        try {
            return endpoint.receive(dispatch, limit) - invalidationsApplied;
        } finally {
            userHandler = null;
        }
    }

    private void dispatch(Envelope<Object> envelope) {
        if (envelope.payload() instanceof NameInvalidation invalidation) {
            nameCache.invalidate(invalidation.name(), invalidation.version());
            invalidationsApplied++;
            return;
        }
        userHandler.onMessage(envelope);
    }

    @Override
    public SendStatus openChannel(Address to) {
        Route route = routes.get(to);
        if (route == null) {
            route = newRoute(to);
            if (route == null) {
                return SendStatus.CLOSED;
            }
        }
        return endpoint.openChannel(route.right(), worker.cycleTime());
    }

    @Override
    public void closeChannel(Address to) {
        Route route = routes.get(to);
        if (route == null || !endpoint.hasChannelTo(to)) {
            throw new IllegalStateException("no channel from " + address() + " to " + to + " is open: close only an open channel");
        }
        endpoint.closeChannel(route.right());
    }

    @Override
    public void wakeAt(long time) {
        worker.requestWakeUp(time);
    }

    @Override
    public NameCache nameCache() {
        return nameCache;
    }

    private Route newRoute(Address to) {
        Mailbox<Object> mailbox = directory.lookup(to);
        if (mailbox == null) {
            return null;
        }
        Route route = new Route(mailbox.grant(address()), topology.clusterOf(to.core()).index());
        routes.put(to, route);
        return route;
    }

    private void forget(Address to, Route route) {
        if (endpoint.hasChannelTo(to)) {
            endpoint.closeChannel(route.right());
        }
        routes.remove(to);
        lastTo = null;
        lastRoute = null;
    }

    @Override
    public String toString() {
        return "AgentContext[" + address() + (agent == null ? "" : ", " + agent.roleName()) + "]";
    }
}
