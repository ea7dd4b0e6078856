package dev.manycore.messaging.internal.sim;

import dev.manycore.messaging.Address;
import dev.manycore.messaging.Envelope;
import dev.manycore.messaging.MessageHandler;
import dev.manycore.messaging.NameInvalidation;
import dev.manycore.messaging.SendStatus;
import dev.manycore.messaging.internal.PayloadCheck;
import dev.manycore.messaging.internal.PayloadSize;
import dev.manycore.numa.CostModel;
import dev.manycore.numa.Topology;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The simulated network and mailboxes: a message's way from an accepted send to its hand-over
 * (ARCHITECTURE.md, "delivery time = send time + cost model (hops, bytes) + queueing at the
 * receiver").
 *
 * <pre>
 *   send / inject   admit (capacity, crash, partition) -&gt; MessageTable slot -&gt; DELIVER event at arrival
 *   deliver         the slot joins the receiver's mailbox queue; the receiver is scheduled
 *   receive         the slot is freed, the service time added to the receiver's clock, the hand-over
 *                   folded into the trace hash, the handler called with the receiver's envelope view
 *                   (one per simulation, over its {@link HandOver}: a hand-over allocates nothing)
 * </pre>
 *
 * <p>A send at agent time {@code s} arrives at {@code s + latency(hops, bytes) + link delay}, never
 * before an earlier message of the same route (per-sender order). A send reserves a slot in the
 * receiver's mailbox (or in the route's channel) when it is accepted, so FULL is decided at send
 * time, like credit-based flow control in a NoC, and an accepted message is never refused at
 * arrival: DELIVERED keeps its meaning ("received exactly once unless the mailbox closes first").
 * Link delays and partitions live in {@link NetworkFaults}.
 *
 * <p>Not thread-safe: owned by the simulation's host thread.
 */
final class Delivery {

    private final Simulation sim;
    private final Ledger ledger;
    private final EventWheel queue;
    private final Topology topology;
    private final CostModel costModel;
    private final int channelCapacity;
    private final boolean checked;
    private final long sendNanos;
    private final double channelFixedNanos;
    final MessageTable messages = new MessageTable(Integer.MAX_VALUE >>> Simulation.KIND_BITS);
    final NetworkFaults network;
    private final Map<InjectOrigin, Long> injectArrivals = new HashMap<>();

    Delivery(Simulation sim, int channelCapacity, boolean checked, long sendNanos, double channelFixedNanos) {
        this.sim = sim;
        this.ledger = sim.ledger;
        this.queue = sim.queue;
        this.topology = sim.topology;
        this.costModel = sim.costModel;
        this.channelCapacity = channelCapacity;
        this.checked = checked;
        this.sendNanos = sendNanos;
        this.channelFixedNanos = channelFixedNanos;
        this.network = new NetworkFaults(topology.clusterCount());
    }

    long mailboxLatency(int hops, int bytes) {
        return costModel.messageLatency(hops, bytes);
    }

    long channelLatency(int hops, int bytes) {
        return Math.round(channelFixedNanos + hops * costModel.perHopNanos() + bytes * costModel.perByteNanos());
    }

    /**
     * Checks whether a message may be accepted on a route now and, when {@code reserve}, takes its slot.
     *
     * @return DELIVERED when accepted (or admissible), else FULL or CLOSED
     */
    SendStatus admit(SimAgentContext from, SimRoute route, boolean reserve) {
        SimAgentContext d = route.destination;
        if (d.state >= SimAgentContext.CRASHED) {
            ledger.refusedClosed++;
            return SendStatus.CLOSED;
        }
        if (network.cuts > 0 && network.cutEnd(from.cluster, d.cluster) >= 0) {
            ledger.refusedClosed++;
            return SendStatus.CLOSED;
        }
        if (d.heldFull > 0) {
            ledger.refusedFull++;
            return SendStatus.FULL;
        }
        if (route.channelOpen) {
            if (route.channelUsed >= channelCapacity) {
                ledger.refusedFull++;
                return SendStatus.FULL;
            }
            if (reserve) {
                route.channelUsed++;
            }
        } else {
            if (d.reserved >= d.capacity) {
                ledger.refusedFull++;
                return SendStatus.FULL;
            }
            if (reserve) {
                d.reserved++;
            }
        }
        return SendStatus.DELIVERED;
    }

    /** A send from an agent, at its clock, which it advances by the send time when accepted. */
    SendStatus send(SimAgentContext from, SimRoute route, Object payload, long correlationId) {
        if (payload == null) {
            throw new NullPointerException("payload is null: every message to " + route.destination.address
                    + " carries a payload");
        }
        if (checked && payload.getClass() != route.checkedClass) {
            PayloadCheck.requireImmutable(payload);
            route.checkedClass = payload.getClass();
        }
        SendStatus status = admit(from, route, true);
        if (status != SendStatus.DELIVERED) {
            return status;
        }
        long sendTime = sim.scheduler.timeOf(from);
        int bytes = route.size(payload, this);
        long arrival = sendTime + (route.channelOpen ? route.channelLatency() : route.mailboxLatency());
        if (network.linkDelays > 0) {
            arrival += network.extra(from.cluster, route.toCluster);
        }
        if (arrival < route.lastArrival) {
            arrival = route.lastArrival;
        }
        route.lastArrival = arrival;
        int m = messages.add(payload, from.address, correlationId, sendTime, route.destination.index,
                from.cluster << 12 | route.hops, route.channelOpen ? route : null);
        queue.push(arrival, m << Simulation.KIND_BITS | Simulation.DELIVER);
        ledger.inFlight++;
        ledger.sent++;
        ledger.stripe().record(from.cluster, route.toCluster, route.hops, bytes);
        from.local = sendTime + sendNanos;
        return SendStatus.DELIVERED;
    }

    /**
     * Sends from the edge of the system at the current time, as if {@code from} sent it; not counted
     * as traffic. Per-sender order holds per (from, to) pair.
     *
     * @return DELIVERED, FULL or CLOSED
     */
    SendStatus inject(Address from, Address to, Object payload, long correlationId) {
        Objects.requireNonNull(from, "from is null");
        Objects.requireNonNull(to, "to is null");
        if (payload == null) {
            throw new NullPointerException("payload is null: every message to " + to + " carries a payload");
        }
        int fromCluster = topology.clusterOf(from.core()).index();
        SimAgentContext d = sim.agentAt(to);
        if (d == null || d.state >= SimAgentContext.CRASHED
                || (network.cuts > 0 && network.cutEnd(fromCluster, d.cluster) >= 0)) {
            ledger.refusedClosed++;
            return SendStatus.CLOSED;
        }
        if (checked) {
            PayloadCheck.requireImmutable(payload);
        }
        if (d.heldFull > 0 || d.reserved >= d.capacity) {
            ledger.refusedFull++;
            return SendStatus.FULL;
        }
        d.reserved++;
        long now = sim.now;
        int hops = topology.distance(topology.cluster(fromCluster), topology.cluster(d.cluster));
        long arrival = now + costModel.messageLatency(hops, PayloadSize.bytes(payload));
        if (network.linkDelays > 0) {
            arrival += network.extra(fromCluster, d.cluster);
        }
        InjectOrigin origin = new InjectOrigin(from, d.index);
        Long last = injectArrivals.get(origin);
        if (last != null && arrival < last) {
            arrival = last;
        }
        injectArrivals.put(origin, arrival);
        int m = messages.add(payload, from, correlationId, now, d.index, fromCluster << 12 | hops, null);
        queue.push(arrival, m << Simulation.KIND_BITS | Simulation.DELIVER);
        ledger.inFlight++;
        ledger.sent++;
        return SendStatus.DELIVERED;
    }

    private record InjectOrigin(Address from, int to) {
    }

    /** A DELIVER event at {@code t}: message {@code m} reaches its receiver's mailbox queue. */
    void deliver(int m, long t) {
        ledger.inFlight--;
        SimAgentContext a = sim.agent(messages.to(m));
        if (a.state >= SimAgentContext.CRASHED) {
            ledger.lose(a.address, 1);
            messages.free(m);
            return;
        }
        if (network.cuts > 0) {
            long heal = network.cutEnd(messages.fromCluster(m), a.cluster);
            if (heal >= 0) {
                if (messages.markHeld(m)) {
                    ledger.heldByPartition++;
                }
                queue.push(heal, m << Simulation.KIND_BITS | Simulation.DELIVER);
                ledger.inFlight++;
                return;
            }
        }
        a.enqueue(m, messages);
        ledger.queued++;
        if (a.state == SimAgentContext.LIVE) {
            AgentScheduler scheduler = sim.scheduler;
            long start = Math.max(t, scheduler.coreFree(a.coreIndex));
            if (start == t && sim.wouldRunNext(t)) {
                // the receiver's run would be the very next event: run it here. Any entry it has in the
                // run queue is a later wake-up, which its cycle re-derives from wakeAt.
                queue.removeRun(a.index);
                if (scheduler.run(a, t)) {
                    ledger.events++;
                }
            } else {
                scheduler.schedule(a, start);
            }
        }
    }

    /** Hands up to {@code limit} queued messages of agent {@code a} to {@code handler}, in its cycle. */
    int receive(SimAgentContext a, MessageHandler<Object> handler, int limit) {
        HandOver current = sim.handOver;
        Envelope<Object> view = sim.view;
        int n = 0;
        while (n < limit && a.queueSize > 0) {
            int m = a.dequeue(messages);
            ledger.queued--;
            MessageTable t = messages;
            Object payload = t.payload(m);
            SimRoute channel = t.channel(m);
            if (channel != null) {
                channel.channelUsed--;
            } else {
                a.reserved--;
            }
            Address sender = t.sender(m);
            long correlation = t.correlation(m);
            long sendTime = t.sendTime(m);
            int hops = t.hops(m);
            t.free(m);
            if (payload instanceof NameInvalidation invalidation) {
                a.nameCache.invalidate(invalidation.name(), invalidation.version());
                continue;
            }
            a.local += a.serviceNanos(payload);
            ledger.received++;
            ledger.handOver(a.local, sender, a.index, a.lastClassCode(), correlation);
            n++;
            current.set(sender, a.address, correlation, payload, sendTime, hops);
            handler.onMessage(view);
        }
        return n;
    }

    /**
     * Frees an agent's queued messages (it stopped, or the engine shuts down).
     *
     * @return how many were queued
     */
    int discardQueue(SimAgentContext a) {
        int discarded = a.queueSize;
        while (a.queueSize > 0) {
            messages.free(a.dequeue(messages));
        }
        ledger.queued -= discarded;
        return discarded;
    }

    /**
     * A message still in flight at shutdown: counted as lost when its receiver crashed, else as
     * undelivered to its receiver.
     */
    void abandon(int m, Map<Address, Long> undelivered) {
        SimAgentContext a = sim.agent(messages.to(m));
        ledger.inFlight--;
        if (a.state >= SimAgentContext.CRASHED) {
            ledger.lose(a.address, 1);
        } else {
            undelivered.merge(a.address, 1L, Long::sum);
        }
        messages.free(m);
    }
}
